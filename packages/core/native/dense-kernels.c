/*
 * The dense-layer kernels declared in dense-kernels.h. GCC vector extensions keep the code one
 * source for every CPU: a 16-float vector is one AVX-512 register, two AVX2 ones, four SSE or
 * NEON ones, with the same lane-by-lane arithmetic. `acc + x * y` on vectors is contracted into
 * a fused multiply-add (GCC does so by default in GNU C, binding.gyp's -std=gnu11; Clang by the
 * pragma below — a command-line -ffp-contract=fast would also override update.c's pragma
 * against contraction in Clang); scalar tails call fmaf so they round the same way.
 */
#if defined(__clang__)
#pragma clang fp contract(fast)
#endif

#include "dense-kernels.h"

#include <math.h>
#include <string.h>

#include "float16x.h"

static inline v16 splat(float x) { return (v16){0} + x; }

/*
 * Keeps a loaded vector in a register. GCC otherwise folds the load into every multiply-add that
 * uses it: 18 loads per 16 multiply-adds in the forward product, which then waits on the load
 * ports (97 GFLOP/s against 149 with the value pinned, AVX-512).
 */
static inline v16 pinned(v16 v) {
#if defined(__GNUC__) && defined(__AVX512F__) /* one register holds the whole vector */
  __asm__("" : "+v"(v));
#endif
  return v;
}

