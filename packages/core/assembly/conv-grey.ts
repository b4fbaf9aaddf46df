// The direct convolution of lrsim's ConvNetwork for one-channel maps with stride 1 (the first
// layer on grey images), compiled into generated/conv.wasm by conv.ts. Same conventions as
// conv.ts: channels-last f32 maps, byte pointers, fixed loop order.

// Direct convolution of a one-channel map, stride 1 — the first layer of a network on grey
// images, where im2col's rows would be short runs of a few floats: four neighbouring output
// positions at a time in one vector, four output channels at a time. `src` is the (already
// padded) height x width map; `weights` holds one row of `depth` floats per output channel in
// (kernel row, kernel column) order, as im2col's rows are. Writes the channels-last output.
export function convGreyForward(src: usize, width: i32, kernel: i32, outH: i32, outW: i32, weights: usize, depth: i32, bias: usize, outC: i32, dst: usize): void {
  const rowBytes = <usize>width << 2;
  const wRow = <usize>depth << 2;
  const ov = outW & ~3;
  for (let oy = 0; oy < outH; oy++) {
    const out = dst + (<usize>(oy * outW * outC) << 2);
    let ox = 0;
    for (; ox < ov; ox += 4) {
      const base = src + <usize>oy * rowBytes + (<usize>ox << 2);
      let o = 0;
      for (; o + 3 < outC; o += 4) {
        const w0 = weights + <usize>o * wRow;
        let a0 = v128.load32_splat(bias + (<usize>o << 2));
        let a1 = v128.load32_splat(bias + (<usize>(o + 1) << 2));
        let a2 = v128.load32_splat(bias + (<usize>(o + 2) << 2));
        let a3 = v128.load32_splat(bias + (<usize>(o + 3) << 2));
        for (let ky = 0; ky < kernel; ky++) {
          const row = base + <usize>ky * rowBytes;
          const wk = w0 + (<usize>(ky * kernel) << 2);
          for (let kx = 0; kx < kernel; kx++) {
            const x = v128.load(row + (<usize>kx << 2));
            const wx = wk + (<usize>kx << 2);
            a0 = f32x4.add(a0, f32x4.mul(x, v128.load32_splat(wx)));
            a1 = f32x4.add(a1, f32x4.mul(x, v128.load32_splat(wx + wRow)));
            a2 = f32x4.add(a2, f32x4.mul(x, v128.load32_splat(wx + 2 * wRow)));
            a3 = f32x4.add(a3, f32x4.mul(x, v128.load32_splat(wx + 3 * wRow)));
          }
        }
        storeColumns(out + (<usize>(ox * outC + o) << 2), outC, a0, a1, a2, a3);
      }
      for (; o + 1 < outC; o += 2) {
        const w0 = weights + <usize>o * wRow;
        let a0 = v128.load32_splat(bias + (<usize>o << 2));
        let a1 = v128.load32_splat(bias + (<usize>(o + 1) << 2));
        for (let ky = 0; ky < kernel; ky++) {
          const row = base + <usize>ky * rowBytes;
          const wk = w0 + (<usize>(ky * kernel) << 2);
          for (let kx = 0; kx < kernel; kx++) {
            const x = v128.load(row + (<usize>kx << 2));
            const wx = wk + (<usize>kx << 2);
            a0 = f32x4.add(a0, f32x4.mul(x, v128.load32_splat(wx)));
            a1 = f32x4.add(a1, f32x4.mul(x, v128.load32_splat(wx + wRow)));
          }
        }
        const at = out + (<usize>(ox * outC + o) << 2);
        const step = <usize>outC << 2;
        store<f32>(at, f32x4.extract_lane(a0, 0));
        store<f32>(at + 4, f32x4.extract_lane(a1, 0));
        store<f32>(at + step, f32x4.extract_lane(a0, 1));
        store<f32>(at + step + 4, f32x4.extract_lane(a1, 1));
        store<f32>(at + 2 * step, f32x4.extract_lane(a0, 2));
        store<f32>(at + 2 * step + 4, f32x4.extract_lane(a1, 2));
        store<f32>(at + 3 * step, f32x4.extract_lane(a0, 3));
        store<f32>(at + 3 * step + 4, f32x4.extract_lane(a1, 3));
      }
      for (; o < outC; o++) {
        const w0 = weights + <usize>o * wRow;
        let a = v128.load32_splat(bias + (<usize>o << 2));
        for (let ky = 0; ky < kernel; ky++)
          for (let kx = 0; kx < kernel; kx++)
            a = f32x4.add(a, f32x4.mul(v128.load(base + <usize>ky * rowBytes + (<usize>kx << 2)), v128.load32_splat(w0 + (<usize>(ky * kernel + kx) << 2))));
        const at = out + (<usize>(ox * outC + o) << 2);
        const step = <usize>outC << 2;
        store<f32>(at, f32x4.extract_lane(a, 0));
        store<f32>(at + step, f32x4.extract_lane(a, 1));
        store<f32>(at + 2 * step, f32x4.extract_lane(a, 2));
        store<f32>(at + 3 * step, f32x4.extract_lane(a, 3));
      }
    }
    for (; ox < outW; ox++)
      for (let o = 0; o < outC; o++) {
        let s = load<f32>(bias + (<usize>o << 2));
        for (let ky = 0; ky < kernel; ky++)
          for (let kx = 0; kx < kernel; kx++)
            s += load<f32>(src + (<usize>((oy + ky) * width + ox + kx) << 2)) * load<f32>(weights + <usize>o * wRow + (<usize>(ky * kernel + kx) << 2));
        store<f32>(out + (<usize>(ox * outC + o) << 2), s);
      }
  }
}

