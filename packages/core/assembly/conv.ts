// The convolutional-network kernels of lrsim's ConvNetwork, compiled to WebAssembly SIMD into
// generated/conv.wasm. A convolution is im2col onto the dense layers' blocked matrix products,
// which this module takes from dense.ts (so both networks run the same tuned products). Feature
// maps are channels-last (HWC) f32 in linear memory; pointers are byte offsets. Every loop has a
// fixed order, so results are reproducible bit for bit on any thread, and they are the loops of
// the portable twin in src/nn/conv-kernels-js.ts.

export { gemmNN, gemmNT, gemmTNAcc, relu, reluBackward } from "./dense";
export { convGreyBackward, convGreyForward } from "./conv-grey";

// One row of `depth` floats per output position (oy, ox): the window's values in (kernel row,
// kernel column, channel) order — for a channels-last map, one contiguous run of kernel x
// channels floats per kernel row — then zeros up to `depth` (a multiple of 4, so the products
// have no scalar tail), and zeros where the window hangs over the padding. The weights are
// packed in the same order (ConvNetwork does it when it loads the parameters).
export function im2col(src: usize, height: i32, width: i32, channels: i32, kernel: i32, stride: i32, padding: i32, outH: i32, outW: i32, depth: i32, dst: usize): void {
  const run = kernel * channels;
  const tail = depth - kernel * run;
  let at = dst;
  for (let oy = 0; oy < outH; oy++) {
    const y0 = oy * stride - padding;
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * stride - padding;
      const whole = x0 >= 0 && x0 + kernel <= width;
      for (let ky = 0; ky < kernel; ky++) {
        const y = y0 + ky;
        if (y < 0 || y >= height) fill(at, run);
        else if (whole) copyOver(at, src + (<usize>((y * width + x0) * channels) << 2), run);
        else
          for (let kx = 0; kx < kernel; kx++) {
            const x = x0 + kx;
            const to = at + (<usize>(kx * channels) << 2);
            if (x < 0 || x >= width) fill(to, channels);
            else copy(to, src + (<usize>((y * width + x) * channels) << 2), channels);
          }
        at += <usize>run << 2;
      }
      fill(at, tail);
      at += <usize>tail << 2;
    }
  }
}

// Copies n floats in whole vectors, so up to 3 floats past the end are written too: im2col
// writes rows front to back and zero-fills each row's tail after its last run, so what spills
// over is always overwritten (the caller leaves 3 floats of slack after the last row).
// @ts-ignore: decorator
@inline function copyOver(to: usize, from: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) v128.store(to + (<usize>i << 2), v128.load(from + (<usize>i << 2)));
}

// Copies a channels-last map into the middle of a map `padding` larger on every side, zeros
// around it: im2col then reads every window as whole runs.
export function pad(src: usize, height: i32, width: i32, channels: i32, padding: i32, dst: usize): void {
  const outer = width + 2 * padding;
  const run = width * channels;
  memory.fill(dst, 0, <usize>(outer * padding * channels) << 2);
  let at = dst + (<usize>(outer * padding * channels) << 2);
  for (let y = 0; y < height; y++) {
    fill(at, padding * channels);
    at += <usize>(padding * channels) << 2;
    copy(at, src + (<usize>(y * run) << 2), run);
    at += <usize>run << 2;
    fill(at, padding * channels);
    at += <usize>(padding * channels) << 2;
  }
  memory.fill(at, 0, <usize>(outer * padding * channels) << 2);
}

// The adjoint of im2col: zeroes the map, then adds every row's entries back where they came
// from, in row order.
export function col2im(cols: usize, height: i32, width: i32, channels: i32, kernel: i32, stride: i32, padding: i32, outH: i32, outW: i32, depth: i32, dst: usize): void {
  memory.fill(dst, 0, <usize>(height * width * channels) << 2);
  const run = kernel * channels;
  let row = cols;
  for (let oy = 0; oy < outH; oy++) {
    const y0 = oy * stride - padding;
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * stride - padding;
      const whole = x0 >= 0 && x0 + kernel <= width;
      for (let ky = 0; ky < kernel; ky++) {
        const y = y0 + ky;
        const at = row + (<usize>(ky * run) << 2);
        if (y < 0 || y >= height) continue;
        if (whole) addTo(dst + (<usize>((y * width + x0) * channels) << 2), at, run);
        else
          for (let kx = 0; kx < kernel; kx++) {
            const x = x0 + kx;
            if (x >= 0 && x < width) addTo(dst + (<usize>((y * width + x) * channels) << 2), at + (<usize>(kx * channels) << 2), channels);
          }
      }
      row += <usize>depth << 2;
    }
  }
}

