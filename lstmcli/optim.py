"""The optimizer over parameter dicts: Adam, plus clipping by global gradient norm.

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
class Adam:
    """Adam (Kingma & Ba, 2015, Algorithm 1) with bias correction.

    The moments of all parameters live in one flat vector each (`m` and `v` hold views of
    them under the parameters' keys), so a step is a handful of whole-vector operations
    rather than a dozen small ones per parameter; no temporaries are allocated per step.
    """

    lr: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    t: int = 0
    m: Params = field(default_factory=dict)  # first moment, same keys as params
    v: Params = field(default_factory=dict)  # second moment, same keys as params

    def _init(self, params: Params) -> None:
        dtype = np.result_type(*params.values())
        n = sum(p.size for p in params.values())
        self._m, self._v = np.zeros(n, dtype), np.zeros(n, dtype)  # (N,) each
        self._g, self._tmp = np.empty(n, dtype), np.empty(n, dtype)  # (N,) scratch
        self._slices: dict[str, slice] = {}
        # each parameter's share of the gradient and step vectors, shaped like it, made once (not sliced every step)
        self._g_views: dict[str, np.ndarray] = {}
        self._tmp_views: dict[str, np.ndarray] = {}
        start = 0
        for k, p in params.items():
            self._slices[k] = slice(start, start + p.size)
            self.m[k] = self._m[start : start + p.size].reshape(p.shape)
            self.v[k] = self._v[start : start + p.size].reshape(p.shape)
            self._g_views[k] = self._g[start : start + p.size].reshape(p.shape)
            self._tmp_views[k] = self._tmp[start : start + p.size].reshape(p.shape)
            start += p.size

    def step(self, params: Params, grads: Params) -> None:
        if not self.m:
            self._init(params)
        self.t += 1
        # bias corrections folded into the step size (the paper's efficient form)
        lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.t) / (1.0 - self.beta1**self.t)
        eps_t = self.eps * np.sqrt(1.0 - self.beta2**self.t)
        g, m, v, tmp = self._g, self._m, self._v, self._tmp  # (N,) each
        for k, g_k in self._g_views.items():
            np.copyto(g_k, grads[k])
        m *= self.beta1
        np.multiply(g, 1.0 - self.beta1, out=tmp)
        m += tmp  # m_t = b1 m + (1 - b1) g
        v *= self.beta2
        np.multiply(g, g, out=tmp)
        tmp *= 1.0 - self.beta2
        v += tmp  # v_t = b2 v + (1 - b2) g^2
        np.sqrt(v, out=tmp)
        tmp += eps_t
        np.divide(m, tmp, out=tmp)
        tmp *= lr_t  # lr m_hat / (sqrt(v_hat) + eps)
        for k, step in self._tmp_views.items():
            np.subtract(params[k], step, out=params[k])