// Four output channels' values at four neighbouring positions into a channels-last map.
// @ts-ignore: decorator
@inline function storeColumns(at: usize, outC: i32, a0: v128, a1: v128, a2: v128, a3: v128): void {
  const step = <usize>outC << 2;
  store<f32>(at, f32x4.extract_lane(a0, 0));
  store<f32>(at + 4, f32x4.extract_lane(a1, 0));
  store<f32>(at + 8, f32x4.extract_lane(a2, 0));
  store<f32>(at + 12, f32x4.extract_lane(a3, 0));
  store<f32>(at + step, f32x4.extract_lane(a0, 1));
  store<f32>(at + step + 4, f32x4.extract_lane(a1, 1));
  store<f32>(at + step + 8, f32x4.extract_lane(a2, 1));
  store<f32>(at + step + 12, f32x4.extract_lane(a3, 1));
  store<f32>(at + 2 * step, f32x4.extract_lane(a0, 2));
  store<f32>(at + 2 * step + 4, f32x4.extract_lane(a1, 2));
  store<f32>(at + 2 * step + 8, f32x4.extract_lane(a2, 2));
  store<f32>(at + 2 * step + 12, f32x4.extract_lane(a3, 2));
  store<f32>(at + 3 * step, f32x4.extract_lane(a0, 3));
  store<f32>(at + 3 * step + 4, f32x4.extract_lane(a1, 3));
  store<f32>(at + 3 * step + 8, f32x4.extract_lane(a2, 3));
  store<f32>(at + 3 * step + 12, f32x4.extract_lane(a3, 3));
}

