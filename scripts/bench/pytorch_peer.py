#!/usr/bin/python3
"""The PyTorch side of `pnpm bench --vs-pytorch`: the same 784-128-10 ReLU MLP (nn.Linear
default init), softmax cross-entropy and plain SGD as lrsim's benchmark, on the same samples
(exported by scripts/bench/pytorch-peer.ts as raw float32 files), on THREADS threads.

It stays running and answers one request per line on stdin, so the benchmark can interleave its
measurements with lrsim's in the same session:
    measure BATCH SECONDS   ->  {"batch": B, "steps": N, "samplesPerSecond": S, "msPerStep": M}
Steps take consecutive batches of the training set in order (wrapping around), like lrsim's
benchmark; only optimizer steps are timed (three warm-up steps first), no evaluation.

    /usr/bin/python3 scripts/bench/pytorch_peer.py DATA_DIR THREADS
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn

data_dir = sys.argv[1]
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
torch.set_num_threads(threads)
torch.manual_seed(0)

shape = json.load(open(f"{data_dir}/shape.json"))
n = shape["train"]
train_x = torch.from_numpy(np.fromfile(f"{data_dir}/train_x.f32", dtype=np.float32).reshape(n, shape["inputs"]))
train_y = torch.from_numpy(np.fromfile(f"{data_dir}/train_y.f32", dtype=np.float32).astype(np.int64))
order = torch.arange(n)

model = nn.Sequential(nn.Linear(shape["inputs"], 128), nn.ReLU(), nn.Linear(128, shape["outputs"]))
opt = torch.optim.SGD(model.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss()
position = 0


def step(batch):
    global position
    if position + batch > n:
        position = 0
    idx = order[position:position + batch]
    opt.zero_grad()
    loss_fn(model(train_x[idx]), train_y[idx]).backward()
    opt.step()
    position += batch


step(32)  # loads the BLAS library, so the line below can name it
blas = sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line.lower() and "/" in line})
print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas}),
      flush=True)
for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    if words[0] == "quit":
        break
    batch, seconds = int(words[1]), float(words[2])
    for _ in range(3):
        step(batch)
    steps = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        step(batch)
        steps += 1
    elapsed = time.perf_counter() - start
    print(json.dumps({"batch": batch, "steps": steps, "samplesPerSecond": steps * batch / elapsed,
                      "msPerStep": 1000 * elapsed / steps}), flush=True)
