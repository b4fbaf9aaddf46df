// The convolutional-network kernels of lrsim's ConvNetwork, compiled to WebAssembly SIMD into
// generated/conv.wasm. A convolution is im2col onto the dense layers' blocked matrix products,
// which this module takes from dense.ts (so both networks run the same tuned products). Feature
// maps are channels-last (HWC) f32 in linear memory; pointers are byte offsets. Every loop has a
// fixed order, so results are reproducible bit for bit on any thread, and they are the loops of
// the portable twin in src/nn/conv-kernels-js.ts.

export { gemmNN, gemmNT, gemmTNAcc, relu, reluBackward } from "./dense";

// One row per output position (oy, ox), holding the window's values in PyTorch's weight order
// (channel, kernel row, kernel column); zeros where the window hangs over the padding.
export function im2col(src: usize, height: i32, width: i32, channels: i32, kernel: i32, stride: i32, padding: i32, outH: i32, outW: i32, dst: usize): void {
  let at = dst;
  const rowBytes = <usize>(width * channels) << 2;
  const pixelBytes = <usize>channels << 2;
  for (let oy = 0; oy < outH; oy++) {
    const y0 = oy * stride - padding;
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * stride - padding;
      const inside = y0 >= 0 && x0 >= 0 && y0 + kernel <= height && x0 + kernel <= width;
      for (let c = 0; c < channels; c++) {
        for (let ky = 0; ky < kernel; ky++) {
          const y = y0 + ky;
          const row = src + <usize>y * rowBytes + (<usize>c << 2);
          if (inside) {
            let p = row + <usize>x0 * pixelBytes;
            for (let kx = 0; kx < kernel; kx++) {
              store<f32>(at, load<f32>(p));
              at += 4;
              p += pixelBytes;
            }
          } else {
            for (let kx = 0; kx < kernel; kx++) {
              const x = x0 + kx;
              store<f32>(at, y >= 0 && y < height && x >= 0 && x < width ? load<f32>(row + <usize>x * pixelBytes) : 0);
              at += 4;
            }
          }
        }
      }
    }
  }
}

// The adjoint of im2col: zeroes the map, then adds every row entry back where it came from.
export function col2im(cols: usize, height: i32, width: i32, channels: i32, kernel: i32, stride: i32, padding: i32, outH: i32, outW: i32, dst: usize): void {
  memory.fill(dst, 0, <usize>(height * width * channels) << 2);
  let at = cols;
  const rowBytes = <usize>(width * channels) << 2;
  const pixelBytes = <usize>channels << 2;
  for (let oy = 0; oy < outH; oy++) {
    const y0 = oy * stride - padding;
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * stride - padding;
      for (let c = 0; c < channels; c++) {
        for (let ky = 0; ky < kernel; ky++) {
          const y = y0 + ky;
          const row = dst + <usize>y * rowBytes + (<usize>c << 2);
          for (let kx = 0; kx < kernel; kx++) {
            const x = x0 + kx;
            if (y >= 0 && y < height && x >= 0 && x < width) {
              const p = row + <usize>x * pixelBytes;
              store<f32>(p, load<f32>(p) + load<f32>(at));
            }
            at += 4;
          }
        }
      }
    }
  }
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
