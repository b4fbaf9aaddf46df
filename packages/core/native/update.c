/*
 * The updates declared in update.h. Bit-for-bit agreement with the JavaScript loops needs every
 * float64 operation as written: no fused multiply-add (the dense kernels contract their
 * products on purpose; this file turns contraction off, which is why binding.gyp passes no
 * -ffp-contract: Clang's -ffp-contract=fast disregards pragmas) and no reassociation (no
 * -ffast-math).
 * IEEE add, multiply, divide and square root are correctly rounded everywhere, and a float32
 * conversion rounds to nearest like Math.fround. Eight lanes of float64 at a time (one AVX-512
 * register), where the WebAssembly module has two.
 */
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#elif defined(_MSC_VER)
#pragma fp_contract(off)
#endif

#include "update.h"

#include <math.h>
#include <string.h>

#define LANES 8
typedef float f8 __attribute__((vector_size(LANES * sizeof(float))));
typedef double d8 __attribute__((vector_size(LANES * sizeof(double))));
typedef long long l8 __attribute__((vector_size(LANES * sizeof(long long))));

static inline d8 load(const float *p) {
  f8 v;
  memcpy(&v, p, sizeof v);
  return __builtin_convertvector(v, d8);
}

static inline f8 to_float(d8 x) { return __builtin_convertvector(x, f8); }

static inline void store(float *p, d8 x) {
  const f8 v = to_float(x);
  memcpy(p, &v, sizeof v);
}

/* Math.fround of each lane. */
static inline d8 fround(d8 x) { return __builtin_convertvector(to_float(x), d8); }

/* x in every lane, -0 included (0 + x would make a -0 argument +0). */
static inline d8 splat(double x) { return (d8){x, x, x, x, x, x, x, x}; }

static inline d8 vsqrt(d8 x) {
  d8 r;
  for (int i = 0; i < LANES; i++) r[i] = sqrt(x[i]);
  return r;
}

/* Math.max: NaN if either is NaN; +0 over -0; else the larger. */
static inline double js_max(double a, double b) {
  if (a != a || b != b) return a + b;
  if (a == b) return signbit(a) ? b : a;
  return a > b ? a : b;
}

static inline l8 bits(d8 x) {
  l8 b;
  memcpy(&b, &x, sizeof b);
  return b;
}

static inline d8 from_bits(l8 b) {
  d8 x;
  memcpy(&x, &b, sizeof x);
  return x;
}

/* js_max lane by lane, branch-free: where either is NaN their sum (a NaN); where equal, a
 * unless its sign bit is set (so +0 wins over -0); else the larger. */
static inline d8 vmax(d8 a, d8 b) {
  const l8 ab = bits(a), bb = bits(b);
  const l8 take_a = (a > b) | ((a == b) & (ab >= 0));
  const l8 nan = (a != a) | (b != b);
  const l8 larger = (take_a & ab) | (~take_a & bb);
  return from_bits((nan & bits(a + b)) | (~nan & larger));
}

void lrsim_sgd(float *p, const float *g, float *buf, int from, int to, double lr, double weight_decay,
               double momentum, double dampening, int nesterov, int fresh) {
  const d8 lrv = splat(lr), wdv = splat(weight_decay), muv = splat(momentum), keep = splat(1 - dampening);
  int i = from;
  if (momentum == 0) {
    for (; to - i >= LANES; i += LANES) {
      const d8 pv = load(p + i);
      store(p + i, pv - lrv * (load(g + i) + wdv * pv));
    }
  } else {
    for (; to - i >= LANES; i += LANES) {
      const d8 pv = load(p + i);
      const d8 d = load(g + i) + wdv * pv;
      const d8 b = fround(fresh ? d : muv * load(buf + i) + keep * d);
      store(buf + i, b);
      store(p + i, pv - lrv * (nesterov ? d + muv * b : b));
    }
  }
  for (; i < to; i++) {
    const double pv = p[i];
    const double d = (double)g[i] + weight_decay * pv;
    double step = d;
    if (momentum != 0) {
      const float b = (float)(fresh ? d : momentum * (double)buf[i] + (1 - dampening) * d);
      buf[i] = b;
      step = nesterov ? d + momentum * (double)b : (double)b;
    }
    p[i] = (float)(pv - lr * step);
  }
}

void lrsim_adam(float *p, const float *g, float *m, float *v, float *v_max, int from, int to, double beta1,
                double beta2, double eps, double l2, double shrink, int decoupled, double step_size,
                double correction2, int amsgrad) {
  const d8 b1v = splat(beta1), c1v = splat(1 - beta1), b2v = splat(beta2), c2v = splat(1 - beta2);
  const d8 epsv = splat(eps), l2v = splat(l2), shrinkv = splat(shrink), stepv = splat(step_size);
  const d8 corrv = splat(correction2);
  int i = from;
  for (; to - i >= LANES; i += LANES) {
    d8 pv = load(p + i);
    if (decoupled) pv = fround(pv * shrinkv);
    const d8 d = load(g + i) + l2v * pv;
    const d8 mi = fround(b1v * load(m + i) + c1v * d);
    const d8 vi = fround(b2v * load(v + i) + c2v * d * d);
    store(m + i, mi);
    store(v + i, vi);
    d8 second = vi;
    if (amsgrad) {
      second = vmax(load(v_max + i), vi);
      store(v_max + i, second);
    }
    store(p + i, pv - (stepv * mi) / (vsqrt(second) / corrv + epsv));
  }
  for (; i < to; i++) {
    double pi = p[i];
    if (decoupled) pi = (double)(float)(pi * shrink);
    const double d = (double)g[i] + l2 * pi;
    const double mi = (double)(float)(beta1 * (double)m[i] + (1 - beta1) * d);
    const double vi = (double)(float)(beta2 * (double)v[i] + (1 - beta2) * d * d);
    m[i] = (float)mi;
    v[i] = (float)vi;
    double second = vi;
    if (amsgrad) {
      second = js_max((double)v_max[i], vi);
      v_max[i] = (float)second;
    }
    p[i] = (float)(pi - (step_size * mi) / (sqrt(second) / correction2 + eps));
  }
}

