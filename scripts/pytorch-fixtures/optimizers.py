#!/usr/bin/python3
"""Reference trajectories for lrsim's optimizers, from torch.optim itself.

A 6-element parameter vector gets a fixed sequence of gradients; after every step the
parameters are recorded. Some cases change lr and momentum (or Adam's beta1) every step, the
way a one-cycle schedule drives them. Run with Debian's python3-torch:
    pnpm fixtures:pytorch   (writes packages/core/test/fixtures/pytorch-optimizers.json)
"""
import json
import math
import sys

import torch

P0 = [0.5, -1.0, 2.0, 0.0, -0.25, 1.5]
STEPS = 12


def grads(t):
    return [math.sin(1.3 * t + i) * (1 + 0.5 * i) + 0.1 * (i - 2) for i in range(len(P0))]


def schedule(t):
    """lr and momentum changing per step, like a one-cycle schedule."""
    return 0.05 + 0.04 * math.sin(0.7 * t), 0.85 + 0.1 * math.cos(0.5 * t)


CASES = [
    ("sgd", lambda p: torch.optim.SGD(p, lr=0.1), "lr"),
    ("sgd(momentum=0.9)", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), "lr"),
    ("sgd(momentum=0.9, nesterov=true, weightDecay=0.01)", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01), "lr"),
    ("sgd(momentum=0.5, dampening=0.3, weightDecay=0.1)", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.5, dampening=0.3, weight_decay=0.1), "lr"),
    ("sgd", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), "momentum"),
    ("adagrad", lambda p: torch.optim.Adagrad(p, lr=0.1), "lr"),
    ("adagrad(lrDecay=0.1, weightDecay=0.01, initialAccumulatorValue=0.5)",
     lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.1, weight_decay=0.01, initial_accumulator_value=0.5), "lr"),
    ("adadelta", lambda p: torch.optim.Adadelta(p, lr=1.0), "lr"),
    ("adadelta(rho=0.8, weightDecay=0.05)", lambda p: torch.optim.Adadelta(p, lr=0.5, rho=0.8, weight_decay=0.05), "lr"),
    ("rmsprop", lambda p: torch.optim.RMSprop(p, lr=0.01), "lr"),
    ("rmsprop(momentum=0.9, centered=true, weightDecay=0.01)",
     lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.9, centered=True, weight_decay=0.01), "lr"),
    ("adam", lambda p: torch.optim.Adam(p, lr=0.01), "lr"),
    ("adam(weightDecay=0.1, amsgrad=true)", lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.1, amsgrad=True), "lr"),
    ("adam", lambda p: torch.optim.Adam(p, lr=0.01), "momentum"),
    ("adamw", lambda p: torch.optim.AdamW(p, lr=0.01), "lr"),
    ("adamw(weightDecay=0.1, beta2=0.99)", lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1, betas=(0.9, 0.99)), "momentum"),
]


def run(make, driven):
    p = torch.nn.Parameter(torch.tensor(P0, dtype=torch.float32))
    opt = make([p])
    out = {"lr": [], "momentum": [], "params": []}
    for t in range(STEPS):
        group = opt.param_groups[0]
        if driven == "momentum":
            lr, m = schedule(t)
            group["lr"] = lr
            if "betas" in group:
                group["betas"] = (m, group["betas"][1])
            else:
                group["momentum"] = m
            out["momentum"].append(m)
        out["lr"].append(group["lr"])
        p.grad = torch.tensor(grads(t), dtype=torch.float32)
        opt.step()
        out["params"].append([float(v) for v in p.detach()])
    if driven != "momentum":
        del out["momentum"]
    return out


def main():
    cases = []
    for spec, make, driven in CASES:
        cases.append({"spec": spec, "driven": driven, "p0": P0, "grads": [grads(t) for t in range(STEPS)], **run(make, driven)})
    json.dump({"torch": torch.__version__, "generator": "scripts/pytorch-fixtures/optimizers.py", "cases": cases}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
