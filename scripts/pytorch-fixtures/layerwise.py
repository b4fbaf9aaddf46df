#!/usr/bin/python3
"""Reference trajectories for lrsim's LARS and LAMB, transcribed from optax.

PyTorch has neither optimizer, and optax (JAX) cannot be installed here, so this script
transcribes optax's gradient transformations operation by operation into float32 PyTorch
tensor code (JAX computes these in float32 too). The source is google-deepmind/optax at commit
2edbcbe2390da13983b92cbef94ac0460ecde1c5:

  optax/_src/alias.py                 lars(), lamb(): the chains transcribed below
  optax/_src/transform.py             scale_by_adam, scale_by_trust_ratio, scale_by_learning_rate
  optax/transforms/_adding.py         add_decayed_weights
  optax/transforms/_accumulation.py   trace
  optax/transforms/_masking.py        masked (a masked-out leaf passes through unchanged)
  optax/tree_utils/_tree_math.py      tree_update_moment(_per_elem_norm), tree_bias_correction
  optax/_src/numerics.py              safe_norm (min_norm 0 is the plain L2 norm)

A parameter vector is cut into groups, each one pytree leaf (a weight matrix or a bias); a
fixed gradient sequence is applied and the parameters recorded after every step. lrsim's
`excludeBiases=true` is optax's mask False on bias leaves, for weight decay and the trust ratio
both (lars: weight_decay_mask and trust_ratio_mask; lamb: add_decayed_weights' mask plus a
masked scale_by_trust_ratio, as the authors' BERT code excludes biases from layer adaptation).
`excludeBiases=false` is optax.lars / optax.lamb with their default masks. One case per
optimizer changes lr and momentum (LAMB's b1) every step, as optax.inject_hyperparams would.
Run with Debian's python3-torch:
    pnpm fixtures:pytorch   (writes packages/builtins/test/fixtures/optax-layerwise.json)
"""
import json
import math
import sys

import torch

F32 = torch.float32
# Groups [from, to, kind]: two weight matrices and their biases; the second bias starts at zero,
# so the first steps meet optax's zero-norm rule (trust ratio 1).
GROUPS = [[0, 6, "weight"], [6, 8, "bias"], [8, 12, "weight"], [12, 13, "bias"]]
P0 = [0.5, -1.0, 2.0, 0.3, -0.25, 1.5, 0.1, -0.2, 0.7, -0.4, 0.9, 0.05, 0.0]
STEPS = 12


def grads(t):
    return [math.sin(1.3 * t + i) * (1 + 0.2 * i) + 0.1 * (i - 6) for i in range(len(P0))]


def schedule(t):
    """lr and momentum changing per step, like a one-cycle schedule."""
    return 0.05 + 0.04 * math.sin(0.7 * t), 0.85 + 0.1 * math.cos(0.5 * t)


def tensor(values):
    return torch.tensor(values, dtype=F32)


# --- optax transforms over a list of leaves (init(params) -> state; update(u, state, params, h) -> (u, state))
# `h` carries the per-step hyper-parameters: lr and the momentum / b1 (inject_hyperparams).


def add_decayed_weights(weight_decay, mask):
    def update(updates, state, params, h):
        if weight_decay == 0.0:  # "If weight decay is a zero constant, we can skip the update."
            return updates, state
        return [g + weight_decay * p if m else g for g, p, m in zip(updates, params, mask)], state
    return (lambda params: None), update


def scale_by_trust_ratio(trust_coefficient=1.0, eps=0.0, mask=None):
    def scale(update, param):
        param_norm = torch.linalg.norm(param)
        update_norm = torch.linalg.norm(update)
        trust_ratio = trust_coefficient * param_norm / (update_norm + eps)
        zero_norm = torch.logical_or(param_norm == 0.0, update_norm == 0.0)
        safe_trust_ratio = torch.where(zero_norm, torch.tensor(1.0, dtype=F32), trust_ratio)
        return update * safe_trust_ratio

    def update(updates, state, params, h):
        m = mask or [True] * len(updates)
        return [scale(u, p) if keep else u for u, p, keep in zip(updates, params, m)], state
    return (lambda params: None), update


def scale_by_learning_rate():
    return (lambda params: None), (lambda updates, state, params, h: ([-h["lr"] * u for u in updates], state))


def trace(default_decay, nesterov):
    def update(updates, state, params, h):
        decay = h.get("momentum", default_decay)
        f = lambda g, t: g + decay * t
        new_trace = [f(g, t) for g, t in zip(updates, state)]
        out = [f(g, t) for g, t in zip(updates, new_trace)] if nesterov else new_trace
        return out, new_trace
    return (lambda params: [torch.zeros_like(p) for p in params]), update


