import type { ConvKernels } from "./conv-kernels.ts";
import { axpy, dot } from "./kernels.ts";

/**
 * The portable twin of the WebAssembly convolution kernels: plain typed-array loops over an
 * `ArrayBuffer` of `bytes` bytes, pointers in bytes as there. Chosen by `cnn(kernel=js)`, and
 * where WebAssembly SIMD is missing; the tests hold the two to float32 rounding of each other.
 */
export function jsConvKernels(bytes: number): ConvKernels {
  const buffer = new ArrayBuffer(Math.ceil(bytes / 16) * 16);
  const f = new Float32Array(buffer);
  const n32 = new Int32Array(buffer);
  return {
    memory: { buffer },
    gemmNT(a, b, bias, c, m, n, k) {
      const A = a >> 2;
      const B = b >> 2;
      const Bias = bias >> 2;
      const C = c >> 2;
      for (let r = 0; r < m; r++)
        for (let o = 0; o < n; o++) f[C + r * n + o] = dot(f, A + r * k, f, B + o * k, k) + f[Bias + o]!;
    },
    gemmTNAcc(d, a, g, gb, m, n, k) {
      const D = d >> 2;
      const A = a >> 2;
      const G = g >> 2;
      const GB = gb >> 2;
      for (let o = 0; o < n; o++) {
        let s = 0;
        for (let r = 0; r < m; r++) s += f[D + r * n + o]!;
        f[GB + o] = f[GB + o]! + s;
        for (let r = 0; r < m; r++) axpy(f[D + r * n + o]!, f, A + r * k, f, G + o * k, k);
      }
    },
    gemmNN(d, w, e, m, n, k) {
      const D = d >> 2;
      const W = w >> 2;
      const E = e >> 2;
      f.fill(0, E, E + m * k);
      for (let r = 0; r < m; r++)
        for (let o = 0; o < n; o++) axpy(f[D + r * n + o]!, f, W + o * k, f, E + r * k, k);
    },
    relu(x, length) {
      const X = x >> 2;
      for (let i = X; i < X + length; i++) if (f[i]! < 0) f[i] = 0;
    },
    reluBackward(out, delta, length) {
      const O = out >> 2;
      const D = delta >> 2;
      for (let i = 0; i < length; i++) if (f[O + i]! <= 0) f[D + i] = 0;
    },
    im2col(src, height, width, channels, kernel, stride, padding, outH, outW, depth, dst) {
      const S = src >> 2;
      let row = dst >> 2;
      for (let oy = 0; oy < outH; oy++)
        for (let ox = 0; ox < outW; ox++, row += depth) {
          let at = row;
          for (let ky = 0; ky < kernel; ky++) {
            const y = oy * stride - padding + ky;
            for (let kx = 0; kx < kernel; kx++) {
              const x = ox * stride - padding + kx;
              const inside = y >= 0 && y < height && x >= 0 && x < width;
              for (let c = 0; c < channels; c++)
                f[at++] = inside ? f[S + (y * width + x) * channels + c]! : 0;
            }
          }
          f.fill(0, at, row + depth);
        }
    },
    pad(src, height, width, channels, padding, dst) {
      const S = src >> 2;
      const D = dst >> 2;
      const outer = width + 2 * padding;
      f.fill(0, D, D + (height + 2 * padding) * outer * channels);
      for (let y = 0; y < height; y++)
        f.copyWithin(
          D + ((y + padding) * outer + padding) * channels,
          S + y * width * channels,
          S + (y + 1) * width * channels,
        );
    },
    col2im(cols, height, width, channels, kernel, stride, padding, outH, outW, depth, dst) {
      const D = dst >> 2;
      f.fill(0, D, D + height * width * channels);
      let row = cols >> 2;
      for (let oy = 0; oy < outH; oy++)
        for (let ox = 0; ox < outW; ox++, row += depth) {
          let at = row;
          for (let ky = 0; ky < kernel; ky++) {
            const y = oy * stride - padding + ky;
            for (let kx = 0; kx < kernel; kx++) {
              const x = ox * stride - padding + kx;
              const inside = y >= 0 && y < height && x >= 0 && x < width;
              for (let c = 0; c < channels; c++, at++)
                if (inside) {
                  const i = D + (y * width + x) * channels + c;
                  f[i] = f[i]! + f[at]!;
                }
            }
          }
        }
    },
    maxpool(src, _height, width, channels, size, stride, outH, outW, dst, argmax) {
      const S = src >> 2;
      let at = dst >> 2;
      let arg = argmax >> 2;
      for (let oy = 0; oy < outH; oy++)
        for (let ox = 0; ox < outW; ox++)
          for (let c = 0; c < channels; c++) {
            let best = (oy * stride * width + ox * stride) * channels + c;
            for (let dy = 0; dy < size; dy++)
              for (let dx = 0; dx < size; dx++) {
                const i = ((oy * stride + dy) * width + ox * stride + dx) * channels + c;
                if (f[S + i]! > f[S + best]!) best = i;
              }
            f[at++] = f[S + best]!;
            n32[arg++] = best;
          }
    },
    maxpoolBackward(delta, argmax, count, dst, inputs) {
      const Dl = delta >> 2;
      const A = argmax >> 2;
      const D = dst >> 2;
      f.fill(0, D, D + inputs);
      for (let j = 0; j < count; j++) f[D + n32[A + j]!] = f[D + n32[A + j]!]! + f[Dl + j]!;
    },
    avgpool(src, _height, width, channels, size, stride, outH, outW, dst) {
      const S = src >> 2;
      const scale = Math.fround(1 / (size * size));
      let at = dst >> 2;
      for (let oy = 0; oy < outH; oy++)
        for (let ox = 0; ox < outW; ox++)
          for (let c = 0; c < channels; c++) {
            let sum = 0;
            for (let dy = 0; dy < size; dy++)
              for (let dx = 0; dx < size; dx++)
                sum += f[S + ((oy * stride + dy) * width + ox * stride + dx) * channels + c]!;
            f[at++] = sum * scale;
          }
    },
    avgpoolBackward(delta, height, width, channels, size, stride, outH, outW, dst) {
      const D = dst >> 2;
      const scale = Math.fround(1 / (size * size));
      f.fill(0, D, D + height * width * channels);
      let at = delta >> 2;
      for (let oy = 0; oy < outH; oy++)
        for (let ox = 0; ox < outW; ox++)
          for (let c = 0; c < channels; c++) {
            const share = Math.fround(f[at++]! * scale);
            for (let dy = 0; dy < size; dy++)
              for (let dx = 0; dx < size; dx++) {
                const i = D + ((oy * stride + dy) * width + ox * stride + dx) * channels + c;
                f[i] = f[i]! + share;
              }
          }
    },
    convGreyForward(src, width, kernel, outH, outW, weights, depth, bias, outC, dst) {
      const S = src >> 2;
      const W = weights >> 2;
      const B = bias >> 2;
      let at = dst >> 2;
      for (let oy = 0; oy < outH; oy++)
        for (let ox = 0; ox < outW; ox++)
          for (let o = 0; o < outC; o++) {
            let sum = f[B + o]!;
            for (let ky = 0; ky < kernel; ky++)
              for (let kx = 0; kx < kernel; kx++)
                sum += f[S + (oy + ky) * width + ox + kx]! * f[W + o * depth + ky * kernel + kx]!;
            f[at++] = sum;
          }
    },
    convGreyBackward(src, width, kernel, outH, outW, delta, outC, _scratch, grad, depth, gb) {
      const S = src >> 2;
      const D = delta >> 2;
      const G = grad >> 2;
      const GB = gb >> 2;
      for (let o = 0; o < outC; o++) {
        let bias = 0;
        for (let p = 0; p < outH * outW; p++) bias += f[D + p * outC + o]!;
        f[GB + o] = f[GB + o]! + bias;
        for (let ky = 0; ky < kernel; ky++)
          for (let kx = 0; kx < kernel; kx++) {
            let sum = 0;
            for (let oy = 0; oy < outH; oy++)
              for (let ox = 0; ox < outW; ox++)
                sum += f[S + (oy + ky) * width + ox + kx]! * f[D + (oy * outW + ox) * outC + o]!;
            const i = G + o * depth + ky * kernel + kx;
            f[i] = f[i]! + sum;
          }
      }
    },
    toChannelsFirst(src, pixels, channels, dst) {
      const S = src >> 2;
      const D = dst >> 2;
      for (let p = 0; p < pixels; p++)
        for (let c = 0; c < channels; c++) f[D + c * pixels + p] = f[S + p * channels + c]!;
    },
    toChannelsLast(src, pixels, channels, dst) {
      const S = src >> 2;
      const D = dst >> 2;
      for (let p = 0; p < pixels; p++)
        for (let c = 0; c < channels; c++) f[D + p * channels + c] = f[S + c * pixels + p]!;
    },
  };
}
