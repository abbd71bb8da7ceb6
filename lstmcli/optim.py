"""Optimizers over parameter dicts: Adam and SGD, plus clipping by global gradient norm.

Parameters, gradients and optimizer state share one set of keys. Updates are in place,
so the engine's arrays (and any views of them) stay the same objects across steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

Params = dict[str, np.ndarray]


def global_norm(grads: Params) -> float:
    """sqrt of the sum of squares of every gradient entry."""
    return float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads.values())))


def clip_by_global_norm(grads: Params, max_norm: float) -> float:
    """Scale all gradients down together so their global norm is at most max_norm.

    Recurrent nets occasionally produce one huge gradient (an exploding product through
    time); clipping the joint norm keeps the step's direction and bounds its size.
    Returns the norm before clipping.
    """
    norm = global_norm(grads)
    if norm > max_norm > 0:
        scale = max_norm / (norm + 1e-12)
        for g in grads.values():
            g *= scale
    return norm


@dataclass
class SGD:
    """Plain stochastic gradient descent: p -= lr * g."""

    lr: float = 0.01

    def step(self, params: Params, grads: Params) -> None:
        for name, p in params.items():
            p -= self.lr * grads[name]


@dataclass
class Adam:
    """Adam (Kingma & Ba, 2015, Algorithm 1) with bias correction."""

    lr: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    t: int = 0
    m: Params = field(default_factory=dict)  # first moment, same keys as params
    v: Params = field(default_factory=dict)  # second moment, same keys as params

    def step(self, params: Params, grads: Params) -> None:
        if not self.m:
            self.m = {k: np.zeros_like(p) for k, p in params.items()}
            self.v = {k: np.zeros_like(p) for k, p in params.items()}
        self.t += 1
        # bias corrections folded into the step size (the paper's efficient form)
        lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.t) / (1.0 - self.beta1**self.t)
        eps_t = self.eps * np.sqrt(1.0 - self.beta2**self.t)
        for k, p in params.items():
            g, m, v = grads[k], self.m[k], self.v[k]
            m *= self.beta1
            m += (1.0 - self.beta1) * g  # m_t = b1 m + (1 - b1) g
            v *= self.beta2
            v += (1.0 - self.beta2) * (g * g)  # v_t = b2 v + (1 - b2) g^2
            p -= (lr_t * m) / (np.sqrt(v) + eps_t)  # p -= lr m_hat / (sqrt(v_hat) + eps)