def scale_by_adam(default_b1, b2, eps, eps_root):
    def init(params):
        return {"count": 0, "mu": [torch.zeros_like(p) for p in params], "nu": [torch.zeros_like(p) for p in params]}

    def update(updates, state, params, h):
        b1 = h.get("momentum", default_b1)
        mu = [(1 - b1) * g + b1 * t for g, t in zip(updates, state["mu"])]
        nu = [(1 - b2) * (g ** 2) + b2 * t for g, t in zip(updates, state["nu"])]
        count = state["count"] + 1
        mu_hat = [t / torch.tensor(1 - b1 ** count, dtype=F32) for t in mu]
        nu_hat = [t / torch.tensor(1 - b2 ** count, dtype=F32) for t in nu]
        out = [m / (torch.sqrt(v + eps_root) + eps) for m, v in zip(mu_hat, nu_hat)]
        return out, {"count": count, "mu": mu, "nu": nu}
    return init, update


def chain(*transforms):
    def init(params):
        return [t[0](params) for t in transforms]

    def update(updates, states, params, h):
        new_states = []
        for (_, fn), s in zip(transforms, states):
            updates, s = fn(updates, s, params, h)
            new_states.append(s)
        return updates, new_states
    return init, update


def lars(weight_decay=0.0, trust_coefficient=0.001, eps=0.0, momentum=0.9, nesterov=False, exclude_biases=True):
    mask = [kind == "weight" or not exclude_biases for _, _, kind in GROUPS]
    return chain(
        add_decayed_weights(weight_decay, mask),
        scale_by_trust_ratio(trust_coefficient=trust_coefficient, eps=eps, mask=mask),
        scale_by_learning_rate(),
        trace(momentum, nesterov),
    )


def lamb(b1=0.9, b2=0.999, eps=1e-6, eps_root=0.0, weight_decay=0.0, exclude_biases=True):
    mask = [kind == "weight" or not exclude_biases for _, _, kind in GROUPS]
    return chain(
        scale_by_adam(b1, b2, eps, eps_root),
        add_decayed_weights(weight_decay, mask),
        scale_by_trust_ratio(mask=mask),
        scale_by_learning_rate(),
    )


CASES = [
    ("lars", 1.0, lambda: lars(), "lr"),
    ("lars(excludeBiases=false)", 1.0, lambda: lars(exclude_biases=False), "lr"),
    ("lars(weightDecay=0.01, trustCoefficient=0.02, eps=0.001, nesterov=true)", 0.5,
     lambda: lars(weight_decay=0.01, trust_coefficient=0.02, eps=0.001, nesterov=True), "lr"),
    ("lars(weightDecay=0.05, excludeBiases=false, momentum=0.5)", 0.3,
     lambda: lars(weight_decay=0.05, exclude_biases=False, momentum=0.5), "lr"),
    ("lars(trustCoefficient=0.01)", None, lambda: lars(trust_coefficient=0.01), "momentum"),
    ("lamb", 0.01, lambda: lamb(), "lr"),
    ("lamb(weightDecay=0.1, excludeBiases=false, epsRoot=1e-8)", 0.01,
     lambda: lamb(weight_decay=0.1, exclude_biases=False, eps_root=1e-8), "lr"),
    ("lamb(weightDecay=0.01, beta2=0.99)", 0.02, lambda: lamb(weight_decay=0.01, b2=0.99), "lr"),
    ("lamb(weightDecay=0.01)", None, lambda: lamb(weight_decay=0.01), "momentum"),
]


def run(lr, make, driven):
    params = [tensor(P0[a:b]) for a, b, _ in GROUPS]
    init, update = make()
    state = init(params)
    out = {"lr": [], "momentum": [], "params": []}
    for t in range(STEPS):
        h = {"lr": lr}
        if driven == "momentum":
            h["lr"], h["momentum"] = schedule(t)
            out["momentum"].append(h["momentum"])
        out["lr"].append(h["lr"])
        g = tensor(grads(t))
        updates, state = update([g[a:b] for a, b, _ in GROUPS], state, params, h)
        params = [p + u for p, u in zip(params, updates)]  # optax.apply_updates
        out["params"].append([float(v) for p in params for v in p])
    if driven != "momentum":
        del out["momentum"]
    return out


def main():
    cases = [
        {"spec": spec, "driven": driven, "p0": P0, "groups": GROUPS, "grads": [grads(t) for t in range(STEPS)], **run(lr, make, driven)}
        for spec, lr, make, driven in CASES
    ]
    json.dump({
        "reference": "optax 2edbcbe2390da13983b92cbef94ac0460ecde1c5, transcribed to torch " + torch.__version__,
        "generator": "scripts/pytorch-fixtures/layerwise.py",
        "cases": cases,
    }, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
