/*
 * Node-API binding of the dense kernels, the pool's reduction and the optimizer updates. `bind(memory)` returns the
 * kernels working on that memory — an ArrayBuffer, or a Uint8Array over a SharedArrayBuffer (the
 * pool's shared WebAssembly memory) — called with byte offsets into it, the same interface as
 * the WebAssembly modules' exports (src/nn/wasm-module.ts DenseKernels, `accumulate` of
 * packages/parallel/assembly/reduce.ts, the updates of assembly/update.ts), so one caller
 * drives either. The kernels hold a
 * reference to the memory, so it stays put while any of them can be called: the object and each
 * function count as one holder, and the last one collected lets it go.
 */
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "dense-kernels.h"
#include "reduce.h"
#include "update.h"

/* The bound memory (an ArrayBuffer or a typed array) and how many of the object and its functions still hold it. */
typedef struct {
  napi_ref buffer;
  bool typed;
  int holders;
} Memory;

/* The bound buffer's extent for one call, read at every call: a buffer that was transferred
 * (detached) has length 0, so no matrix fits and nothing is touched. */
typedef struct {
  char *base;
  size_t length;
} View;

#define CHECK(env, call)                                                                                               \
  do {                                                                                                                 \
    if ((call) != napi_ok) {                                                                                           \
      napi_throw_error((env), NULL, "lrsim native kernels: " #call " failed");                                         \
      return NULL;                                                                                                     \
    }                                                                                                                  \
  } while (0)

/* Reads `count` integer arguments in [0, 2^31) into `out`, then `reals` more arguments (any
 * numbers) into `real` — a boolean reads as 0 or 1 — and the bound buffer's current extent into
 * `view`; false (with an exception thrown) otherwise. */
#define MAX_ARGS 16

static bool read_call(napi_env env, napi_callback_info info, int64_t *out, size_t count, double *real, size_t reals,
                      View *view) {
  napi_value argv[MAX_ARGS];
  size_t argc = MAX_ARGS;
  if (count + reals > MAX_ARGS) {
    napi_throw_error(env, NULL, "lrsim native kernels: a kernel takes more arguments than the binding reads");
    return false;
  }
  void *data;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, &data) != napi_ok || argc < count + reals) {
    napi_throw_type_error(env, NULL, "lrsim native kernels: too few arguments");
    return false;
  }
  for (size_t i = 0; i < count + reals; i++) {
    double value;
    bool flag;
    if (napi_get_value_bool(env, argv[i], &flag) == napi_ok)
      value = flag ? 1 : 0; // flags come as booleans, as the WebAssembly modules take them
    else if (napi_get_value_double(env, argv[i], &value) != napi_ok) {
      napi_throw_type_error(env, NULL, "lrsim native kernels: arguments must be numbers or booleans");
      return false;
    }
    if (i >= count) {
      real[i - count] = value;
      continue;
    }
    if (!(value >= 0 && value <= INT32_MAX) || value != (double)(int64_t)value) {
      napi_throw_range_error(env, NULL, "lrsim native kernels: offsets and sizes must be integers in [0, 2^31)");
      return false;
    }
    out[i] = (int64_t)value;
  }
  Memory *memory = data;
  napi_value buffer;
  void *base = NULL;
  size_t length = 0;
  napi_typedarray_type type;
  if (napi_get_reference_value(env, memory->buffer, &buffer) != napi_ok || buffer == NULL ||
      (memory->typed ? napi_get_typedarray_info(env, buffer, &type, &length, &base, NULL, NULL)
                     : napi_get_arraybuffer_info(env, buffer, &base, &length)) != napi_ok) {
    napi_throw_error(env, NULL, "lrsim native kernels: the bound buffer is gone");
    return false;
  }
  view->base = base;
  view->length = base ? length : 0;
  return true;
}

/* read_call with integer arguments only. */
static bool read_args(napi_env env, napi_callback_info info, int64_t *out, size_t count, View *view) {
  return read_call(env, info, out, count, NULL, 0, view);
}

/* The float pointer at byte offset `at`, or NULL (with a RangeError thrown) when `floats` of them
 * do not fit or the offset is not a float's (a multiple of 4: C reads floats aligned). */
static float *at(napi_env env, const View *view, int64_t offset, int64_t floats) {
  if (offset % 4 != 0) {
    napi_throw_range_error(env, NULL, "lrsim native kernels: byte offsets must be multiples of 4");
    return NULL;
  }
  if ((uint64_t)offset + (uint64_t)floats * sizeof(float) > view->length) {
    napi_throw_range_error(env, NULL, "lrsim native kernels: a matrix reaches past the bound buffer");
    return NULL;
  }
  return (float *)(view->base + offset);
}

