#!/usr/bin/python3
"""PyTorch reference for `lrsim run --schedule "step(lr=0.1, stepSize=5, gamma=0.5)" --model mlp
--dataset mnist --epochs 10`: the same 784-128-10 ReLU MLP (nn.Linear default init), the same
8,000/2,000 split (exported by export-dataset.ts), plain SGD at batch 128 with StepLR(5, 0.5)
stepped per epoch, cross-entropy, reshuffled every epoch, the last batch of an epoch partial.

    node --conditions=@lrsim/source --import tsx scripts/pytorch-reference/export-dataset.ts mnist /tmp/lrsim-mnist
    /usr/bin/python3 scripts/pytorch-reference/mnist_mlp.py /tmp/lrsim-mnist 5
prints one JSON line per seed with the final test accuracy, then the mean and std.
"""
import json
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn

data_dir = sys.argv[1]
seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
torch.set_num_threads(1)

shape = json.load(open(f"{data_dir}/shape.json"))
load = lambda name: np.fromfile(f"{data_dir}/{name}.f32", dtype=np.float32)
train_x = torch.from_numpy(load("train_x").reshape(shape["train"], shape["inputs"]))
train_y = torch.from_numpy(load("train_y").astype(np.int64))
test_x = torch.from_numpy(load("test_x").reshape(shape["test"], shape["inputs"]))
test_y = torch.from_numpy(load("test_y").astype(np.int64))

accuracies = []
for seed in range(seeds):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)
    loss_fn = nn.CrossEntropyLoss()
    start = time.time()
    for epoch in range(10):
        perm = torch.randperm(shape["train"])
        for i in range(0, shape["train"], 128):
            idx = perm[i:i + 128]
            opt.zero_grad()
            loss_fn(model(train_x[idx]), train_y[idx]).backward()
            opt.step()
        sched.step()
    with torch.no_grad():
        logits = model(test_x)
        acc = (logits.argmax(1) == test_y).float().mean().item()
        test_loss = loss_fn(logits, test_y).item()
    accuracies.append(acc)
    print(json.dumps({"seed": seed, "testAccuracy": acc, "testLoss": test_loss, "seconds": round(time.time() - start, 1)}), flush=True)
print(json.dumps({"torch": torch.__version__, "seeds": seeds, "meanAccuracy": statistics.mean(accuracies),
                  "stdAccuracy": statistics.stdev(accuracies) if seeds > 1 else 0}))
