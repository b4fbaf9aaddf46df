/*
 * The reduction declared in reduce.h. Every element starts from +0 (or its running sum) and
 * adds its slots in order with IEEE float32 additions, then divides by the batch size: exactly
 * the WebAssembly kernel's and the in-process backend's operations, so results do not depend on
 * which ran. Only the width differs: 64 floats (four 16-float vectors, one AVX-512 register each)
 * per pass over the slots, which reads a cache line of every slot at a time: 32 slots of the
 * MLP's 101,770 parameters in 0.20 ms in cache against 0.34 for the WebAssembly loop's 128-bit
 * loads (`pnpm bench:reduce`; 0.12 ms in a C harness, ~110 GB/s; docs/decisions.md).
 * There are no multiplications here, so -ffp-contract cannot fuse anything.
 */
#include "reduce.h"

#include <stdint.h>
#include <string.h>

#include "float16x.h"

typedef int32_t i16v __attribute__((vector_size(LANES * sizeof(int32_t))));

/* Lanes whose exponent bits are all ones: infinities and NaNs. */
static inline i16v non_finite(v16 v) {
  i16v bits;
  memcpy(&bits, &v, sizeof bits);
  return (bits & 0x7f800000) == 0x7f800000;
}

#define SLOT(s) ((const float *)((const char *)slots + (size_t)(s) * stride))

int lrsim_accumulate(float *grad, const float *slots, size_t stride, int from, int to, int count, int first,
                     int batch_size) {
  const int mean = batch_size > 0;
  const float b = (float)batch_size;
  i16v bad = {0};
  int i = from;
  for (; to - i >= 4 * LANES; i += 4 * LANES) {
    v16 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
    if (!first) {
      a0 = load(grad + i);
      a1 = load(grad + i + LANES);
      a2 = load(grad + i + 2 * LANES);
      a3 = load(grad + i + 3 * LANES);
    }
    for (int s = 0; s < count; s++) {
      const float *p = SLOT(s) + i;
      a0 += load(p);
      a1 += load(p + LANES);
      a2 += load(p + 2 * LANES);
      a3 += load(p + 3 * LANES);
    }
    if (mean) {
      a0 /= b;
      a1 /= b;
      a2 /= b;
      a3 /= b;
      bad |= non_finite(a0) | non_finite(a1) | non_finite(a2) | non_finite(a3);
    }
    store(grad + i, a0);
    store(grad + i + LANES, a1);
    store(grad + i + 2 * LANES, a2);
    store(grad + i + 3 * LANES, a3);
  }
  for (; to - i >= LANES; i += LANES) {
    v16 a = {0};
    if (!first) a = load(grad + i);
    for (int s = 0; s < count; s++) a += load(SLOT(s) + i);
    if (mean) {
      a /= b;
      bad |= non_finite(a);
    }
    store(grad + i, a);
  }
  int bad_tail = 0;
  for (; i < to; i++) {
    float a = first ? 0.0f : grad[i];
    for (int s = 0; s < count; s++) a += SLOT(s)[i];
    if (mean) {
      a /= b;
      uint32_t bits;
      memcpy(&bits, &a, sizeof bits);
      bad_tail |= (bits & 0x7f800000u) == 0x7f800000u;
    }
    grad[i] = a;
  }
  for (int lane = 0; lane < LANES; lane++) bad_tail |= bad[lane] != 0;
  return bad_tail ? 0 : 1;
}
