// The deterministic reduction of the worker pool, in WebAssembly SIMD over shared memory.
// Each f32x4 lane adds in IEEE float32, exactly like the in-process backend's Float32Array sum,
// so the result is bit for bit the same; only the speed differs.

// grad[from..to) = (first ? 0 : grad) + slot_0 + slot_1 + ... + slot_{count-1}, in slot order,
// then, when batchSize > 0, divided by batchSize (the mean gradient). Pointers are byte offsets;
// slot s starts at slots + s * stride bytes. Sixteen floats (a 64-byte cache line) at a time are
// summed over all slots in four registers and stored once: each element still adds its slots in
// order, and the four sums give the memory system a whole line of every slot per iteration
// (1.2-1.7x faster than one vector per slot per iteration when the slots have left the cache;
// `pnpm bench:reduce`). A tiled variant that streams one slot at a time through an L1 tile of
// the sum measured slower: it loads and stores the sum once per slot. float32 division rounds
// exactly like JavaScript's grad / batchSize stored into a Float32Array (a double quotient of two
// floats rounded to float: double rounding is innocuous for division here).
// Returns 1 when every element of the result is finite, else 0.
export function accumulate(
  grad: usize,
  slots: usize,
  stride: usize,
  from: i32,
  to: i32,
  count: i32,
  first: bool,
  batchSize: i32,
): i32 {
  const mean = batchSize > 0;
  const b = <f32>batchSize;
  const bv = f32x4.splat(b);
  const zero = f32x4.splat(0);
  let bad = f32x4.splat(0);
  let i = from;
  for (; i + 15 < to; i += 16) {
    const off = (<usize>i) << 2;
    let a0 = first ? zero : v128.load(grad + off);
    let a1 = first ? zero : v128.load(grad + off, 16);
    let a2 = first ? zero : v128.load(grad + off, 32);
    let a3 = first ? zero : v128.load(grad + off, 48);
    let at = slots + off;
    for (let s = 0; s < count; s++) {
      a0 = f32x4.add(a0, v128.load(at));
      a1 = f32x4.add(a1, v128.load(at, 16));
      a2 = f32x4.add(a2, v128.load(at, 32));
      a3 = f32x4.add(a3, v128.load(at, 48));
      at += stride;
    }
    if (mean) {
      a0 = f32x4.div(a0, bv);
      a1 = f32x4.div(a1, bv);
      a2 = f32x4.div(a2, bv);
      a3 = f32x4.div(a3, bv);
      // NaN once any element is infinite or NaN (each times 0 first: a sum could overflow)
      const z01 = f32x4.add(f32x4.mul(a0, zero), f32x4.mul(a1, zero));
      const z23 = f32x4.add(f32x4.mul(a2, zero), f32x4.mul(a3, zero));
      bad = f32x4.add(bad, f32x4.add(z01, z23));
    }
    v128.store(grad + off, a0);
    v128.store(grad + off, a1, 16);
    v128.store(grad + off, a2, 32);
    v128.store(grad + off, a3, 48);
  }
  for (; i + 3 < to; i += 4) {
    const off = (<usize>i) << 2;
    let acc = first ? zero : v128.load(grad + off);
    let at = slots + off;
    for (let s = 0; s < count; s++) {
      acc = f32x4.add(acc, v128.load(at));
      at += stride;
    }
    if (mean) {
      acc = f32x4.div(acc, bv);
      bad = f32x4.add(bad, f32x4.mul(acc, zero));
    }
    v128.store(grad + off, acc);
  }
  let badScalar: f32 = 0;
  for (; i < to; i++) {
    const off = (<usize>i) << 2;
    let acc: f32 = first ? 0 : load<f32>(grad + off);
    for (let s = 0; s < count; s++) acc += load<f32>(slots + <usize>s * stride + off);
    if (mean) {
      acc /= b;
      badScalar += acc * 0;
    }
    store<f32>(grad + off, acc);
  }
  const check =
    f32x4.extract_lane(bad, 0) +
    f32x4.extract_lane(bad, 1) +
    f32x4.extract_lane(bad, 2) +
    f32x4.extract_lane(bad, 3) +
    badScalar;
  return check === 0 ? 1 : 0;
}

// Sum of squares of the floats at `slot` over [from, to), in f64, in the fixed order of
// blockedSquaredNorm (packages/core/src/train/noise-scale.ts): four running sums over elements
// i = 0, 1, 2, 3 (mod 4) from `from`, combined as (s0 + s1) + (s2 + s3), then the tail in order.
// Squares of floats are exact in f64, so only the order of the additions matters.
export function squaredNorm(slot: usize, from: i32, to: i32): f64 {
  let s01 = f64x2.splat(0);
  let s23 = f64x2.splat(0);
  let i = from;
  for (; i + 3 < to; i += 4) {
    const v = v128.load(slot + ((<usize>i) << 2));
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<u32>(v, v, 2, 3, 0, 1));
    s01 = f64x2.add(s01, f64x2.mul(lo, lo));
    s23 = f64x2.add(s23, f64x2.mul(hi, hi));
  }
  let sum =
    f64x2.extract_lane(s01, 0) +
    f64x2.extract_lane(s01, 1) +
    (f64x2.extract_lane(s23, 0) + f64x2.extract_lane(s23, 1));
  for (; i < to; i++) {
    const v = <f64>load<f32>(slot + ((<usize>i) << 2));
    sum += v * v;
  }
  return sum;
}
