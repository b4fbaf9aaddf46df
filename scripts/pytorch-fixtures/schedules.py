#!/usr/bin/python3
"""Reference values for lrsim's schedules, straight from torch.optim.lr_scheduler.

Each case pairs an lrsim spec with the PyTorch scheduler that must produce the same
learning rate (and momentum, where PyTorch cycles it) at every step. Run with Debian's
python3-torch:  pnpm fixtures:pytorch   (writes packages/core/test/fixtures/pytorch-schedules.json)
The value at t is the optimizer's lr while step t runs: read before the t-th scheduler.step().
"""
import json
import sys

import torch
from torch.optim import SGD
from torch.optim import lr_scheduler as S


def run(make, steps, metrics=None, momentum=False):
    param = torch.nn.Parameter(torch.zeros(1))
    opt = SGD([param], lr=1.0, momentum=0.9)
    sched = make(opt)
    lrs, moms = [], []
    for t in range(steps):
        group = opt.param_groups[0]
        lrs.append(group["lr"])
        moms.append(group["momentum"])
        opt.step()
        if metrics is not None:
            sched.step(metrics[t])
        else:
            sched.step()
    out = {"lr": lrs}
    if momentum:
        out["momentum"] = moms
    return out


def with_lr(lr, make):
    """Schedulers read the optimizer's lr as their base lr."""
    def build(opt):
        for g in opt.param_groups:
            g["lr"] = lr
        return make(opt)
    return build


def seq(lr, makers, milestones):
    def build(opt):
        for g in opt.param_groups:
            g["lr"] = lr
        return S.SequentialLR(opt, [m(opt) for m in makers], milestones=milestones)
    return build


noisy = [1.0, 0.9, 0.95, 0.96, 0.97, 0.8, 0.81, 0.82, 0.83, 0.84, 0.85, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.49, 0.49, 0.49,
         0.49, 0.49, 0.49, 0.49, 0.49, 0.3, 0.3, 0.3, 0.3, 0.3]
rising = [0.1, 0.2, 0.2, 0.2, 0.21, 0.21, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.31, 0.31, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]

