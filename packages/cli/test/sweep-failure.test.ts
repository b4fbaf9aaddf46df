import { errors } from "@lrsim/core";
import { describe, expect, it } from "vitest";
import { classifyFailure } from "../src/sweep/failure.ts";

/** An error as Node's sockets raise them. */
const systemError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe("classifyFailure: which failures of a sweep job are retried", () => {
  it("lrsim's own errors (bad input, a missing or refused plugin, a plugin's bug) are deterministic", () => {
    expect(classifyFailure(errors.pluginPathRefused("./x.js"))).toBe("deterministic");
    expect(classifyFailure(errors.badJob("7", "key must be 20 hex digits"))).toBe("deterministic");
    expect(classifyFailure(errors.usage("bad spec"))).toBe("deterministic");
    expect(classifyFailure(errors.hookFailed('dataset "d"', "load", new TypeError("x is undefined")))).toBe(
      "deterministic",
    );
    expect(
      classifyFailure(errors.hookFailed('dataset "d"', "load", systemError("ENOENT", "no such file"))),
    ).toBe("deterministic");
  });

  it("a plugin's network or system fault that the next attempt may not meet is transient", () => {
    for (const code of ["ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "ECONNREFUSED", "EMFILE"])
      expect(
        classifyFailure(errors.hookFailed('dataset "d"', "load", systemError(code, "socket hang up"))),
      ).toBe("transient");
    // fetch() wraps the socket's error: TypeError("fetch failed") caused by it.
    const fetchFailed = new TypeError("fetch failed", {
      cause: systemError("UND_ERR_SOCKET", "other side closed"),
    });
    expect(classifyFailure(errors.hookFailed('dataset "d"', "load", fetchFailed))).toBe("transient");
  });

  it("anything that is not lrsim's own error (a dead worker thread, Redis lost mid-job) is transient", () => {
    expect(classifyFailure(new Error("worker thread exited with code 1"))).toBe("transient");
    expect(classifyFailure(systemError("ECONNRESET", "read ECONNRESET"))).toBe("transient");
    expect(classifyFailure("a string")).toBe("transient");
  });
});