static napi_value gemm_nt(napi_env env, napi_callback_info info) {
  int64_t v[7];
  View mem;
  if (!read_args(env, info, v, 7, &mem)) return NULL;
  const int64_t m = v[4], n = v[5], k = v[6];
  float *a = at(env, &mem, v[0], m * k), *b = a ? at(env, &mem, v[1], n * k) : NULL;
  float *bias = b ? at(env, &mem, v[2], n) : NULL, *c = bias ? at(env, &mem, v[3], m * n) : NULL;
  if (c) lrsim_gemm_nt(a, b, bias, c, (int)m, (int)n, (int)k);
  return NULL;
}

static napi_value gemm_tn_acc(napi_env env, napi_callback_info info) {
  int64_t v[7];
  View mem;
  if (!read_args(env, info, v, 7, &mem)) return NULL;
  const int64_t m = v[4], n = v[5], k = v[6];
  float *d = at(env, &mem, v[0], m * n), *a = d ? at(env, &mem, v[1], m * k) : NULL;
  float *g = a ? at(env, &mem, v[2], n * k) : NULL, *gb = g ? at(env, &mem, v[3], n) : NULL;
  if (gb) lrsim_gemm_tn_acc(d, a, g, gb, (int)m, (int)n, (int)k);
  return NULL;
}

static napi_value gemm_nn(napi_env env, napi_callback_info info) {
  int64_t v[6];
  View mem;
  if (!read_args(env, info, v, 6, &mem)) return NULL;
  const int64_t m = v[3], n = v[4], k = v[5];
  float *d = at(env, &mem, v[0], m * n), *w = d ? at(env, &mem, v[1], n * k) : NULL;
  float *e = w ? at(env, &mem, v[2], m * k) : NULL;
  if (e) lrsim_gemm_nn(d, w, e, (int)m, (int)n, (int)k);
  return NULL;
}

static napi_value relu(napi_env env, napi_callback_info info) {
  int64_t v[2];
  View mem;
  if (!read_args(env, info, v, 2, &mem)) return NULL;
  float *x = at(env, &mem, v[0], v[1]);
  if (x) lrsim_relu(x, (int)v[1]);
  return NULL;
}

static napi_value relu_backward(napi_env env, napi_callback_info info) {
  int64_t v[3];
  View mem;
  if (!read_args(env, info, v, 3, &mem)) return NULL;
  float *out = at(env, &mem, v[0], v[2]), *delta = out ? at(env, &mem, v[1], v[2]) : NULL;
  if (delta) lrsim_relu_backward(out, delta, (int)v[2]);
  return NULL;
}

/* Whether from <= to; else a RangeError naming `kernel` is thrown. */
static bool ordered(napi_env env, const char *kernel, int64_t from, int64_t to) {
  if (from <= to) return true;
  char message[96];
  snprintf(message, sizeof message, "lrsim native kernels: %s needs from <= to", kernel);
  napi_throw_range_error(env, NULL, message);
  return false;
}

/* accumulate(grad, slots, stride, from, to, count, first, batchSize): 1 when the result is finite (see reduce.h) */
static napi_value accumulate(napi_env env, napi_callback_info info) {
  int64_t v[8];
  View mem;
  if (!read_args(env, info, v, 8, &mem)) return NULL;
  const int64_t from = v[3], to = v[4], count = v[5];
  if (!ordered(env, "accumulate", from, to)) return NULL;
  if (v[2] % 4 != 0) {
    napi_throw_range_error(env, NULL, "lrsim native kernels: byte offsets must be multiples of 4");
    return NULL;
  }
  float *grad = at(env, &mem, v[0] + from * 4, to - from);
  // The last slot's [from, to) must fit; the earlier ones lie below it.
  float *last = grad && count > 0 ? at(env, &mem, v[1] + (count - 1) * v[2] + from * 4, to - from) : grad;
  if (!last) return NULL;
  napi_value result;
  CHECK(env, napi_create_int32(env,
                               lrsim_accumulate((float *)(mem.base + v[0]), (const float *)(mem.base + v[1]),
                                                (size_t)v[2], (int)from, (int)to, (int)count, v[6] != 0, (int)v[7]),
                               &result));
  return result;
}