// The weight and bias gradients of convGreyForward, added into `grad` (rows of `depth`, as
// the weights) and `gb`: the channels-last delta is first transposed into `scratch` (one plane
// per output channel, outH x outW), then each weight's sum runs over the positions four at a
// time, four output channels at once. Bias sums run over positions in order, as gemmTNAcc's do.
export function convGreyBackward(src: usize, width: i32, kernel: i32, outH: i32, outW: i32, delta: usize, outC: i32, scratch: usize, grad: usize, depth: i32, gb: usize): void {
  const positions = outH * outW;
  const plane = <usize>positions << 2;
  for (let o = 0; o < outC; o++) {
    let s: f32 = 0;
    for (let p = 0; p < positions; p++) {
      const v = load<f32>(delta + (<usize>(p * outC + o) << 2));
      store<f32>(scratch + <usize>o * plane + (<usize>p << 2), v);
      s += v;
    }
    store<f32>(gb + (<usize>o << 2), load<f32>(gb + (<usize>o << 2)) + s);
  }
  const rowBytes = <usize>width << 2;
  const outRow = <usize>outW << 2;
  const wRow = <usize>depth << 2;
  const ov = outW & ~3;
  let o = 0;
  for (; o + 3 < outC; o += 4) {
    const d0 = scratch + <usize>o * plane;
    for (let ky = 0; ky < kernel; ky++) {
      for (let kx = 0; kx < kernel; kx++) {
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
        let t0: f32 = 0, t1: f32 = 0, t2: f32 = 0, t3: f32 = 0;
        for (let oy = 0; oy < outH; oy++) {
          const row = src + <usize>(oy + ky) * rowBytes + (<usize>kx << 2);
          const dr = d0 + <usize>oy * outRow;
          let ox = 0;
          for (; ox < ov; ox += 4) {
            const off = <usize>ox << 2;
            const x = v128.load(row + off);
            a0 = f32x4.add(a0, f32x4.mul(x, v128.load(dr + off)));
            a1 = f32x4.add(a1, f32x4.mul(x, v128.load(dr + plane + off)));
            a2 = f32x4.add(a2, f32x4.mul(x, v128.load(dr + 2 * plane + off)));
            a3 = f32x4.add(a3, f32x4.mul(x, v128.load(dr + 3 * plane + off)));
          }
          for (; ox < outW; ox++) {
            const off = <usize>ox << 2;
            const x = load<f32>(row + off);
            t0 += x * load<f32>(dr + off);
            t1 += x * load<f32>(dr + plane + off);
            t2 += x * load<f32>(dr + 2 * plane + off);
            t3 += x * load<f32>(dr + 3 * plane + off);
          }
        }
        const g = grad + <usize>o * wRow + (<usize>(ky * kernel + kx) << 2);
        store<f32>(g, load<f32>(g) + (hsum(a0) + t0));
        store<f32>(g + wRow, load<f32>(g + wRow) + (hsum(a1) + t1));
        store<f32>(g + 2 * wRow, load<f32>(g + 2 * wRow) + (hsum(a2) + t2));
        store<f32>(g + 3 * wRow, load<f32>(g + 3 * wRow) + (hsum(a3) + t3));
      }
    }
  }
  for (; o + 1 < outC; o += 2) {
    const d0 = scratch + <usize>o * plane;
    for (let ky = 0; ky < kernel; ky++) {
      for (let kx = 0; kx < kernel; kx++) {
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
        let t0: f32 = 0, t1: f32 = 0;
        for (let oy = 0; oy < outH; oy++) {
          const row = src + <usize>(oy + ky) * rowBytes + (<usize>kx << 2);
          const dr = d0 + <usize>oy * outRow;
          let ox = 0;
          for (; ox < ov; ox += 4) {
            const off = <usize>ox << 2;
            const x = v128.load(row + off);
            a0 = f32x4.add(a0, f32x4.mul(x, v128.load(dr + off)));
            a1 = f32x4.add(a1, f32x4.mul(x, v128.load(dr + plane + off)));
          }
          for (; ox < outW; ox++) {
            const off = <usize>ox << 2;
            const x = load<f32>(row + off);
            t0 += x * load<f32>(dr + off);
            t1 += x * load<f32>(dr + plane + off);
          }
        }
        const g = grad + <usize>o * wRow + (<usize>(ky * kernel + kx) << 2);
        store<f32>(g, load<f32>(g) + (hsum(a0) + t0));
        store<f32>(g + wRow, load<f32>(g + wRow) + (hsum(a1) + t1));
      }
    }
  }
  for (; o < outC; o++) {
    const d0 = scratch + <usize>o * plane;
    for (let ky = 0; ky < kernel; ky++) {
      for (let kx = 0; kx < kernel; kx++) {
        let a = f32x4.splat(0);
        let t: f32 = 0;
        for (let oy = 0; oy < outH; oy++) {
          const row = src + <usize>(oy + ky) * rowBytes + (<usize>kx << 2);
          const dr = d0 + <usize>oy * outRow;
          let ox = 0;
          for (; ox < ov; ox += 4) a = f32x4.add(a, f32x4.mul(v128.load(row + (<usize>ox << 2)), v128.load(dr + (<usize>ox << 2))));
          for (; ox < outW; ox++) t += load<f32>(row + (<usize>ox << 2)) * load<f32>(dr + (<usize>ox << 2));
        }
        const g = grad + <usize>o * wRow + (<usize>(ky * kernel + kx) << 2);
        store<f32>(g, load<f32>(g) + (hsum(a) + t));
      }
    }
  }
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}
