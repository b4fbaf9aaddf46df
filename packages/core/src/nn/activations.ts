/** Hidden-layer activations. Derivatives are written in terms of the activation's output. */
export type Activation = "relu" | "tanh" | "sigmoid";

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

/** Multiplies `delta[from..to)` by the activation's derivative, given the activation's `output`. */
export function backpropActivation(
  kind: Activation,
  output: Float32Array,
  delta: Float32Array,
  from: number,
  to: number,
): void {
  if (kind === "relu") {
    for (let i = from; i < to; i++) if (output[i]! <= 0) delta[i] = 0;
  } else if (kind === "tanh") {
    for (let i = from; i < to; i++) {
      const y = output[i]!;
      delta[i] = delta[i]! * (1 - y * y);
    }
  } else {
    for (let i = from; i < to; i++) {
      const y = output[i]!;
      delta[i] = delta[i]! * y * (1 - y);
    }
  }
}
