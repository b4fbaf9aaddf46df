import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { errors } from "../src/errors.ts";
import { CONV_LAYERS, convLayersParam, planConvNet } from "../src/nn/conv-layers.ts";
import { canonicalSpec } from "../src/spec/canonical.ts";
import { bindParams } from "../src/spec/params.ts";
import { parseSpec } from "../src/spec/parse.ts";

const schema = { layers: convLayersParam };
/** The canonical spec of a `cnn`-like model with these layers. */
const canonical = (text: string) => canonicalSpec("cnn", schema, bindParams("cnn", schema, parseSpec(text)));

const side = fc.integer({ min: 1, max: 7 });
const spaces = fc.constantFrom("", " ", "  ");
/** One layer, its arguments written positionally or by name, defaults sometimes spelt out. */
const layer = fc.oneof(
  fc
    .tuple(
      side,
      side,
      fc.option(side, { nil: undefined }),
      fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      fc.boolean(),
    )
    .map(([channels, kernel, stride, padding, named]) => {
      const args = named ? [`channels=${channels}`, `kernel=${kernel}`] : [`${channels}`, `${kernel}`];
      if (stride !== undefined) args.push(`stride=${stride}`);
      if (padding !== undefined) args.push(`padding=${padding}`);
      return `conv(${args.join(", ")})`;
    }),
  fc
    .tuple(fc.constantFrom("maxpool", "avgpool"), side, fc.option(side, { nil: undefined }), fc.boolean())
    .map(
      ([name, size, stride, named]) =>
        `${name}(${named ? "size=" : ""}${size}${stride === undefined ? "" : `, stride=${stride}`})`,
    ),
  side.map((units) => `dense(${units})`),
  fc.constantFrom("relu", "tanh", "sigmoid", "flatten", "relu()"),
);
const layers = fc
  .tuple(fc.array(fc.tuple(layer, spaces), { minLength: 1, maxLength: 8 }), spaces)
  .map(([items, pad]) => `cnn(layers=[${pad}${items.map(([l, s]) => `${l}${s}`).join(",")}])`);

describe("cnn layer lists in specs", () => {
  it("the canonical spec reads back to itself, whatever the spelling", () => {
    fc.assert(
      fc.property(layers, (text) => {
        const once = canonical(text);
        expect(canonical(once)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it("positional and named arguments, spaces and spelt-out defaults give one canonical spec", () => {
    const forms = [
      "cnn(layers=[conv(16,5),relu,maxpool(2),dense(128)])",
      "cnn(layers=[conv(channels=16, kernel=5, stride=1, padding=0), relu(), maxpool(size=2), dense(units=128)])",
      "cnn(layers=[ conv(16, kernel=5) , relu , maxpool(2) , dense(128) ])",
    ];
    const specs = forms.map(canonical);
    expect(new Set(specs).size).toBe(1);
    expect(specs[0]).toBe("cnn(layers=[conv(16, 5), relu, maxpool(2), dense(128)])");
  });

  it("the default layers (LeNet-5) print as nothing, spelt out or not", () => {
    expect(canonical("cnn")).toBe("cnn");
    expect(
      canonical(
        "cnn(layers=[conv(6,5,padding=2),relu,maxpool(2),conv(16,5),relu,maxpool(2),dense(120),relu,dense(84),relu])",
      ),
    ).toBe("cnn");
    expect(canonical("cnn(layers=[conv(6, 5, padding=2), relu])")).toBe(
      "cnn(layers=[conv(6, 5, padding=2), relu])",
    );
  });

  it("refuses an unknown layer or a bad argument when the spec is read, naming it", () => {
    expect(() => canonical("cnn(layers=[conb(3, 3)])")).toThrow(
      errors.unknownName("cnn layer", "conb", Object.keys(CONV_LAYERS), ["conv"]).message,
    );
    expect(() => canonical("cnn(layers=[conv(3)])")).toThrow(/cnn conv: .*kernel/);
    expect(() => canonical("cnn(layers=[conv(3, 0)])")).toThrow(
      /cnn conv: kernel must be an integer >= 1, got 0/,
    );
    expect(() => canonical("cnn(layers=[maxpool(2, stide=1)])")).toThrow(
      /cnn maxpool: unknown parameter "stide" \(did you mean "stride"/,
    );
    expect(() => canonical("cnn(layers=[dense(4, 5)])")).toThrow(/cnn dense: /);
  });

  it("refuses layers that do not fit the data, naming the layer", () => {
    const image = {
      inputs: 64,
      outputs: 3,
      task: "classification" as const,
      image: { channels: 1, height: 8, width: 8 },
    };
    expect(() => planConvNet("conv(2, 9)", image)).toThrow(
      "layer 1 (conv): a 9x9 kernel does not fit a 8x8 input with padding 0",
    );
    expect(() => planConvNet("conv(2, 3), maxpool(7)", image)).toThrow(
      "layer 2 (maxpool): a 7x7 window does not fit a 6x6 input",
    );
    expect(() => planConvNet("dense(4), conv(2, 3)", image)).toThrow(
      "layer 2 (conv) cannot follow a flatten or dense layer",
    );
    expect(() => planConvNet("conv(2, 3)", { inputs: 5, outputs: 2, task: "regression" })).toThrow(
      "layer 1 (conv) needs image data (channels x height x width); this dataset's samples are 5 plain features",
    );
    const plan = planConvNet("conv(2, 3, padding=1), maxpool(2), dense(4)", image);
    expect(plan.parameterCount).toBe(2 * 9 + 2 + 32 * 4 + 4 + 4 * 3 + 3);
  });
});
