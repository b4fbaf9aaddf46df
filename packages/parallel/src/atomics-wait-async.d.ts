/**
 * `Atomics.waitAsync` (ES2024) is in Node 20's V8, but the project compiles against the ES2023
 * library so that newer APIs Node 20 lacks stay out; this declares the one it uses.
 */
interface Atomics {
  waitAsync(
    typedArray: Int32Array,
    index: number,
    value: number,
    timeout?: number,
  ): { async: false; value: "not-equal" | "timed-out" } | { async: true; value: Promise<"ok" | "timed-out"> };
}