/* The lanes' sum in a fixed tree: halves, quarters, eighths, then the last pair. */
#if defined(__clang__)
#define SHUFFLE(v, ...) __builtin_shufflevector((v), (v), __VA_ARGS__)
#else
typedef int i16 __attribute__((vector_size(LANES * sizeof(int))));
#define SHUFFLE(v, ...) __builtin_shuffle((v), (i16){__VA_ARGS__})
#endif
static inline float hsum(v16 v) {
  v += SHUFFLE(v, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
  v += SHUFFLE(v, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7);
  v += SHUFFLE(v, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3);
  return v[0] + v[1];
}

#define INLINE static inline __attribute__((always_inline))

/*
 * A block of gemm_nt: rows x outs outputs, each the lanes' sum of its vector chain over k, then
 * the tail, then the bias. Called with constant sizes, so the accumulators stay in registers.
 */
INLINE void nt_block(const float *a, const float *b, const float *bias, float *c, int n, int k, int r,
                     int o, int rows, int outs) {
  const int kv = k - k % LANES;
  v16 s[8][3];
  for (int x = 0; x < rows; x++)
    for (int y = 0; y < outs; y++) s[x][y] = (v16){0};
  for (int i = 0; i < kv; i += LANES) {
    v16 w[3];
    for (int y = 0; y < outs; y++) w[y] = load(b + (long)(o + y) * k + i);
    for (int x = 0; x < rows; x++) {
      const v16 xa = pinned(load(a + (long)(r + x) * k + i));
      for (int y = 0; y < outs; y++) s[x][y] += xa * w[y];
    }
  }
  for (int x = 0; x < rows; x++)
    for (int y = 0; y < outs; y++) {
      const float *ar = a + (long)(r + x) * k, *bo = b + (long)(o + y) * k;
      float t = hsum(s[x][y]);
      for (int i = kv; i < k; i++) t = fmaf(ar[i], bo[i], t);
      c[(long)(r + x) * n + o + y] = t + bias[o + y];
    }
}

/*
 * Blocked 8 rows x 3 outputs: 24 accumulators and 11 loads per 24 multiply-adds. Measured on
 * AVX-512 with the inputs pinned (GFLOP/s): 4x6 88, 12x2 129, 8x2 156, 6x4 185, 8x3 186.
 */
void lrsim_gemm_nt(const float *a, const float *b, const float *bias, float *c, int m, int n, int k) {
  int r = 0;
  for (; r + 7 < m; r += 8) {
    int o = 0;
    for (; o + 2 < n; o += 3) nt_block(a, b, bias, c, n, k, r, o, 8, 3);
    if (o + 1 < n) nt_block(a, b, bias, c, n, k, r, o, 8, 2);
    else if (o < n) nt_block(a, b, bias, c, n, k, r, o, 8, 1);
  }
  for (; r < m; r++) {
    int o = 0;
    for (; o + 2 < n; o += 3) nt_block(a, b, bias, c, n, k, r, o, 1, 3);
    for (; o < n; o++) nt_block(a, b, bias, c, n, k, r, o, 1, 1);
  }
}

/*
 * A block of gemm_tn_acc: outs rows of G by vecs vectors from column i. Each element sums its m
 * products in row order in a register, then is added to G once per call.
 */
INLINE void tn_block(const float *d, const float *a, float *g, int m, int n, int k, int o, int i, int outs,
                     int vecs) {
  v16 s[8][2];
  for (int x = 0; x < outs; x++)
    for (int y = 0; y < vecs; y++) s[x][y] = (v16){0};
  for (int r = 0; r < m; r++) {
    v16 xa[2];
    for (int y = 0; y < vecs; y++) xa[y] = load(a + (long)r * k + i + y * LANES);
    for (int x = 0; x < outs; x++) {
      const v16 q = splat(d[(long)r * n + o + x]);
      for (int y = 0; y < vecs; y++) s[x][y] += q * xa[y];
    }
  }
  for (int x = 0; x < outs; x++)
    for (int y = 0; y < vecs; y++) {
      float *p = g + (long)(o + x) * k + i + y * LANES;
      store(p, load(p) + s[x][y]);
    }
}

/* Blocked 8 outputs x 2 vectors (measured best of 4x4, 4x6, 8x2, 8x3 on AVX-512). */
void lrsim_gemm_tn_acc(const float *d, const float *a, float *g, float *gb, int m, int n, int k) {
  const int kv = k - k % LANES;
  for (int o = 0; o < n; o++) {
    float s = 0;
    for (int r = 0; r < m; r++) s += d[(long)r * n + o];
    gb[o] += s;
  }
  int o = 0;
  for (; o + 7 < n; o += 8) {
    int i = 0;
    for (; i + 2 * LANES <= kv; i += 2 * LANES) tn_block(d, a, g, m, n, k, o, i, 8, 2);
    for (; i < kv; i += LANES) tn_block(d, a, g, m, n, k, o, i, 8, 1);
  }
  for (; o < n; o++) {
    int i = 0;
    for (; i + 2 * LANES <= kv; i += 2 * LANES) tn_block(d, a, g, m, n, k, o, i, 1, 2);
    for (; i < kv; i += LANES) tn_block(d, a, g, m, n, k, o, i, 1, 1);
  }
  for (int o2 = 0; o2 < n; o2++)
    for (int i = kv; i < k; i++) {
      float s = 0;
      for (int r = 0; r < m; r++) s = fmaf(d[(long)r * n + o2], a[(long)r * k + i], s);
      g[(long)o2 * k + i] += s;
    }
}

/*
 * A block of gemm_nn: rows rows of E by vecs vectors from column i, each element the chain of
 * its n products in order.
 */
INLINE void nn_block(const float *d, const float *w, float *e, int n, int k, int r, int i, int rows, int vecs) {
  v16 s[8][2];
  for (int x = 0; x < rows; x++)
    for (int y = 0; y < vecs; y++) s[x][y] = (v16){0};
  for (int o = 0; o < n; o++) {
    v16 wv[2];
    for (int y = 0; y < vecs; y++) wv[y] = load(w + (long)o * k + i + y * LANES);
    for (int x = 0; x < rows; x++) {
      const v16 q = splat(d[(long)(r + x) * n + o]);
      for (int y = 0; y < vecs; y++) s[x][y] += q * wv[y];
    }
  }
  for (int x = 0; x < rows; x++)
    for (int y = 0; y < vecs; y++) store(e + (long)(r + x) * k + i + y * LANES, s[x][y]);
}

/*
 * Blocked 8 rows x 2 vectors (AVX-512, 48 x 256 x 768, GFLOP/s: 4x2 83, 4x4 97, 8x2 225,
 * 6x4 228, 8x3 242 — 8x2 kept for rows in eights and vectors in pairs, as the other products).
 */
void lrsim_gemm_nn(const float *d, const float *w, float *e, int m, int n, int k) {
  const int kv = k - k % LANES;
  int r = 0;
  for (; r + 7 < m; r += 8) {
    int i = 0;
    for (; i + 2 * LANES <= kv; i += 2 * LANES) nn_block(d, w, e, n, k, r, i, 8, 2);
    for (; i < kv; i += LANES) nn_block(d, w, e, n, k, r, i, 8, 1);
  }
  for (; r < m; r++) {
    int i = 0;
    for (; i + 2 * LANES <= kv; i += 2 * LANES) nn_block(d, w, e, n, k, r, i, 1, 2);
    for (; i < kv; i += LANES) nn_block(d, w, e, n, k, r, i, 1, 1);
  }
  for (int r2 = 0; r2 < m; r2++)
    for (int i = kv; i < k; i++) {
      float s = 0;
      for (int o = 0; o < n; o++) s = fmaf(d[(long)r2 * n + o], w[(long)o * k + i], s);
      e[(long)r2 * k + i] = s;
    }
}

void lrsim_relu(float *x, int len) {
  for (int i = 0; i < len; i++) x[i] = x[i] < 0 ? 0 : x[i]; /* NaN stays NaN, as f32x4.max keeps it */
}

void lrsim_relu_backward(const float *out, float *delta, int len) {
  for (int i = 0; i < len; i++)
    if (out[i] <= 0) delta[i] = 0;
}

int lrsim_vector_bits(void) {
#if defined(__AVX512F__)
  return 512;
#elif defined(__AVX__)
  return 256;
#else
  return 128;
#endif
}