// @ts-ignore: decorator
@inline function copy(to: usize, from: usize, n: i32): void {
  let i = 0;
  for (; i + 3 < n; i += 4) v128.store(to + (<usize>i << 2), v128.load(from + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(to + (<usize>i << 2), load<f32>(from + (<usize>i << 2)));
}

// @ts-ignore: decorator
@inline function fill(to: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(to + (<usize>i << 2), 0);
}

// y[0..n) += x[0..n)
// @ts-ignore: decorator
@inline function addTo(y: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const off = <usize>i << 2;
    v128.store(y + off, f32x4.add(v128.load(y + off), v128.load(x + off)));
  }
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), load<f32>(y + (<usize>i << 2)) + load<f32>(x + (<usize>i << 2)));
}

// Max over each window, per channel; argmax (i32) gets the winner's index in the map (first of
// ties, PyTorch's choice). Four channels at a time when the channel count allows.
export function maxpool(src: usize, height: i32, width: i32, channels: i32, size: i32, stride: i32, outH: i32, outW: i32, dst: usize, argmax: usize): void {
  let at = dst;
  let arg = argmax;
  const cv = channels & ~3;
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const first = (oy * stride * width + ox * stride) * channels;
      let c = 0;
      for (; c < cv; c += 4) {
        let best = v128.load(src + (<usize>(first + c) << 2));
        let index = i32x4.add(i32x4.splat(first + c), i32x4(0, 1, 2, 3));
        for (let dy = 0; dy < size; dy++) {
          for (let dx = 0; dx < size; dx++) {
            const i = ((oy * stride + dy) * width + ox * stride + dx) * channels + c;
            const v = v128.load(src + (<usize>i << 2));
            const greater = f32x4.gt(v, best);
            best = v128.bitselect(v, best, greater);
            index = v128.bitselect(i32x4.add(i32x4.splat(i), i32x4(0, 1, 2, 3)), index, greater);
          }
        }
        v128.store(at, best);
        v128.store(arg, index);
        at += 16;
        arg += 16;
      }
      for (; c < channels; c++) {
        let best = first + c;
        let value = load<f32>(src + (<usize>best << 2));
        for (let dy = 0; dy < size; dy++) {
          for (let dx = 0; dx < size; dx++) {
            const i = ((oy * stride + dy) * width + ox * stride + dx) * channels + c;
            const v = load<f32>(src + (<usize>i << 2));
            if (v > value) {
              value = v;
              best = i;
            }
          }
        }
        store<f32>(at, value);
        store<i32>(arg, best);
        at += 4;
        arg += 4;
      }
    }
  }
}

// Zeroes the input map (`inputs` values), then adds each output delta at its argmax.
export function maxpoolBackward(delta: usize, argmax: usize, count: i32, dst: usize, inputs: i32): void {
  memory.fill(dst, 0, <usize>inputs << 2);
  for (let j = 0; j < count; j++) {
    const p = dst + (<usize>load<i32>(argmax + (<usize>j << 2)) << 2);
    store<f32>(p, load<f32>(p) + load<f32>(delta + (<usize>j << 2)));
  }
}

// Mean over each window, per channel (the sum in window order, times 1 / size^2).
export function avgpool(src: usize, height: i32, width: i32, channels: i32, size: i32, stride: i32, outH: i32, outW: i32, dst: usize): void {
  const scale: f32 = <f32>1 / <f32>(size * size);
  let at = dst;
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      for (let c = 0; c < channels; c++) {
        let sum: f32 = 0;
        for (let dy = 0; dy < size; dy++)
          for (let dx = 0; dx < size; dx++)
            sum += load<f32>(src + (<usize>(((oy * stride + dy) * width + ox * stride + dx) * channels + c) << 2));
        store<f32>(at, sum * scale);
        at += 4;
      }
    }
  }
}

// Zeroes the input map, then spreads each output delta evenly over its window.
export function avgpoolBackward(delta: usize, height: i32, width: i32, channels: i32, size: i32, stride: i32, outH: i32, outW: i32, dst: usize): void {
  const scale: f32 = <f32>1 / <f32>(size * size);
  memory.fill(dst, 0, <usize>(height * width * channels) << 2);
  let at = delta;
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      for (let c = 0; c < channels; c++) {
        const share = load<f32>(at) * scale;
        at += 4;
        for (let dy = 0; dy < size; dy++)
          for (let dx = 0; dx < size; dx++) {
            const p = dst + (<usize>(((oy * stride + dy) * width + ox * stride + dx) * channels + c) << 2);
            store<f32>(p, load<f32>(p) + share);
          }
      }
    }
  }
}

// HWC to CHW: the flatten order of PyTorch.
export function toChannelsFirst(src: usize, pixels: i32, channels: i32, dst: usize): void {
  for (let p = 0; p < pixels; p++)
    for (let c = 0; c < channels; c++)
      store<f32>(dst + (<usize>(c * pixels + p) << 2), load<f32>(src + (<usize>(p * channels + c) << 2)));
}

// CHW to HWC.
export function toChannelsLast(src: usize, pixels: i32, channels: i32, dst: usize): void {
  for (let p = 0; p < pixels; p++)
    for (let c = 0; c < channels; c++)
      store<f32>(dst + (<usize>(p * channels + c) << 2), load<f32>(src + (<usize>(c * pixels + p) << 2)));
}
