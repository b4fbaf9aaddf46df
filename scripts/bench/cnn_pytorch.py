#!/usr/bin/python3
"""PyTorch's side of `pnpm bench:cnn`: the default lrsim `cnn` (LeNet-5 with ReLU and max
pooling) trained with softmax cross-entropy and plain SGD on 28x28 inputs, timed per optimizer
step (forward, backward, update) on 1 and 2 threads at batch 128 and 1024. Prints JSON.
Run with Debian's python3-torch: /usr/bin/python3 scripts/bench/cnn_pytorch.py [--quick]
"""
import json
import sys
import time

import torch
from torch import nn

QUICK = "--quick" in sys.argv
SECONDS = 1.0 if QUICK else 2.0
TRIALS = 3 if QUICK else 5


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


def measure(threads, batch):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = lenet5()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    x = torch.rand(8000, 1, 28, 28)
    y = torch.randint(0, 10, (8000,))
    position = 0

    def step():
        nonlocal position
        if position + batch > 8000:
            position = 0
        xb, yb = x[position:position + batch], y[position:position + batch]
        position += batch
        opt.zero_grad()
        loss = loss_fn(model(xb), yb) / batch
        loss.backward()
        opt.step()

    for _ in range(2):
        step()
    rates = []
    for _ in range(TRIALS):
        steps = 0
        start = time.perf_counter()
        while time.perf_counter() - start < SECONDS / 2:
            step()
            steps += 1
        rates.append(steps * batch / (time.perf_counter() - start))
    return sorted(rates)[len(rates) // 2]


results = []
for batch in (128, 1024):
    for threads in (1, 2):
        results.append({"threads": threads, "batch": batch, "samplesPerSecond": measure(threads, batch)})
print(json.dumps({"torch": torch.__version__, "results": results}))
