/**
 * The syntax tree of a spec string such as `warmup(steps=500, then=cosine(tMax=10))`.
 * It knows nothing of schedules: parameter schemas (see `params.ts`) give it meaning.
 */
export type SpecValue = SpecNumber | SpecBoolean | SpecString | SpecList | SpecCall;

/** A number in a spec (`0.1`, `1e-3`, `1/3`). */
interface SpecNumber {
  readonly kind: "number";
  readonly value: number;
}

/** `true` or `false` in a spec. */
interface SpecBoolean {
  readonly kind: "boolean";
  readonly value: boolean;
}

/** A bare word (`cos`, `./my-plugin.js`) or a quoted string (`"a b"`). */
interface SpecString {
  readonly kind: "string";
  readonly value: string;
  readonly quoted: boolean;
}

/** A bracketed list in a spec (`[6,12,16]`, `[constant(lr=0.1), cosine]`). */
interface SpecList {
  readonly kind: "list";
  readonly items: readonly SpecValue[];
}

/** `name(args)`; a bare word is read as a call without arguments where a spec is expected. */
export interface SpecCall {
  readonly kind: "call";
  readonly name: string;
  readonly args: readonly SpecArg[];
}

/** A positional (`key` undefined) or named argument. */
export interface SpecArg {
  readonly key: string | undefined;
  readonly value: SpecValue;
}