/* The float pointer to element `from` of the array at byte offset `offset`, when [from, to) fits; else NULL, thrown. */
static float *range(napi_env env, const View *view, int64_t offset, int64_t from, int64_t to) {
  return at(env, view, offset + from * 4, to - from);
}

/* sgd(p, g, buf, from, to, lr, weightDecay, momentum, dampening, nesterov, fresh) (see update.h) */
static napi_value sgd(napi_env env, napi_callback_info info) {
  int64_t v[5];
  double r[6];
  View mem;
  if (!read_call(env, info, v, 5, r, 6, &mem)) return NULL;
  const int64_t from = v[3], to = v[4];
  if (!ordered(env, "sgd", from, to)) return NULL;
  const int momentum = r[2] != 0;
  if (!range(env, &mem, v[0], from, to) || !range(env, &mem, v[1], from, to) ||
      (momentum && !range(env, &mem, v[2], from, to)))
    return NULL;
  lrsim_sgd((float *)(mem.base + v[0]), (const float *)(mem.base + v[1]), (float *)(mem.base + v[2]), (int)from,
            (int)to, r[0], r[1], r[2], r[3], r[4] != 0, r[5] != 0);
  return NULL;
}

/* adam(p, g, m, v, vMax, from, to, beta1, beta2, eps, l2, shrink, decoupled, stepSize, correction2, amsgrad) */
static napi_value adam(napi_env env, napi_callback_info info) {
  int64_t v[7];
  double r[9];
  View mem;
  if (!read_call(env, info, v, 7, r, 9, &mem)) return NULL;
  const int64_t from = v[5], to = v[6];
  if (!ordered(env, "adam", from, to)) return NULL;
  const int amsgrad = r[8] != 0;
  for (int k = 0; k < 4; k++)
    if (!range(env, &mem, v[k], from, to)) return NULL;
  if (amsgrad && !range(env, &mem, v[4], from, to)) return NULL;
  lrsim_adam((float *)(mem.base + v[0]), (const float *)(mem.base + v[1]), (float *)(mem.base + v[2]),
             (float *)(mem.base + v[3]), (float *)(mem.base + v[4]), (int)from, (int)to, r[0], r[1], r[2], r[3], r[4],
             r[5] != 0, r[6], r[7], amsgrad);
  return NULL;
}

/* rmsprop(p, g, squareAvg, gradAvg, buffer, from, to, lr, alpha, eps, weightDecay, momentum, centered) */
static napi_value rmsprop(napi_env env, napi_callback_info info) {
  int64_t v[7];
  double r[6];
  View mem;
  if (!read_call(env, info, v, 7, r, 6, &mem)) return NULL;
  const int64_t from = v[5], to = v[6];
  if (!ordered(env, "rmsprop", from, to)) return NULL;
  const int centered = r[5] != 0, momentum = r[4] > 0;
  if (!range(env, &mem, v[0], from, to) || !range(env, &mem, v[1], from, to) || !range(env, &mem, v[2], from, to) ||
      (centered && !range(env, &mem, v[3], from, to)) || (momentum && !range(env, &mem, v[4], from, to)))
    return NULL;
  lrsim_rmsprop((float *)(mem.base + v[0]), (const float *)(mem.base + v[1]), (float *)(mem.base + v[2]),
                (float *)(mem.base + v[3]), (float *)(mem.base + v[4]), (int)from, (int)to, r[0], r[1], r[2], r[3],
                r[4], centered);
  return NULL;
}

/* adagrad(p, g, excess, from, to, clr, weightDecay, initial, eps) */
static napi_value adagrad(napi_env env, napi_callback_info info) {
  int64_t v[5];
  double r[4];
  View mem;
  if (!read_call(env, info, v, 5, r, 4, &mem)) return NULL;
  const int64_t from = v[3], to = v[4];
  if (!ordered(env, "adagrad", from, to)) return NULL;
  for (int k = 0; k < 3; k++)
    if (!range(env, &mem, v[k], from, to)) return NULL;
  lrsim_adagrad((float *)(mem.base + v[0]), (const float *)(mem.base + v[1]), (float *)(mem.base + v[2]), (int)from,
                (int)to, r[0], r[1], r[2], r[3]);
  return NULL;
}