void lrsim_rmsprop(float *p, const float *g, float *square_avg, float *grad_avg, float *buffer, int from, int to,
                   double lr, double alpha, double eps, double weight_decay, double momentum, int centered) {
  const d8 av = splat(alpha), cv = splat(1 - alpha), epsv = splat(eps), wdv = splat(weight_decay);
  const d8 muv = splat(momentum), lrv = splat(lr);
  const int with_momentum = momentum > 0;
  int i = from;
  for (; to - i >= LANES; i += LANES) {
    const d8 pv = load(p + i);
    const d8 d = load(g + i) + wdv * pv;
    const d8 sq = fround(av * load(square_avg + i) + cv * d * d);
    store(square_avg + i, sq);
    d8 avg;
    if (centered) {
      const d8 ga = fround(av * load(grad_avg + i) + cv * d);
      store(grad_avg + i, ga);
      avg = vsqrt(sq - ga * ga) + epsv;
    } else
      avg = vsqrt(sq) + epsv;
    if (with_momentum) {
      const d8 b = fround(muv * load(buffer + i) + d / avg);
      store(buffer + i, b);
      store(p + i, pv - lrv * b);
    } else
      store(p + i, pv - (lrv * d) / avg);
  }
  for (; i < to; i++) {
    const double pv = p[i];
    const double d = (double)g[i] + weight_decay * pv;
    const double sq = (double)(float)(alpha * (double)square_avg[i] + (1 - alpha) * d * d);
    square_avg[i] = (float)sq;
    double avg;
    if (centered) {
      const double ga = (double)(float)(alpha * (double)grad_avg[i] + (1 - alpha) * d);
      grad_avg[i] = (float)ga;
      avg = sqrt(sq - ga * ga) + eps;
    } else
      avg = sqrt(sq) + eps;
    if (with_momentum) {
      const double b = (double)(float)(momentum * (double)buffer[i] + d / avg);
      buffer[i] = (float)b;
      p[i] = (float)(pv - lr * b);
    } else
      p[i] = (float)(pv - (lr * d) / avg);
  }
}

void lrsim_adagrad(float *p, const float *g, float *excess, int from, int to, double clr, double weight_decay,
                   double initial, double eps) {
  const d8 clrv = splat(clr), wdv = splat(weight_decay), initv = splat(initial), epsv = splat(eps);
  int i = from;
  for (; to - i >= LANES; i += LANES) {
    const d8 pv = load(p + i);
    const d8 d = load(g + i) + wdv * pv;
    const d8 s = fround(load(excess + i) + initv + d * d);
    store(excess + i, s - initv);
    store(p + i, pv - (clrv * d) / (vsqrt(s) + epsv));
  }
  for (; i < to; i++) {
    const double pv = p[i];
    const double d = (double)g[i] + weight_decay * pv;
    const double s = (double)(float)((double)excess[i] + initial + d * d);
    excess[i] = (float)(s - initial);
    p[i] = (float)(pv - (clr * d) / (sqrt(s) + eps));
  }
}

void lrsim_adadelta(float *p, const float *g, float *square_avg, float *acc_delta, int from, int to, double lr,
                    double rho, double eps, double weight_decay) {
  const d8 rhov = splat(rho), cv = splat(1 - rho), epsv = splat(eps), wdv = splat(weight_decay), lrv = splat(lr);
  int i = from;
  for (; to - i >= LANES; i += LANES) {
    const d8 pv = load(p + i);
    const d8 d = load(g + i) + wdv * pv;
    const d8 sq = fround(rhov * load(square_avg + i) + cv * d * d);
    store(square_avg + i, sq);
    const d8 acc = load(acc_delta + i);
    const d8 delta = (vsqrt(acc + epsv) / vsqrt(sq + epsv)) * d;
    store(acc_delta + i, rhov * acc + cv * delta * delta);
    store(p + i, pv - lrv * delta);
  }
  for (; i < to; i++) {
    const double pv = p[i];
    const double d = (double)g[i] + weight_decay * pv;
    const double sq = (double)(float)(rho * (double)square_avg[i] + (1 - rho) * d * d);
    square_avg[i] = (float)sq;
    const double acc = acc_delta[i];
    const double delta = (sqrt(acc + eps) / sqrt(sq + eps)) * d;
    acc_delta[i] = (float)(rho * acc + (1 - rho) * delta * delta);
    p[i] = (float)(pv - lr * delta);
  }
}
