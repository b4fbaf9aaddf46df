// Element-wise optimizer updates in WebAssembly SIMD, over memory shared with the worker pool
// (imported). The arithmetic is float64, exactly as the JavaScript loops they replace compute
// before storing into a Float32Array (src/optim/*-update.ts and update-kernel.ts have the
// twins), operation for operation in the same order, so the two give the same bits; two lanes
// at a time. IEEE float64 add, multiply, divide and square root are correctly rounded in both
// (Math.sqrt and f64x2.sqrt alike), and a float32 store rounds like f32x4.demote_f64x2_zero.

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
  if (momentum === 0) {
    // Plain SGD, the common case, without the momentum buffer's lanes: p -= lr (g + wd p).
    for (; i + 3 < to; i += 4) {
      const off = (<usize>i) << 2;
      const p4 = v128.load(p + off);
      const g4 = v128.load(g + off);
      const pl = low(p4);
      const ph = high(p4);
      const lo = f64x2.sub(pl, f64x2.mul(lrv, f64x2.add(low(g4), f64x2.mul(wdv, pl))));
      const hi = f64x2.sub(ph, f64x2.mul(lrv, f64x2.add(high(g4), f64x2.mul(wdv, ph))));
      v128.store(
        p + off,
        v128.shuffle<u32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5),
      );
    }
  } else if (!fresh && !nesterov) {
    // Heavy-ball momentum after its first step: b = momentum buf + (1 - dampening) d; p -= lr b.
    for (; i + 3 < to; i += 4) {
      const off = (<usize>i) << 2;
      const p4 = v128.load(p + off);
      const g4 = v128.load(g + off);
      const b4 = v128.load(buf + off);
      const pl = low(p4);
      const ph = high(p4);
      const dl = f64x2.add(low(g4), f64x2.mul(wdv, pl));
      const dh = f64x2.add(high(g4), f64x2.mul(wdv, ph));
      const bl = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(muv, low(b4)), f64x2.mul(keep, dl)));
      const bh = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(muv, high(b4)), f64x2.mul(keep, dh)));
      const lo = f64x2.sub(pl, f64x2.mul(lrv, f64x2.promote_low_f32x4(bl)));
      const hi = f64x2.sub(ph, f64x2.mul(lrv, f64x2.promote_low_f32x4(bh)));
      v128.store(buf + off, v128.shuffle<u32>(bl, bh, 0, 1, 4, 5));
      v128.store(
        p + off,
        v128.shuffle<u32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5),
      );
    }
  }
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

// Two floats at `ptr` as float64 lanes.
// @ts-ignore: decorator
@inline function load2(ptr: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(ptr));
}

// Stores two float64 lanes at `ptr` as float32 (rounded to nearest, as a Float32Array store).
// @ts-ignore: decorator
@inline function store2(ptr: usize, x: v128): void {
  v128.store64_lane(ptr, f32x4.demote_f64x2_zero(x), 0);
}

// Math.fround of each float64 lane.
// @ts-ignore: decorator
@inline function fround2(x: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(x));
}

