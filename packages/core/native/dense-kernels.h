/*
 * lrsim's dense-layer kernels in C, compiled on the user's machine for its own CPU
 * (-march=native): the same three matrix products as assembly/dense.ts, on vectors as wide as
 * the CPU has (16 floats on AVX-512).
 *
 * Every output element is one fixed chain of fused multiply-adds in a fixed order, whatever the
 * blocking around it: a chunk's result depends only on the chunk, never on the thread that
 * computes it, so runs stay identical at any worker count. The bits differ from the WebAssembly
 * kernels' (a different order and fused rounding), which is why this kernel is chosen by name.
 *
 * All matrices are row-major float32; pointers need no alignment.
 */
#ifndef LRSIM_DENSE_KERNELS_H
#define LRSIM_DENSE_KERNELS_H

/* C[m x n] = A[m x k] * B[n x k]^T + bias[n]   (forward: activations times weights^T) */
void lrsim_gemm_nt(const float *a, const float *b, const float *bias, float *c, int m, int n, int k);

/* G[n x k] += D[m x n]^T * A[m x k];  gb[n] += column sums of D   (weight and bias gradients) */
void lrsim_gemm_tn_acc(const float *d, const float *a, float *g, float *gb, int m, int n, int k);

/* E[m x k] = D[m x n] * W[n x k]   (backpropagate to the layer below) */
void lrsim_gemm_nn(const float *d, const float *w, float *e, int m, int n, int k);

/* x = max(x, 0), in place */
void lrsim_relu(float *x, int len);

/* delta = 0 where out <= 0 (ReLU's derivative, from its output), in place */
void lrsim_relu_backward(const float *out, float *delta, int len);

/* The vector width the kernels were compiled for, in bits (512 on AVX-512, 256 on AVX2...). */
int lrsim_vector_bits(void);

#endif
