// Element-wise optimizer updates in WebAssembly SIMD, over memory shared with the worker pool
// (imported). The arithmetic is float64, exactly as the JavaScript loops they replace compute
// before storing into a Float32Array (src/optim/update-kernel.ts has the twin), so the two give
// the same bits; two lanes at a time.

// PyTorch's SGD on p[from..to): d = g + weightDecay p; without momentum p -= lr d; with it
// b = fresh ? d : momentum buf + (1 - dampening) d, stored in buf as float32, and
// p -= lr (nesterov ? d + momentum float32(b) : float32(b)).
export function sgd(
  p: usize,
  g: usize,
  buf: usize,
  from: i32,
  to: i32,
  lr: f64,
  weightDecay: f64,
  momentum: f64,
  dampening: f64,
  nesterov: bool,
  fresh: bool,
): void {
  const lrv = f64x2.splat(lr);
  const wdv = f64x2.splat(weightDecay);
  const muv = f64x2.splat(momentum);
  const keep = f64x2.splat(1 - dampening);
  let i = from;
  for (; i + 3 < to; i += 4) {
    const off = (<usize>i) << 2;
    const p4 = v128.load(p + off);
    const g4 = v128.load(g + off);
    const b4 = momentum !== 0 && !fresh ? v128.load(buf + off) : p4;
    const lo = sgdLanes(low(p4), low(g4), low(b4), lrv, wdv, muv, keep, momentum, nesterov, fresh);
    const hi = sgdLanes(high(p4), high(g4), high(b4), lrv, wdv, muv, keep, momentum, nesterov, fresh);
    // Each result holds the new p (lanes 0, 1) and the new buf (lanes 2, 3) as float32.
    v128.store(p + off, v128.shuffle<u32>(lo, hi, 0, 1, 4, 5));
    if (momentum !== 0) v128.store(buf + off, v128.shuffle<u32>(lo, hi, 2, 3, 6, 7));
  }
  for (; i < to; i++) {
    const off = (<usize>i) << 2;
    const pv = <f64>load<f32>(p + off);
    const d = <f64>load<f32>(g + off) + weightDecay * pv;
    let step = d;
    if (momentum !== 0) {
      const b = fresh ? d : momentum * <f64>load<f32>(buf + off) + (1 - dampening) * d;
      const b32 = <f32>b;
      store<f32>(buf + off, b32);
      step = nesterov ? d + momentum * <f64>b32 : <f64>b32;
    }
    store<f32>(p + off, <f32>(pv - lr * step));
  }
}

// @ts-ignore: decorator
@inline function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

// @ts-ignore: decorator
@inline function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<u32>(v, v, 2, 3, 2, 3));
}

// Two lanes of sgd's update in float64: the new p and buf, rounded to float32, in one vector
// (p in lanes 0 and 1, buf in lanes 2 and 3).
// @ts-ignore: decorator
@inline function sgdLanes(
  pv: v128,
  gv: v128,
  bufv: v128,
  lrv: v128,
  wdv: v128,
  muv: v128,
  keep: v128,
  momentum: f64,
  nesterov: bool,
  fresh: bool,
): v128 {
  const d = f64x2.add(gv, f64x2.mul(wdv, pv));
  let step = d;
  let b32 = f32x4.splat(0);
  if (momentum !== 0) {
    const b = fresh ? d : f64x2.add(f64x2.mul(muv, bufv), f64x2.mul(keep, d));
    b32 = f32x4.demote_f64x2_zero(b);
    const bRounded = f64x2.promote_low_f32x4(b32);
    step = nesterov ? f64x2.add(d, f64x2.mul(muv, bRounded)) : bRounded;
  }
  const p32 = f32x4.demote_f64x2_zero(f64x2.sub(pv, f64x2.mul(lrv, step)));
  return v128.shuffle<u32>(p32, b32, 0, 1, 4, 5);
}
