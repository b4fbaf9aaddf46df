/*
 * The worker pool's element-wise optimizer updates in C (SGD, Adam / AdamW / AMSGrad, RMSprop,
 * Adagrad, Adadelta): the arithmetic of the WebAssembly module's (assembly/update.ts) and of the
 * JavaScript loops in src/optim (float64, operation for operation in the same order, each
 * result rounded to float32 where they round it), so the same bits, on vectors as wide as the
 * CPU has. Arrays must be 4-byte aligned, as float arrays are (the binding checks).
 */
#ifndef LRSIM_UPDATE_H
#define LRSIM_UPDATE_H

/* PyTorch's SGD on p[from..to), as sgdUpdate: d = g + weight_decay p; without momentum
 * p -= lr d; with it b = fresh ? d : momentum buf + (1 - dampening) d, stored in buf as float32,
 * and p -= lr (nesterov ? d + momentum float32(b) : float32(b)). */
void lrsim_sgd(float *p, const float *g, float *buf, int from, int to, double lr, double weight_decay,
               double momentum, double dampening, int nesterov, int fresh);

/* PyTorch's Adam / AdamW on p[from..to), as adamUpdate: pi = decoupled ? float32(p shrink) : p;
 * d = g + l2 pi; m = float32(b1 m + (1 - b1) d); v = float32(b2 v + (1 - b2) d d); with amsgrad
 * v_max = max(v_max, v) is the second moment; p = pi - step_size m / (sqrt(second) /
 * correction2 + eps). */
void lrsim_adam(float *p, const float *g, float *m, float *v, float *v_max, int from, int to, double beta1,
                double beta2, double eps, double l2, double shrink, int decoupled, double step_size,
                double correction2, int amsgrad);

/* PyTorch's RMSprop on p[from..to), as rmspropUpdate: d = g + weight_decay p;
 * sq = float32(alpha sq + (1 - alpha) d d); centred: ga = float32(alpha ga + (1 - alpha) d),
 * avg = sqrt(sq - ga ga) + eps, else avg = sqrt(sq) + eps; with momentum > 0
 * b = float32(momentum b + d / avg), p -= lr b, else p -= lr d / avg. */
void lrsim_rmsprop(float *p, const float *g, float *square_avg, float *grad_avg, float *buffer, int from, int to,
                   double lr, double alpha, double eps, double weight_decay, double momentum, int centered);

/* PyTorch's Adagrad on p[from..to), as adagradUpdate (sums kept as their excess over the
 * initial value): d = g + weight_decay p; s = float32(excess + initial + d d);
 * excess = s - initial; p -= clr d / (sqrt(s) + eps). */
void lrsim_adagrad(float *p, const float *g, float *excess, int from, int to, double clr, double weight_decay,
                   double initial, double eps);

/* PyTorch's Adadelta on p[from..to), as adadeltaUpdate: d = g + weight_decay p;
 * sq = float32(rho sq + (1 - rho) d d); delta = sqrt(acc + eps) / sqrt(sq + eps) d;
 * acc = rho acc + (1 - rho) delta delta; p -= lr delta. */
void lrsim_adadelta(float *p, const float *g, float *square_avg, float *acc_delta, int from, int to, double lr,
                    double rho, double eps, double weight_decay);

#endif
