/** The median of `values` (the upper one of an even count), as every benchmark reports it. */
export const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
