#!/usr/bin/python3
"""Reference losses and gradients for lrsim's `cnn` model, from torch.nn itself.

Each case builds a small convolutional network with torch.nn layers that mean what lrsim's
layers mean (Conv2d, MaxPool2d, AvgPool2d, Flatten, Linear, ReLU/Tanh/Sigmoid, the output
Linear added last), draws its parameters with PyTorch's own initialisers and a batch of data,
and records the parameters (flattened in state_dict order, which is lrsim's layout), the data
(CHW per sample), the summed loss and the gradient of the summed loss. Run with Debian's
python3-torch:
    pnpm fixtures:pytorch   (writes packages/builtins/test/fixtures/pytorch-cnn.json)
"""
import json
import re

import torch
from torch import nn

CASES = [
    # layers spec, (channels, height, width), outputs, task, samples
    ("conv(4, 3, stride=2, padding=1), relu, maxpool(2, stride=1), conv(3, 2), tanh, avgpool(2), dense(5), sigmoid",
     (2, 9, 8), 4, "classification", 6),
    ("conv(3, 3, padding=1), relu, avgpool(3, stride=2), flatten, dense(6), relu", (3, 7, 7), 3, "regression", 5),
    # The default network's convolutions (LeNet-5's) on a 16x16 image, with smaller dense layers
    # to keep the fixture small.
    ("conv(6, 5, padding=2), relu, maxpool(2), conv(16, 5), relu, maxpool(2), dense(12), relu, dense(8), relu",
     (1, 16, 16), 10, "classification", 8),
]


def build(spec, image, outputs):
    channels, height, width = image
    layers = []
    flat = None
    for call in re.findall(r"\w+(?:\([^)]*\))?", spec):
        name = call.split("(")[0]
        args = call[len(name) + 1:-1].split(",") if "(" in call else []
        pos = [int(a) for a in args if "=" not in a]
        named = {a.split("=")[0].strip(): int(a.split("=")[1]) for a in args if "=" in a}
        if name == "conv":
            stride, padding = named.get("stride", 1), named.get("padding", 0)
            layers.append(nn.Conv2d(channels, pos[0], pos[1], stride=stride, padding=padding))
            height = (height + 2 * padding - pos[1]) // stride + 1
            width = (width + 2 * padding - pos[1]) // stride + 1
            channels = pos[0]
        elif name in ("maxpool", "avgpool"):
            stride = named.get("stride", pos[0])
            layers.append((nn.MaxPool2d if name == "maxpool" else nn.AvgPool2d)(pos[0], stride=stride))
            height = (height - pos[0]) // stride + 1
            width = (width - pos[0]) // stride + 1
        elif name == "flatten" or (name == "dense" and flat is None):
            if flat is None:
                layers.append(nn.Flatten())
                flat = channels * height * width
            if name == "dense":
                layers.append(nn.Linear(flat, pos[0]))
                flat = pos[0]
        elif name == "dense":
            layers.append(nn.Linear(flat, pos[0]))
            flat = pos[0]
        else:
            layers.append({"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[name]())
    if flat is None:
        layers.append(nn.Flatten())
        flat = channels * height * width
    layers.append(nn.Linear(flat, outputs))
    return nn.Sequential(*layers)


def case(index, spec, image, outputs, task, samples):
    torch.manual_seed(100 + index)
    model = build(spec, image, outputs)
    x = torch.randn(samples, *image)
    if task == "classification":
        y = torch.randint(0, outputs, (samples,))
        loss = nn.CrossEntropyLoss(reduction="sum")(model(x), y)
    else:
        y = torch.randn(samples, outputs)
        # lrsim's regression loss per sample is the mean over outputs; summed over samples.
        loss = nn.MSELoss(reduction="sum")(model(x), y) / outputs
    loss.backward()
    params = torch.cat([p.detach().flatten() for p in model.parameters()])
    grad = torch.cat([p.grad.flatten() for p in model.parameters()])
    return {
        "layers": spec,
        "image": dict(zip(("channels", "height", "width"), image)),
        "outputs": outputs,
        "task": task,
        "samples": samples,
        "x": x.flatten().tolist(),
        "y": y.flatten().float().tolist(),
        "params": params.tolist(),
        "loss": loss.item(),
        "grad": grad.tolist(),
    }


def rounded(value):
    """Floats to 9 significant digits: every float32 survives the round trip exactly."""
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, list):
        return [rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return value


print(json.dumps({
    "torch": torch.__version__,
    "generator": "scripts/pytorch-fixtures/cnn.py",
    "cases": [rounded(case(i, *c)) for i, c in enumerate(CASES)],
}))
