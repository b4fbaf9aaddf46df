import { join, resolve } from "node:path";
import {
  bindParams,
  canonicalSpec,
  formatString,
  isLrsimError,
  type ParamSchema,
  param,
  parseSpec,
} from "@lrsim/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const schema = {
  label: param.string({ doc: "Any text.", default: "digits" }),
  path: param.string({ doc: "A file.", path: true, optional: true }),
} satisfies ParamSchema;

/** Binds `spec` against the schema above, as the catalog does for a dataset in `cwd`. */
const bind = (spec: string, cwd = "/work/project") => bindParams("files", schema, parseSpec(spec), { cwd });

describe("string parameters and quoted strings", () => {
  it("any string round-trips: written with formatString, parsed, bound, and canonicalised to the same text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 24, unit: "binary" }), (text) => {
        const spec = `files(label=${formatString(text)})`;
        const values = bind(spec);
        expect(values.label).toBe(text);
        const canonical = canonicalSpec("files", schema, values);
        expect(bind(canonical)).toEqual(values);
        expect(canonicalSpec("files", schema, bind(canonical))).toBe(canonical);
      }),
      { numRuns: 400 },
    );
  });

  it("takes bare words and quoted strings alike, with the quotes' escapes", () => {
    expect(bind("files(label=mnist)").label).toBe("mnist");
    expect(bind('files(label="two words, (and) [brackets]=")').label).toBe("two words, (and) [brackets]=");
    expect(bind("files(label='single \\'quoted\\'')").label).toBe("single 'quoted'");
    expect(bind('files(label="back\\\\slash \\"quote\\"")').label).toBe('back\\slash "quote"');
    expect(bind('files(label="1e3")').label).toBe("1e3");
    expect(canonicalSpec("files", schema, bind('files(label="1e3")'))).toBe('files(label="1e3")');
  });

  it("refuses a value that is not a string, in one line", () => {
    const error = (() => {
      try {
        bind("files(label=3)");
      } catch (caught) {
        return caught;
      }
    })();
    expect(isLrsimError(error)).toBe(true);
    expect((error as Error).message).toBe('files: label must be a string such as "text", got 3');
    expect(() => bind("files(path=[1,2])")).toThrow(
      'files: path must be a path such as "./data/train.idx", got [1,2]',
    );
  });

  it("resolves a relative path from the catalog's folder and keeps absolute ones", () => {
    expect(bind('files(path="./data/train.idx")').path).toBe(resolve("/work/project", "data/train.idx"));
    expect(bind("files(path=../shared/x.idx)", "/work/project/sub").path).toBe(
      join("/work/project", "shared/x.idx"),
    );
    expect(bind('files(path="/data/my digits.idx")').path).toBe("/data/my digits.idx");
    expect(bindParams("files", schema, parseSpec('files(path="./a.idx")')).path).toBe("./a.idx"); // no folder: as written
    const canonical = canonicalSpec("files", schema, bind('files(path="./my data/a.idx")'));
    expect(canonical).toBe('files(path="/work/project/my data/a.idx")');
    expect(bind(canonical, "/elsewhere").path).toBe("/work/project/my data/a.idx");
  });
});
