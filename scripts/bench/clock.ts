/**
 * The clock a thread actually runs at, for `pnpm bench`'s ceiling line: a VM guest reports its
 * nominal rate (`lscpu`, /proc/cpuinfo) but runs at the host's boost clock. A chain of
 * dependent one-cycle integer operations (adds and xors, each needing the previous result)
 * retires one per cycle, so operations per second bound the clock from below.
 */
export function effectiveClockGHz(): number {
  const chain = (n: number, seed: number) => {
    let x = seed;
    for (let i = 0; i < n; i++) {
      x = (x + 1) | 0;
      x ^= 0x55;
      x = (x + 3) | 0;
      x ^= 0x33;
      x = (x + 5) | 0;
      x ^= 0x11;
      x = (x + 7) | 0;
      x ^= 0x77;
      x = (x + 1) | 0;
      x ^= 0x55;
      x = (x + 3) | 0;
      x ^= 0x33;
      x = (x + 5) | 0;
      x ^= 0x11;
      x = (x + 7) | 0;
      x ^= 0x77;
    }
    return x;
  };
  const n = 2e7;
  chain(n / 2, 1);
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let trial = 0; trial < 15; trial++) {
    const start = performance.now();
    sink ^= chain(n, trial);
    best = Math.min(best, performance.now() - start);
  }
  if (sink === 0.5) console.log(sink); // keeps the chains from being optimised away
  return (16 * n) / best / 1e6;
}
