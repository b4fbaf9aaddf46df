/** Hidden-layer activations. Derivatives are written in terms of the activation's output. */
export type Activation = "relu" | "tanh" | "sigmoid";

/** The activations `mlp` accepts, in the order its `activation` parameter lists them. */
export const ACTIVATIONS: readonly Activation[] = ["relu", "tanh", "sigmoid"];

/** Applies the activation to `values[from..to)` in place. */
export function activate(kind: Activation, values: Float32Array, from: number, to: number): void {
  if (kind === "relu") {
    for (let i = from; i < to; i++) if (values[i]! < 0) values[i] = 0;
  } else if (kind === "tanh") {
    for (let i = from; i < to; i++) values[i] = Math.tanh(values[i]!);
  } else {
    for (let i = from; i < to; i++) values[i] = 1 / (1 + Math.exp(-values[i]!));
  }
}

/**
 * Multiplies `length` deltas starting at `deltaOffset` by the activation's derivative, given
 * the activation's outputs starting at `outputOffset` (the two may live in one array).
 */
export function backpropActivation(
  kind: Activation,
  output: Float32Array,
  outputOffset: number,
  delta: Float32Array,
  deltaOffset: number,
  length: number,
): void {
  if (kind === "relu") {
    for (let i = 0; i < length; i++) if (output[outputOffset + i]! <= 0) delta[deltaOffset + i] = 0;
  } else if (kind === "tanh") {
    for (let i = 0; i < length; i++) {
      const y = output[outputOffset + i]!;
      delta[deltaOffset + i] = delta[deltaOffset + i]! * (1 - y * y);
    }
  } else {
    for (let i = 0; i < length; i++) {
      const y = output[outputOffset + i]!;
      delta[deltaOffset + i] = delta[deltaOffset + i]! * y * (1 - y);
    }
  }
}