CASES = [
    ("constant(lr=0.05)", 10, with_lr(0.05, lambda o: S.LambdaLR(o, lambda e: 1.0)), {}),
    ("step(lr=0.1, stepSize=3, gamma=0.5)", 20, with_lr(0.1, lambda o: S.StepLR(o, 3, gamma=0.5)), {}),
    ("step(lr=0.3, stepSize=1, gamma=0.9)", 60, with_lr(0.3, lambda o: S.StepLR(o, 1, gamma=0.9)), {}),
    ("step(lr=0.1, stepSize=30)", 100, with_lr(0.1, lambda o: S.StepLR(o, 30)), {}),
    ("multistep(lr=0.1, milestones=[3,7,12], gamma=0.2)", 20, with_lr(0.1, lambda o: S.MultiStepLR(o, [3, 7, 12], gamma=0.2)), {}),
    ("multistep(lr=0.5, milestones=[60,120,160], gamma=0.2)", 200, with_lr(0.5, lambda o: S.MultiStepLR(o, [60, 120, 160], gamma=0.2)), {}),
    ("exponential(lr=0.1, gamma=0.95)", 100, with_lr(0.1, lambda o: S.ExponentialLR(o, 0.95)), {}),
    ("exponential(lr=1, gamma=0.999)", 1000, with_lr(1.0, lambda o: S.ExponentialLR(o, 0.999)), {}),
    ("linear(lr=0.1)", 10, with_lr(0.1, lambda o: S.LinearLR(o)), {}),
    ("linear(lr=0.2, startFactor=1, endFactor=0.1, totalIters=8)", 15,
     with_lr(0.2, lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=8)), {}),
    ("polynomial(lr=0.1)", 10, with_lr(0.1, lambda o: S.PolynomialLR(o)), {}),
    ("polynomial(lr=0.1, totalIters=20, power=2)", 25, with_lr(0.1, lambda o: S.PolynomialLR(o, total_iters=20, power=2.0)), {}),
    ("polynomial(lr=0.3, totalIters=12, power=0.5)", 15, with_lr(0.3, lambda o: S.PolynomialLR(o, total_iters=12, power=0.5)), {}),
    ("cosine(lr=0.1, tMax=10)", 35, with_lr(0.1, lambda o: S.CosineAnnealingLR(o, T_max=10)), {}),
    ("cosine(lr=0.05, tMax=7, etaMin=0.001)", 30, with_lr(0.05, lambda o: S.CosineAnnealingLR(o, T_max=7, eta_min=0.001)), {}),
    ("cosine(lr=0.1, tMax=200)", 200, with_lr(0.1, lambda o: S.CosineAnnealingLR(o, T_max=200)), {}),
    ("cosinerestarts(lr=0.1, t0=5)", 30, with_lr(0.1, lambda o: S.CosineAnnealingWarmRestarts(o, T_0=5)), {}),
    ("cosinerestarts(lr=0.1, t0=3, tMult=2, etaMin=0.01)", 50,
     with_lr(0.1, lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.01)), {}),
    ("cyclic(baseLr=0.01, maxLr=0.1, stepSizeUp=4)", 30, lambda o: S.CyclicLR(o, 0.01, 0.1, step_size_up=4), {"momentum": True}),
    ("cyclic(baseLr=0.001, maxLr=0.006, stepSizeUp=4, stepSizeDown=6, mode=triangular2)", 60,
     lambda o: S.CyclicLR(o, 0.001, 0.006, step_size_up=4, step_size_down=6, mode="triangular2"), {"momentum": True}),
    ("cyclic(baseLr=0.01, maxLr=0.1, stepSizeUp=5, mode=exp_range, gamma=0.99)", 60,
     lambda o: S.CyclicLR(o, 0.01, 0.1, step_size_up=5, mode="exp_range", gamma=0.99), {"momentum": True}),
    ("cyclic(baseLr=0.01, maxLr=0.1, stepSizeUp=3, baseMomentum=0.7, maxMomentum=0.95)", 20,
     lambda o: S.CyclicLR(o, 0.01, 0.1, step_size_up=3, base_momentum=0.7, max_momentum=0.95), {"momentum": True}),
    ("onecycle(maxLr=0.1, totalSteps=100)", 100, lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=100), {"momentum": True}),
    ("onecycle(maxLr=1, totalSteps=50, anneal=linear)", 50,
     lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=50, anneal_strategy="linear"), {"momentum": True}),
    ("onecycle(maxLr=0.5, totalSteps=60, threePhase=true)", 60,
     lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=60, three_phase=True), {"momentum": True}),
    ("onecycle(maxLr=0.8, totalSteps=37, pctStart=0.25, divFactor=10, finalDivFactor=100, baseMomentum=0.8, maxMomentum=0.9)", 37,
     lambda o: S.OneCycleLR(o, max_lr=0.8, total_steps=37, pct_start=0.25, div_factor=10.0, final_div_factor=100.0,
                            base_momentum=0.8, max_momentum=0.9), {"momentum": True}),
    ("warmup(steps=5, then=cosine(lr=0.1, tMax=20))", 25,
     seq(0.1, [lambda o: S.LinearLR(o, start_factor=0.01, end_factor=1.0, total_iters=5),
               lambda o: S.CosineAnnealingLR(o, T_max=20)], [5]), {}),
    ("warmup(steps=3, startFactor=0.25, then=multistep(lr=0.2, milestones=[4,8], gamma=0.5))", 15,
     seq(0.2, [lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=3),
               lambda o: S.MultiStepLR(o, [4, 8], gamma=0.5)], [3]), {}),
    ("sequential(schedules=[linear(lr=0.1, startFactor=0.5, totalIters=4), exponential(lr=0.1, gamma=0.9)], milestones=[4])", 20,
     seq(0.1, [lambda o: S.LinearLR(o, start_factor=0.5, total_iters=4), lambda o: S.ExponentialLR(o, 0.9)], [4]), {}),
    ("sequential(schedules=[linear(lr=0.1), step(lr=0.1, stepSize=2, gamma=0.5), cosine(lr=0.1, tMax=6)], milestones=[5,11])", 25,
     seq(0.1, [lambda o: S.LinearLR(o), lambda o: S.StepLR(o, 2, gamma=0.5), lambda o: S.CosineAnnealingLR(o, T_max=6)],
         [5, 11]), {}),
    ("plateau(lr=0.1, factor=0.5, patience=2)", 30, with_lr(0.1, lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2)),
     {"metrics": noisy}),
    ("plateau(lr=0.1, factor=0.2, patience=1, threshold=0.05, thresholdMode=abs, mode=max, cooldown=2, minLr=0.001)", 20,
     with_lr(0.1, lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.2, patience=1, threshold=0.05, threshold_mode="abs",
                                                cooldown=2, min_lr=0.001)), {"metrics": rising}),
]


def main():
    cases = []
    for spec, steps, make, opts in CASES:
        metrics = opts.get("metrics")
        values = run(make, steps, metrics=metrics, momentum=opts.get("momentum", False))
        case = {"spec": spec, "steps": steps, **values}
        if metrics is not None:
            case["metrics"] = metrics[:steps]
        cases.append(case)
    json.dump({"torch": torch.__version__, "generator": "scripts/pytorch-fixtures/schedules.py", "cases": cases},
              sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
