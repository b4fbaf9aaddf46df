/*
 * The worker pool's deterministic reduction in C: the same arithmetic as the WebAssembly
 * module's `accumulate` (packages/parallel/assembly/reduce.ts), so the same bits, on vectors as
 * wide as the CPU has.
 */
#ifndef LRSIM_REDUCE_H
#define LRSIM_REDUCE_H

#include <stddef.h>

/*
 * grad[from..to) = (first ? 0 : grad) + slot_0 + ... + slot_{count-1}, each element adding its
 * slots in slot order in float32; slot s starts `stride` bytes after slot s - 1. Then, when
 * batch_size > 0, divided by (float)batch_size: the mean gradient. Returns 1 when every element
 * of the result is finite, else 0 (always 1 when batch_size is 0: only the mean is checked).
 */
int lrsim_accumulate(float *grad, const float *slots, size_t stride, int from, int to, int count, int first,
                     int batch_size);

#endif