// PyTorch's Adam / AdamW on p[from..to), as optim/adam-update.ts's loop: pi = decoupled ?
// float32(p shrink) : p; d = g + l2 pi; m = float32(b1 m + (1 - b1) d);
// v = float32(b2 v + (1 - b2) d d); with amsgrad vMax = max(vMax, v) is the second moment;
// p = pi - stepSize m / (sqrt(second) / correction2 + eps).
export function adam(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  vMax: usize,
  from: i32,
  to: i32,
  beta1: f64,
  beta2: f64,
  eps: f64,
  l2: f64,
  shrink: f64,
  decoupled: bool,
  stepSize: f64,
  correction2: f64,
  amsgrad: bool,
): void {
  const b1v = f64x2.splat(beta1);
  const c1v = f64x2.splat(1 - beta1);
  const b2v = f64x2.splat(beta2);
  const c2v = f64x2.splat(1 - beta2);
  const epsv = f64x2.splat(eps);
  const l2v = f64x2.splat(l2);
  const shrinkv = f64x2.splat(shrink);
  const stepv = f64x2.splat(stepSize);
  const corrv = f64x2.splat(correction2);
  let i = from;
  for (; i + 1 < to; i += 2) {
    const off = (<usize>i) << 2;
    let pv = load2(p + off);
    if (decoupled) pv = fround2(f64x2.mul(pv, shrinkv));
    const d = f64x2.add(load2(g + off), f64x2.mul(l2v, pv));
    const mi = fround2(f64x2.add(f64x2.mul(b1v, load2(m + off)), f64x2.mul(c1v, d)));
    const vi = fround2(f64x2.add(f64x2.mul(b2v, load2(v + off)), f64x2.mul(f64x2.mul(c2v, d), d)));
    store2(m + off, mi);
    store2(v + off, vi);
    let second = vi;
    if (amsgrad) {
      second = f64x2.max(load2(vMax + off), vi);
      store2(vMax + off, second);
    }
    const denominator = f64x2.add(f64x2.div(f64x2.sqrt(second), corrv), epsv);
    store2(p + off, f64x2.sub(pv, f64x2.div(f64x2.mul(stepv, mi), denominator)));
  }
  for (; i < to; i++) {
    const off = (<usize>i) << 2;
    let pi = <f64>load<f32>(p + off);
    if (decoupled) pi = <f64>(<f32>(pi * shrink));
    const d = <f64>load<f32>(g + off) + l2 * pi;
    const mi = <f64>(<f32>(beta1 * <f64>load<f32>(m + off) + (1 - beta1) * d));
    const vi = <f64>(<f32>(beta2 * <f64>load<f32>(v + off) + (1 - beta2) * d * d));
    store<f32>(m + off, <f32>mi);
    store<f32>(v + off, <f32>vi);
    let second = vi;
    if (amsgrad) {
      second = Math.max(<f64>load<f32>(vMax + off), vi);
      store<f32>(vMax + off, <f32>second);
    }
    store<f32>(p + off, <f32>(pi - (stepSize * mi) / (Math.sqrt(second) / correction2 + eps)));
  }
}

// PyTorch's RMSprop on p[from..to), as optim/rmsprop-update.ts's loop: d = g + weightDecay p;
// sq = float32(alpha sq + (1 - alpha) d d); centred: ga = float32(alpha ga + (1 - alpha) d),
// avg = sqrt(sq - ga ga) + eps, else avg = sqrt(sq) + eps; with momentum
// b = float32(momentum b + d / avg), p -= lr b, else p -= lr d / avg.
export function rmsprop(
  p: usize,
  g: usize,
  squareAvg: usize,
  gradAvg: usize,
  buffer: usize,
  from: i32,
  to: i32,
  lr: f64,
  alpha: f64,
  eps: f64,
  weightDecay: f64,
  momentum: f64,
  centered: bool,
): void {
  const av = f64x2.splat(alpha);
  const cv = f64x2.splat(1 - alpha);
  const epsv = f64x2.splat(eps);
  const wdv = f64x2.splat(weightDecay);
  const muv = f64x2.splat(momentum);
  const lrv = f64x2.splat(lr);
  const withMomentum = momentum > 0;
  let i = from;
  for (; i + 1 < to; i += 2) {
    const off = (<usize>i) << 2;
    const pv = load2(p + off);
    const d = f64x2.add(load2(g + off), f64x2.mul(wdv, pv));
    const sq = fround2(f64x2.add(f64x2.mul(av, load2(squareAvg + off)), f64x2.mul(f64x2.mul(cv, d), d)));
    store2(squareAvg + off, sq);
    let avg: v128;
    if (centered) {
      const ga = fround2(f64x2.add(f64x2.mul(av, load2(gradAvg + off)), f64x2.mul(cv, d)));
      store2(gradAvg + off, ga);
      avg = f64x2.add(f64x2.sqrt(f64x2.sub(sq, f64x2.mul(ga, ga))), epsv);
    } else avg = f64x2.add(f64x2.sqrt(sq), epsv);
    if (withMomentum) {
      const b = fround2(f64x2.add(f64x2.mul(muv, load2(buffer + off)), f64x2.div(d, avg)));
      store2(buffer + off, b);
      store2(p + off, f64x2.sub(pv, f64x2.mul(lrv, b)));
    } else store2(p + off, f64x2.sub(pv, f64x2.div(f64x2.mul(lrv, d), avg)));
  }
  for (; i < to; i++) {
    const off = (<usize>i) << 2;
    const pv = <f64>load<f32>(p + off);
    const d = <f64>load<f32>(g + off) + weightDecay * pv;
    const sq = <f64>(<f32>(alpha * <f64>load<f32>(squareAvg + off) + (1 - alpha) * d * d));
    store<f32>(squareAvg + off, <f32>sq);
    let avg: f64;
    if (centered) {
      const ga = <f64>(<f32>(alpha * <f64>load<f32>(gradAvg + off) + (1 - alpha) * d));
      store<f32>(gradAvg + off, <f32>ga);
      avg = Math.sqrt(sq - ga * ga) + eps;
    } else avg = Math.sqrt(sq) + eps;
    if (withMomentum) {
      const b = <f64>(<f32>(momentum * <f64>load<f32>(buffer + off) + d / avg));
      store<f32>(buffer + off, <f32>b);
      store<f32>(p + off, <f32>(pv - lr * b));
    } else store<f32>(p + off, <f32>(pv - (lr * d) / avg));
  }
}