/* adadelta(p, g, squareAvg, accDelta, from, to, lr, rho, eps, weightDecay) */
static napi_value adadelta(napi_env env, napi_callback_info info) {
  int64_t v[6];
  double r[4];
  View mem;
  if (!read_call(env, info, v, 6, r, 4, &mem)) return NULL;
  const int64_t from = v[4], to = v[5];
  if (!ordered(env, "adadelta", from, to)) return NULL;
  for (int k = 0; k < 4; k++)
    if (!range(env, &mem, v[k], from, to)) return NULL;
  lrsim_adadelta((float *)(mem.base + v[0]), (const float *)(mem.base + v[1]), (float *)(mem.base + v[2]),
                 (float *)(mem.base + v[3]), (int)from, (int)to, r[0], r[1], r[2], r[3]);
  return NULL;
}

static void release_memory(napi_env env, void *data, void *hint) {
  (void)hint;
  Memory *memory = data;
  if (--memory->holders > 0) return;
  napi_delete_reference(env, memory->buffer);
  free(memory);
}

/* bind(memory: ArrayBuffer | Uint8Array):
 *   { memory: { buffer }, gemmNT, gemmTNAcc, gemmNN, relu, reluBackward, accumulate,
 *     sgd, adam, rmsprop, adagrad, adadelta } */
static napi_value bind(napi_env env, napi_callback_info info) {
  napi_value argv[1], object, memory_object;
  size_t argc = 1;
  bool is_buffer = false, is_typed = false;
  napi_value backing = NULL;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_is_arraybuffer(env, argv[0], &is_buffer) != napi_ok ||
      napi_is_typedarray(env, argv[0], &is_typed) != napi_ok || !(is_buffer || is_typed)) {
    napi_throw_type_error(env, NULL, "lrsim native kernels: bind() takes an ArrayBuffer or a Uint8Array");
    return NULL;
  }
  if (is_typed) {
    napi_typedarray_type type;
    size_t length, offset;
    void *base;
    if (napi_get_typedarray_info(env, argv[0], &type, &length, &base, &backing, &offset) != napi_ok ||
        type != napi_uint8_array || offset != 0) {
      napi_throw_type_error(env, NULL,
                            "lrsim native kernels: bind() takes a Uint8Array starting at its buffer's first byte");
      return NULL;
    }
  } else
    backing = argv[0];
  Memory *memory = calloc(1, sizeof(Memory));
  if (!memory) {
    napi_throw_error(env, NULL, "lrsim native kernels: out of memory");
    return NULL;
  }
  memory->holders = 1;
  memory->typed = is_typed;
  // Until the object holds `memory`, a failure frees it here; from then on its finalizer does.
  if (napi_create_reference(env, argv[0], 1, &memory->buffer) != napi_ok) {
    free(memory);
    napi_throw_error(env, NULL, "lrsim native kernels: cannot hold the buffer");
    return NULL;
  }
  if (napi_create_object(env, &object) != napi_ok ||
      napi_wrap(env, object, memory, release_memory, NULL, NULL) != napi_ok) {
    napi_delete_reference(env, memory->buffer);
    free(memory);
    napi_throw_error(env, NULL, "lrsim native kernels: cannot create the kernels object");
    return NULL;
  }
  CHECK(env, napi_create_object(env, &memory_object));
  CHECK(env, napi_set_named_property(env, memory_object, "buffer", backing));
  CHECK(env, napi_set_named_property(env, object, "memory", memory_object));
  const struct {
    const char *name;
    napi_callback fn;
  } kernels[] = {{"gemmNT", gemm_nt},
                 {"gemmTNAcc", gemm_tn_acc},
                 {"gemmNN", gemm_nn},
                 {"relu", relu},
                 {"reluBackward", relu_backward},
                 {"accumulate", accumulate},
                 {"sgd", sgd},
                 {"adam", adam},
                 {"rmsprop", rmsprop},
                 {"adagrad", adagrad},
                 {"adadelta", adadelta}};
  for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++) {
    napi_value fn;
    CHECK(env, napi_create_function(env, kernels[i].name, NAPI_AUTO_LENGTH, kernels[i].fn, memory, &fn));
    CHECK(env, napi_add_finalizer(env, fn, memory, release_memory, NULL, NULL));
    memory->holders++; // only once the function's finalizer will release it
    CHECK(env, napi_set_named_property(env, object, kernels[i].name, fn));
  }
  return object;
}

NAPI_MODULE_INIT() {
  napi_value fn, bits;
  if (napi_create_function(env, "bind", NAPI_AUTO_LENGTH, bind, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "bind", fn) != napi_ok) return NULL;
  if (napi_create_int32(env, lrsim_vector_bits(), &bits) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "vectorBits", bits) != napi_ok) return NULL;
  return exports;
}
