// The deterministic reduction of the worker pool, in WebAssembly SIMD over shared memory.
// Each f32x4 lane adds in IEEE float32, exactly like the in-process backend's Float32Array sum,
// so the result is bit for bit the same; only the speed differs.

// grad[from..to) = (first ? 0 : grad) + slot_0 + slot_1 + ... + slot_{count-1}, in slot order.
// Pointers are byte offsets; slot s starts at slots + s * stride bytes.
export function accumulate(
  grad: usize,
  slots: usize,
  stride: usize,
  from: i32,
  to: i32,
  count: i32,
  first: bool,
): void {
  let i = from;
  for (; i + 3 < to; i += 4) {
    const off = (<usize>i) << 2;
    let acc = first ? f32x4.splat(0) : v128.load(grad + off);
    let at = slots + off;
    for (let s = 0; s < count; s++) {
      acc = f32x4.add(acc, v128.load(at));
      at += stride;
    }
    v128.store(grad + off, acc);
  }
  for (; i < to; i++) {
    const off = (<usize>i) << 2;
    let acc: f32 = first ? 0 : load<f32>(grad + off);
    for (let s = 0; s < count; s++) acc += load<f32>(slots + <usize>s * stride + off);
    store<f32>(grad + off, acc);
  }
}

// Sum of squares of slot s over [from, to), in f64: a slice's share of |slot gradient|^2.
export function squaredNorm(slot: usize, from: i32, to: i32): f64 {
  let sum: f64 = 0;
  for (let i = from; i < to; i++) {
    const v = <f64>load<f32>(slot + ((<usize>i) << 2));
    sum += v * v;
  }
  return sum;
}