// PyTorch's Adagrad on p[from..to), as optim/adagrad-update.ts's loop, with the sums stored
// as their excess over the initial value: d = g + weightDecay p;
// s = float32(excess + initial + d d); excess = s - initial; p -= clr d / (sqrt(s) + eps).
export function adagrad(
  p: usize,
  g: usize,
  excess: usize,
  from: i32,
  to: i32,
  clr: f64,
  weightDecay: f64,
  initial: f64,
  eps: f64,
): void {
  const clrv = f64x2.splat(clr);
  const wdv = f64x2.splat(weightDecay);
  const initv = f64x2.splat(initial);
  const epsv = f64x2.splat(eps);
  let i = from;
  for (; i + 1 < to; i += 2) {
    const off = (<usize>i) << 2;
    const pv = load2(p + off);
    const d = f64x2.add(load2(g + off), f64x2.mul(wdv, pv));
    const s = fround2(f64x2.add(f64x2.add(load2(excess + off), initv), f64x2.mul(d, d)));
    store2(excess + off, f64x2.sub(s, initv));
    store2(p + off, f64x2.sub(pv, f64x2.div(f64x2.mul(clrv, d), f64x2.add(f64x2.sqrt(s), epsv))));
  }
  for (; i < to; i++) {
    const off = (<usize>i) << 2;
    const pv = <f64>load<f32>(p + off);
    const d = <f64>load<f32>(g + off) + weightDecay * pv;
    const s = <f64>(<f32>(<f64>load<f32>(excess + off) + initial + d * d));
    store<f32>(excess + off, <f32>(s - initial));
    store<f32>(p + off, <f32>(pv - (clr * d) / (Math.sqrt(s) + eps)));
  }
}

// PyTorch's Adadelta on p[from..to), as optim/adadelta-update.ts's loop: d = g + weightDecay p;
// sq = float32(rho sq + (1 - rho) d d); delta = sqrt(acc + eps) / sqrt(sq + eps) d;
// acc = rho acc + (1 - rho) delta delta; p -= lr delta.
export function adadelta(
  p: usize,
  g: usize,
  squareAvg: usize,
  accDelta: usize,
  from: i32,
  to: i32,
  lr: f64,
  rho: f64,
  eps: f64,
  weightDecay: f64,
): void {
  const rhov = f64x2.splat(rho);
  const cv = f64x2.splat(1 - rho);
  const epsv = f64x2.splat(eps);
  const wdv = f64x2.splat(weightDecay);
  const lrv = f64x2.splat(lr);
  let i = from;
  for (; i + 1 < to; i += 2) {
    const off = (<usize>i) << 2;
    const pv = load2(p + off);
    const d = f64x2.add(load2(g + off), f64x2.mul(wdv, pv));
    const sq = fround2(f64x2.add(f64x2.mul(rhov, load2(squareAvg + off)), f64x2.mul(f64x2.mul(cv, d), d)));
    store2(squareAvg + off, sq);
    const acc = load2(accDelta + off);
    const delta = f64x2.mul(
      f64x2.div(f64x2.sqrt(f64x2.add(acc, epsv)), f64x2.sqrt(f64x2.add(sq, epsv))),
      d,
    );
    store2(accDelta + off, f64x2.add(f64x2.mul(rhov, acc), f64x2.mul(f64x2.mul(cv, delta), delta)));
    store2(p + off, f64x2.sub(pv, f64x2.mul(lrv, delta)));
  }
  for (; i < to; i++) {
    const off = (<usize>i) << 2;
    const pv = <f64>load<f32>(p + off);
    const d = <f64>load<f32>(g + off) + weightDecay * pv;
    const sq = <f64>(<f32>(rho * <f64>load<f32>(squareAvg + off) + (1 - rho) * d * d));
    store<f32>(squareAvg + off, <f32>sq);
    const acc = <f64>load<f32>(accDelta + off);
    const delta = (Math.sqrt(acc + eps) / Math.sqrt(sq + eps)) * d;
    store<f32>(accDelta + off, <f32>(rho * acc + (1 - rho) * delta * delta));
    store<f32>(p + off, <f32>(pv - lr * delta));
  }
}
