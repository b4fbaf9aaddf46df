/**
 * Seeded, fast, reproducible randomness: sfc32 seeded through splitmix32. Every consumer asks
 * for its own named stream (`"init"`, `"shuffle"`, `"data"`), so adding a draw in one place
 * never shifts the numbers another place sees.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [low, high). */
  uniform(low: number, high: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Fisher–Yates shuffle in place. */
  shuffle(values: Int32Array | number[]): void;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a hash of a stream name, so streams are independent of each other. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A random stream for `seed` and `stream`; the same pair always gives the same numbers. */
export function createRng(seed: number, stream = "default"): Rng {
  const mix = splitmix32((seed >>> 0) ^ hashName(stream));
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  const next32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next32();
  let spare: number | undefined;
  const next = () => next32() / 4294967296;
  return {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    normal: () => {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return value;
      }
      let u = next();
      while (u === 0) u = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      const angle = 2 * Math.PI * next();
      spare = radius * Math.sin(angle);
      return radius * Math.cos(angle);
    },
    int: (n) => Math.floor(next() * n),
    shuffle: (values) => {
      for (let i = values.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = values[i]!;
        values[i] = values[j]!;
        values[j] = tmp;
      }
    },
  };
}
