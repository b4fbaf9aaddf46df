import {
  formatCall,
  isLrsimError,
  parseSpec,
  parseSpecList,
  type SpecCall,
  type SpecValue,
} from "@lrsim/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const name = fc
  .stringMatching(/^[a-z][a-zA-Z0-9_]{0,8}$/)
  .filter((s) => s !== "true" && s !== "false" && !/^(inf|infinity|nan)$/i.test(s));
const bareWord = fc.oneof(name, fc.stringMatching(/^\.\/[a-z]{1,6}\.(js|ts)$/));
const quoted = fc
  .string({ maxLength: 12 })
  .map((value): SpecValue => ({ kind: "string", value, quoted: true }));
const number = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .map((value): SpecValue => ({ kind: "number", value: Object.is(value, -0) ? 0 : value }));

const { value: specValue } = fc.letrec<{ value: SpecValue; call: SpecCall }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    number,
    fc.boolean().map((value): SpecValue => ({ kind: "boolean", value })),
    bareWord.map((value): SpecValue => ({ kind: "string", value, quoted: false })),
    quoted,
    fc.array(tie("value"), { maxLength: 4 }).map((items): SpecValue => ({ kind: "list", items })),
    tie("call"),
  ),
  call: fc
    .record({
      name: bareWord,
      args: fc.array(fc.record({ key: fc.option(name, { nil: undefined }), value: tie("value") }), {
        minLength: 1,
        maxLength: 4,
      }),
    })
    .map(({ name, args }): SpecCall => ({ kind: "call", name, args })),
}));
const call = specValue.filter((v): v is SpecCall => v.kind === "call");

describe("spec parser", () => {
  it("round-trips: parse(format(ast)) equals ast", () => {
    fc.assert(
      fc.property(call, (ast) => {
        expect(parseSpec(formatCall(ast))).toEqual(ast);
      }),
      { numRuns: 500 },
    );
  });

  it("formatting is a fixed point: format(parse(format(ast))) is the same text", () => {
    fc.assert(
      fc.property(call, (ast) => formatCall(parseSpec(formatCall(ast))) === formatCall(ast)),
      { numRuns: 300 },
    );
  });

  it("splits top-level lists only at top-level commas", () => {
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 4 }), (calls) => {
        expect(parseSpecList(calls.map(formatCall).join(","))).toEqual(calls);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects arbitrary garbage with a one-line LrsimError, never a crash", () => {
    const garbage = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.stringMatching(/^[a-z()[\]=,."' 0-9/-]{0,30}$/),
    );
    fc.assert(
      fc.property(garbage, (text) => {
        try {
          parseSpecList(text);
        } catch (error) {
          expect(isLrsimError(error), String(error)).toBe(true);
          expect((error as Error).message).not.toContain("\n");
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("reads numbers, fractions, booleans, lists and nested specs", () => {
    expect(parseSpec("linear(startFactor=1/4, totalIters=8)").args[0]!.value).toEqual({
      kind: "number",
      value: 0.25,
    });
    expect(parseSpec('x(a=-1.5e-3, b=true, c=[3,11], d=cos, e="a b")').args.map((a) => a.value)).toEqual([
      { kind: "number", value: -0.0015 },
      { kind: "boolean", value: true },
      {
        kind: "list",
        items: [
          { kind: "number", value: 3 },
          { kind: "number", value: 11 },
        ],
      },
      { kind: "string", value: "cos", quoted: false },
      { kind: "string", value: "a b", quoted: true },
    ]);
    expect(parseSpec("warmup(steps=5, then=cosine(tMax=10))").args[1]!.value).toEqual({
      kind: "call",
      name: "cosine",
      args: [{ key: "tMax", value: { kind: "number", value: 10 } }],
    });
  });

  it.each([
    ["", "the spec is empty"],
    ["step(lr=)", 'unexpected ")" at column 9'],
    ["step(lr=0.1", 'expected ")" but the spec ended'],
    ["step(lr=nan)", '"nan" is not a number'],
    ["step(lr=1/0)", "not a finite number"],
    ["step(lr=0.1) extra", 'unexpected "extra"'],
    ['step(name="open)', "unterminated string"],
    ["step(1x=2)", "is not a parameter name"],
  ])("rejects %j: %s", (text, message) => {
    expect(() => parseSpec(text)).toThrow(message);
  });
});
