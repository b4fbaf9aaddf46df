#!/usr/bin/python3
"""Reference values for lrsim's gradient clipping and label smoothing, from PyTorch itself.

- torch.nn.utils.clip_grad_norm_(parameters, max_norm): gradients of three parameter tensors
  (13 values in all, as lrsim's flat vector cuts them), clipped at several max norms, and a
  trajectory of SGD with momentum whose gradients are clipped before every step.
- torch.nn.CrossEntropyLoss(label_smoothing=eps, reduction="sum"): the loss of a batch of
  logits and the gradient with respect to the logits, for several eps (0 is the plain loss).
Run with Debian's python3-torch:
    pnpm fixtures:pytorch   (writes packages/core/test/fixtures/pytorch-training.json)
"""
import json
import math
import sys

import torch

SIZES = [6, 3, 4]  # three parameter tensors: lrsim sees them as one vector of 13


def grads(t, scale):
    return [scale * (math.sin(1.7 * t + i) + 0.3 * math.cos(0.4 * i * t)) for i in range(sum(SIZES))]


def split(values):
    out, at = [], 0
    for n in SIZES:
        out.append(torch.tensor(values[at:at + n], dtype=torch.float32))
        at += n
    return out


def clipped(values, max_norm):
    params = [torch.nn.Parameter(torch.zeros(n)) for n in SIZES]
    for p, g in zip(params, split(values)):
        p.grad = g.clone()
    total = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return float(total), [float(v) for p in params for v in p.grad]


def clip_cases():
    cases = []
    for t, scale in [(0, 1.0), (1, 0.01), (2, 5.0), (3, 1e-4)]:
        g = grads(t, scale)
        for max_norm in [0.001, 0.5, 1.0, 100.0]:
            norm, out = clipped(g, max_norm)
            cases.append({"grad": g, "maxNorm": max_norm, "norm": norm, "clipped": out})
    return cases


def clip_trajectory():
    p0 = [0.1 * i - 0.5 for i in range(sum(SIZES))]
    params = [torch.nn.Parameter(t) for t in split(p0)]
    opt = torch.optim.SGD(params, lr=0.1, momentum=0.9)
    out = []
    for t in range(10):
        for p, g in zip(params, split(grads(t, 2.0))):
            p.grad = g
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        out.append([float(v) for p in params for v in p.detach()])
    return {"p0": p0, "grads": [grads(t, 2.0) for t in range(10)], "lr": 0.1, "momentum": 0.9, "maxNorm": 1.0, "params": out}


def smoothing_cases():
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(7, 5, generator=gen) * 3
    labels = torch.tensor([0, 4, 2, 2, 1, 3, 0])
    cases = []
    for eps in [0.0, 0.1, 0.3, 1.0]:
        z = logits.clone().requires_grad_(True)
        loss = torch.nn.CrossEntropyLoss(label_smoothing=eps, reduction="sum")(z, labels)
        loss.backward()
        cases.append({"labelSmoothing": eps, "loss": float(loss), "grad": [[float(v) for v in row] for row in z.grad]})
    return {"logits": [[float(v) for v in row] for row in logits], "labels": [int(v) for v in labels], "cases": cases}


def main():
    json.dump({
        "torch": torch.__version__,
        "generator": "scripts/pytorch-fixtures/training.py",
        "sizes": SIZES,
        "clip": clip_cases(),
        "clipTrajectory": clip_trajectory(),
        "labelSmoothing": smoothing_cases(),
    }, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
