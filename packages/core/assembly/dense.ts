// The dense-layer kernels of lrsim's DenseNetwork, compiled to WebAssembly SIMD (f32x4).
// All matrices are row-major f32 in linear memory; pointers are byte offsets. Every loop has a
// fixed order, so results are reproducible bit for bit on any thread.

// c + a * b, lane by lane. Built twice (package.json's build:wasm): plain SIMD, a multiply then an
// add, each rounded (generated/dense.wasm); and with relaxed SIMD's fused multiply-add, one
// rounding (generated/dense-relaxed.wasm), which src/nn/wasm-module.ts loads when the runtime
// validates relaxed SIMD. Either build is deterministic; the two differ in the last bits.
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// C[M x N] = A[M x K] * B[N x K]^T + bias[N]   (forward: activations times weights^T)
// Register-blocked 4 rows x 2 outputs: 8 vector accumulators over K.
export function gemmNT(a: usize, b: usize, bias: usize, c: usize, m: i32, n: i32, k: i32): void {
  const kv = k & ~3;
  const rowA = <usize>k << 2;
  let r = 0;
  for (; r + 3 < m; r += 4) {
    const a0 = a + <usize>r * rowA;
    const a1 = a0 + rowA;
    const a2 = a1 + rowA;
    const a3 = a2 + rowA;
    let o = 0;
    for (; o + 1 < n; o += 2) {
      const b0 = b + <usize>o * rowA;
      const b1 = b0 + rowA;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      for (let i = 0; i < kv; i += 4) {
        const off = <usize>i << 2;
        const w0 = v128.load(b0 + off);
        const w1 = v128.load(b1 + off);
        const x0 = v128.load(a0 + off);
        const x1 = v128.load(a1 + off);
        const x2 = v128.load(a2 + off);
        const x3 = v128.load(a3 + off);
        s00 = madd(x0, w0, s00);
        s01 = madd(x0, w1, s01);
        s10 = madd(x1, w0, s10);
        s11 = madd(x1, w1, s11);
        s20 = madd(x2, w0, s20);
        s21 = madd(x2, w1, s21);
        s30 = madd(x3, w0, s30);
        s31 = madd(x3, w1, s31);
      }
      let t00 = hsum(s00), t01 = hsum(s01), t10 = hsum(s10), t11 = hsum(s11);
      let t20 = hsum(s20), t21 = hsum(s21), t30 = hsum(s30), t31 = hsum(s31);
      for (let i = kv; i < k; i++) {
        const off = <usize>i << 2;
        const w0 = load<f32>(b0 + off);
        const w1 = load<f32>(b1 + off);
        t00 += load<f32>(a0 + off) * w0;
        t01 += load<f32>(a0 + off) * w1;
        t10 += load<f32>(a1 + off) * w0;
        t11 += load<f32>(a1 + off) * w1;
        t20 += load<f32>(a2 + off) * w0;
        t21 += load<f32>(a2 + off) * w1;
        t30 += load<f32>(a3 + off) * w0;
        t31 += load<f32>(a3 + off) * w1;
      }
      const bb0 = load<f32>(bias + (<usize>o << 2));
      const bb1 = load<f32>(bias + (<usize>(o + 1) << 2));
      const c0 = c + ((<usize>r * <usize>n + <usize>o) << 2);
      const rowC = <usize>n << 2;
      store<f32>(c0, t00 + bb0);
      store<f32>(c0 + 4, t01 + bb1);
      store<f32>(c0 + rowC, t10 + bb0);
      store<f32>(c0 + rowC + 4, t11 + bb1);
      store<f32>(c0 + 2 * rowC, t20 + bb0);
      store<f32>(c0 + 2 * rowC + 4, t21 + bb1);
      store<f32>(c0 + 3 * rowC, t30 + bb0);
      store<f32>(c0 + 3 * rowC + 4, t31 + bb1);
    }
    for (; o < n; o++) for (let rr = r; rr < r + 4; rr++) store<f32>(c + ((<usize>rr * <usize>n + <usize>o) << 2), dot(a + <usize>rr * rowA, b + <usize>o * rowA, k) + load<f32>(bias + (<usize>o << 2)));
  }
  for (; r < m; r++)
    for (let o = 0; o < n; o++) store<f32>(c + ((<usize>r * <usize>n + <usize>o) << 2), dot(a + <usize>r * rowA, b + <usize>o * rowA, k) + load<f32>(bias + (<usize>o << 2)));
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

function dot(x: usize, y: usize, k: i32): f32 {
  const kv = k & ~3;
  let s = f32x4.splat(0);
  for (let i = 0; i < kv; i += 4) {
    const off = <usize>i << 2;
    s = f32x4.add(s, f32x4.mul(v128.load(x + off), v128.load(y + off)));
  }
  let t = hsum(s);
  for (let i = kv; i < k; i++) t += load<f32>(x + (<usize>i << 2)) * load<f32>(y + (<usize>i << 2));
  return t;
}

// G[N x K] += D[M x N]^T * A[M x K];  gb[N] += column sums of D   (weight and bias gradients)
// Blocked 2 outputs x 4 rows, vectors along K.
export function gemmTNAcc(d: usize, a: usize, g: usize, gb: usize, m: i32, n: i32, k: i32): void {
  const kv = k & ~3;
  const rowA = <usize>k << 2;
  const rowD = <usize>n << 2;
  for (let o = 0; o < n; o++) {
    let s: f32 = 0;
    for (let r = 0; r < m; r++) s += load<f32>(d + <usize>r * rowD + (<usize>o << 2));
    store<f32>(gb + (<usize>o << 2), load<f32>(gb + (<usize>o << 2)) + s);
  }
  let o = 0;
  for (; o + 1 < n; o += 2) {
    const g0 = g + <usize>o * rowA;
    const g1 = g0 + rowA;
    let r = 0;
    for (; r + 3 < m; r += 4) {
      const dr = d + <usize>r * rowD + (<usize>o << 2);
      const d00 = f32x4.splat(load<f32>(dr)), d01 = f32x4.splat(load<f32>(dr + 4));
      const d10 = f32x4.splat(load<f32>(dr + rowD)), d11 = f32x4.splat(load<f32>(dr + rowD + 4));
      const d20 = f32x4.splat(load<f32>(dr + 2 * rowD)), d21 = f32x4.splat(load<f32>(dr + 2 * rowD + 4));
      const d30 = f32x4.splat(load<f32>(dr + 3 * rowD)), d31 = f32x4.splat(load<f32>(dr + 3 * rowD + 4));
      const a0 = a + <usize>r * rowA;
      const a1 = a0 + rowA;
      const a2 = a1 + rowA;
      const a3 = a2 + rowA;
      for (let i = 0; i < kv; i += 4) {
        const off = <usize>i << 2;
        const x0 = v128.load(a0 + off);
        const x1 = v128.load(a1 + off);
        const x2 = v128.load(a2 + off);
        const x3 = v128.load(a3 + off);
        const u0 = f32x4.add(madd(d10, x1, f32x4.mul(d00, x0)), madd(d30, x3, f32x4.mul(d20, x2)));
        const u1 = f32x4.add(madd(d11, x1, f32x4.mul(d01, x0)), madd(d31, x3, f32x4.mul(d21, x2)));
        v128.store(g0 + off, f32x4.add(v128.load(g0 + off), u0));
        v128.store(g1 + off, f32x4.add(v128.load(g1 + off), u1));
      }
      for (let i = kv; i < k; i++) {
        const off = <usize>i << 2;
        const x0 = load<f32>(a0 + off), x1 = load<f32>(a1 + off), x2 = load<f32>(a2 + off), x3 = load<f32>(a3 + off);
        store<f32>(g0 + off, load<f32>(g0 + off) + ((f32x4.extract_lane(d00, 0) * x0 + f32x4.extract_lane(d10, 0) * x1) + (f32x4.extract_lane(d20, 0) * x2 + f32x4.extract_lane(d30, 0) * x3)));
        store<f32>(g1 + off, load<f32>(g1 + off) + ((f32x4.extract_lane(d01, 0) * x0 + f32x4.extract_lane(d11, 0) * x1) + (f32x4.extract_lane(d21, 0) * x2 + f32x4.extract_lane(d31, 0) * x3)));
      }
    }
    for (; r < m; r++) {
      axpy(load<f32>(d + <usize>r * rowD + (<usize>o << 2)), a + <usize>r * rowA, g0, k);
      axpy(load<f32>(d + <usize>r * rowD + (<usize>(o + 1) << 2)), a + <usize>r * rowA, g1, k);
    }
  }
  for (; o < n; o++) for (let r = 0; r < m; r++) axpy(load<f32>(d + <usize>r * rowD + (<usize>o << 2)), a + <usize>r * rowA, g + <usize>o * rowA, k);
}

function axpy(alpha: f32, x: usize, y: usize, k: i32): void {
  const kv = k & ~3;
  const av = f32x4.splat(alpha);
  for (let i = 0; i < kv; i += 4) {
    const off = <usize>i << 2;
    v128.store(y + off, f32x4.add(v128.load(y + off), f32x4.mul(av, v128.load(x + off))));
  }
  for (let i = kv; i < k; i++) store<f32>(y + (<usize>i << 2), load<f32>(y + (<usize>i << 2)) + alpha * load<f32>(x + (<usize>i << 2)));
}

// E[M x K] = D[M x N] * W[N x K]   (backpropagate to the layer below)
// Blocked 4 rows x 8 columns (two vectors), summing over N.
export function gemmNN(d: usize, w: usize, e: usize, m: i32, n: i32, k: i32): void {
  const k8 = k & ~7;
  const rowW = <usize>k << 2;
  const rowD = <usize>n << 2;
  let r = 0;
  for (; r + 3 < m; r += 4) {
    const d0 = d + <usize>r * rowD;
    const e0 = e + <usize>r * rowW;
    for (let i = 0; i < k8; i += 8) {
      const off = <usize>i << 2;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      for (let o = 0; o < n; o++) {
        const wo = w + <usize>o * rowW + off;
        const w0 = v128.load(wo);
        const w1 = v128.load(wo + 16);
        const dof = <usize>o << 2;
        const q0 = v128.load32_splat(d0 + dof);
        const q1 = v128.load32_splat(d0 + rowD + dof);
        const q2 = v128.load32_splat(d0 + 2 * rowD + dof);
        const q3 = v128.load32_splat(d0 + 3 * rowD + dof);
        s00 = madd(q0, w0, s00);
        s01 = madd(q0, w1, s01);
        s10 = madd(q1, w0, s10);
        s11 = madd(q1, w1, s11);
        s20 = madd(q2, w0, s20);
        s21 = madd(q2, w1, s21);
        s30 = madd(q3, w0, s30);
        s31 = madd(q3, w1, s31);
      }
      v128.store(e0 + off, s00);
      v128.store(e0 + off + 16, s01);
      v128.store(e0 + rowW + off, s10);
      v128.store(e0 + rowW + off + 16, s11);
      v128.store(e0 + 2 * rowW + off, s20);
      v128.store(e0 + 2 * rowW + off + 16, s21);
      v128.store(e0 + 3 * rowW + off, s30);
      v128.store(e0 + 3 * rowW + off + 16, s31);
    }
    for (let i = k8; i < k; i++) for (let rr = r; rr < r + 4; rr++) store<f32>(e + <usize>rr * rowW + (<usize>i << 2), column(d + <usize>rr * rowD, w + (<usize>i << 2), n, rowW));
  }
  for (; r < m; r++) for (let i = 0; i < k; i++) store<f32>(e + <usize>r * rowW + (<usize>i << 2), column(d + <usize>r * rowD, w + (<usize>i << 2), n, rowW));
}

function column(dRow: usize, wCol: usize, n: i32, rowW: usize): f32 {
  let s: f32 = 0;
  for (let o = 0; o < n; o++) s += load<f32>(dRow + (<usize>o << 2)) * load<f32>(wCol + <usize>o * rowW);
  return s;
}

// In place: x = max(x, 0) over len floats.
export function relu(x: usize, len: i32): void {
  const lv = len & ~3;
  const zero = f32x4.splat(0);
  for (let i = 0; i < lv; i += 4) v128.store(x + (<usize>i << 2), f32x4.max(v128.load(x + (<usize>i << 2)), zero));
  for (let i = lv; i < len; i++) store<f32>(x + (<usize>i << 2), max<f32>(load<f32>(x + (<usize>i << 2)), 0));
}

// In place: delta = 0 where output <= 0 (ReLU's derivative, from its output).
export function reluBackward(out: usize, delta: usize, len: i32): void {
  const lv = len & ~3;
  const zero = f32x4.splat(0);
  for (let i = 0; i < lv; i += 4) {
    const off = <usize>i << 2;
    v128.store(delta + off, v128.and(v128.load(delta + off), f32x4.gt(v128.load(out + off), zero)));
  }
  for (let i = lv; i < len; i++) {
    const off = <usize>i << 2;
    if (load<f32>(out + off) <= 0) store<f32>(delta + off, 0);
  }
}
