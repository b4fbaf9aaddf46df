import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  describeOptionProblem,
  ERROR_CODES,
  errorFromWire,
  errors,
  errorToWire,
  isLrsimError,
  LrsimError,
} from "@lrsim/core";
import { describe, expect, it } from "vitest";

const packagesDir = fileURLToPath(new URL("../../", import.meta.url));

/** Every TypeScript source file of every package (not tests, not generated). */
function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ts")) files.push(path);
    }
  };
  for (const pkg of readdirSync(packagesDir)) {
    const src = join(packagesDir, pkg, "src");
    if (statSync(join(packagesDir, pkg)).isDirectory() && readdirSync(join(packagesDir, pkg)).includes("src"))
      walk(src);
  }
  return files;
}

const camel = (code: string) => code.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

describe("the error catalogue", () => {
  it("lists its codes sorted and once each, with one factory per code named after it", () => {
    expect([...ERROR_CODES]).toEqual([...new Set(ERROR_CODES)].sort());
    expect(Object.keys(errors)).toEqual(ERROR_CODES.map(camel));
  });

  it("each factory makes an LrsimError of its own code", () => {
    for (const code of ERROR_CODES) {
      const factory = errors[camel(code) as keyof typeof errors] as (...args: unknown[]) => LrsimError;
      // One-item lists read as text and as lists alike, whatever each factory's parameters are.
      const error = factory(["a"], ["b"], ["c"], ["d"], ["e"]);
      expect(isLrsimError(error), code).toBe(true);
      expect(error.code).toBe(code);
      expect(error.message.length, code).toBeGreaterThan(0);
    }
  });

  it("is the only place an LrsimError is constructed", () => {
    const offenders = sourceFiles().filter(
      (file) =>
        !file.endsWith(join("core", "src", "errors.ts")) &&
        readFileSync(file, "utf8").includes("new LrsimError("),
    );
    expect(offenders).toEqual([]);
  });

  it("keeps an option's parts, so a front end can name the option its own way", () => {
    const error = errors.invalidOption("end", "a number above", "0.1", { option: "start", value: "1" });
    expect(error.message).toBe("end must be a number above start (1), got 0.1");
    const flag = (o: string) => `--${o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    expect(describeOptionProblem(error.option!, flag)).toBe(
      "--end must be a number above --start (1), got 0.1",
    );
    expect(describeOptionProblem(errors.invalidOption("stopFactor", "a number > 1", "1").option!, flag)).toBe(
      "--stop-factor must be a number > 1, got 1",
    );
  });
});

describe("errors crossing a thread boundary", () => {
  it("an LrsimError comes back with its class, code, message and option through structured clone", () => {
    const sent = errors.invalidOption("batchSize", "an integer >= 1", "0");
    const back = errorFromWire(structuredClone(errorToWire(sent)));
    expect(back).toBeInstanceOf(LrsimError);
    expect(back).toMatchObject({ code: "INVALID_OPTION", message: sent.message, option: sent.option });
  });

  it("anything else comes back as a plain Error of the same name, never as an LrsimError", () => {
    const back = errorFromWire(structuredClone(errorToWire(new TypeError("x is not a function"))));
    expect(isLrsimError(back)).toBe(false);
    expect(back.name).toBe("TypeError");
    expect(back.message).toBe("x is not a function");
    expect(isLrsimError(errorFromWire(errorToWire("a thrown string")))).toBe(false);
  });

  it("a plugin's error keeps its cause chain and the cause's system code (a network fault under a hook)", () => {
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", errno: -104 });
    const sent = errors.hookFailed('model "flaky"', "gradient", reset);
    const back = errorFromWire(structuredClone(errorToWire(sent)));
    expect(back).toMatchObject({ code: "HOOK_FAILED", message: sent.message });
    expect(back.cause).toBeInstanceOf(Error);
    expect(back.cause).toMatchObject({ message: "read ECONNRESET", code: "ECONNRESET" });
    expect(isLrsimError(back.cause)).toBe(false);
    // A cause with no code gets none; an error with no cause gets none.
    const plain = errorFromWire(
      structuredClone(errorToWire(errors.hookFailed("m", "gradient", new Error("bug")))),
    );
    expect(plain.cause).not.toHaveProperty("code");
    expect("cause" in errorFromWire(errorToWire(new Error("alone")))).toBe(false);
  });
});
