/*
 * The 16-float vector the dense kernels and the reduction compute on: one AVX-512 register, two
 * AVX2 ones, four SSE or NEON ones, with the same lane-by-lane arithmetic (GCC's and Clang's
 * vector extensions). Loads and stores go through memcpy, so pointers need no vector alignment.
 */
#ifndef LRSIM_FLOAT16X_H
#define LRSIM_FLOAT16X_H

#include <string.h>

#define LANES 16
typedef float v16 __attribute__((vector_size(LANES * sizeof(float))));

static inline v16 load(const float *p) {
  v16 v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline void store(float *p, v16 v) { memcpy(p, &v, sizeof v); }

#endif
