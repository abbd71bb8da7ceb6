"""The LSTM itself: parameters, a batched forward pass that keeps a record, and BPTT.

This module is the seed (`lstm-notes.md`) in code, for `layers` stacked layers of `hidden`
units and a dense head on the last hidden state. NumPy only: it knows nothing of files,
pandas or terminals. One implementation serves training, forecasting and `lstm inspect`.

Notation (one line per equation; the seed's words in brackets). For step t of a layer,
with input x_t, previous hidden state h_{t-1} and previous cell state c_{t-1}:

    z_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh       pre-activations of all four gates
    i_t = sigmoid(z_t[i])                             input gate  [% of the potential memory to keep]
    f_t = sigmoid(z_t[f])                             forget gate [% of the long-term memory to keep]
    g_t = tanh(z_t[g])                                candidate   [potential long-term memory]
    o_t = sigmoid(z_t[o])                             output gate [% of the potential short-term memory]
    c_t = f_t * c_{t-1} + i_t * g_t                   cell state  [long-term memory]
    h_t = o_t * tanh(c_t)                             hidden state [short-term memory]
    y   = W_head h_T + b_head                         the head, on the top layer's last h

Shape letters, used in every shape comment:
    B batch, T time steps, F input features, H hidden units, G = 4H gate rows, O outputs.

Parameters are a dict named and shaped exactly like `torch.nn.LSTM`'s state_dict, gate
rows in PyTorch's order i, f, g, o, plus the head:

    weight_ih_l{k} (G, F or H)   weight_hh_l{k} (G, H)   bias_ih_l{k} (G,)   bias_hh_l{k} (G,)
    head.weight    (O, H)        head.bias      (O,)

The dtype of the parameters (float32 or float64) is the dtype of all the arithmetic.
Speed notes (at B=64, H=32..128 the number of NumPy calls per step matters as much as the
FLOPs, so each step is one matmul plus a few whole-block ufunc calls into buffers that exist
before the loop): the loops run feature-major, batch last, so each gate is a contiguous
(H, B) block; x_t and the bias ride in the recurrent matmul; the products backward needs are
formed in forward while they are in cache; the weight gradients of all steps are one matmul
after the backward loop; training reuses its buffers across batches. The record shows the
same memory as time-major (T, B, .) views.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

# Column blocks of the four gates inside the G = 4H rows, in PyTorch's order.
GATES = ("input", "forget", "candidate", "output")
I, F_, G_, O_ = 0, 1, 2, 3

State = list[tuple[np.ndarray, np.ndarray]]  # per layer: (h, c), each (B, H)


# ---------------------------------------------------------------------------------------
# activations


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function, computed as (1 + tanh(x/2)) / 2: exact, and never overflows."""
    return 0.5 + 0.5 * np.tanh(0.5 * x)


def _gate_affine(hidden: int, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """Per-column scale s and offset m so that all four gates are `m * tanh(s * z) + m'`.

    sigmoid(z) = 0.5 + 0.5 tanh(z/2): the sigmoid gates use s = 0.5, scale 0.5, offset 0.5;
    the candidate uses s = 1, scale 1, offset 0. One tanh call then serves all gates.
    """
    s = np.full(4 * hidden, 0.5, dtype=dtype)  # (G,)
    s[G_ * hidden : (G_ + 1) * hidden] = 1.0
    offset = np.full(4 * hidden, 0.5, dtype=dtype)  # (G,)
    offset[G_ * hidden : (G_ + 1) * hidden] = 0.0
    return s, offset  # the scale after tanh equals s: 0.5 for sigmoid gates, 1 for tanh


# ---------------------------------------------------------------------------------------
# parameters


def layer_count(params: dict[str, np.ndarray]) -> int:
    """Number of stacked LSTM layers in a parameter dict."""
    n = 0
    while f"weight_ih_l{n}" in params:
        n += 1
    return n


def dims(params: dict[str, np.ndarray]) -> tuple[int, int, int, int]:
    """(features, hidden, layers, outputs) of a parameter dict."""
    G, F = params["weight_ih_l0"].shape
    return F, G // 4, layer_count(params), params["head.weight"].shape[0]


def init_params(
    features: int,
    hidden: int,
    layers: int,
    outputs: int,
    rng: np.random.Generator,
    dtype: type | np.dtype = np.float64,
    forget_bias: float = 1.0,
) -> dict[str, np.ndarray]:
    """PyTorch's initialisation, U(-1/sqrt(H), 1/sqrt(H)), with the forget-gate bias at 1.

    A forget bias of 1 (Jozefowicz et al., 2015) starts the cell remembering, which helps
    gradients flow through long windows early in training.
    """
    assert min(features, hidden, layers, outputs) >= 1, (features, hidden, layers, outputs)
    k = 1.0 / np.sqrt(hidden)
    H, G = hidden, 4 * hidden
    params: dict[str, np.ndarray] = {}
    for layer in range(layers):
        fan_in = features if layer == 0 else H
        params[f"weight_ih_l{layer}"] = rng.uniform(-k, k, (G, fan_in))
        params[f"weight_hh_l{layer}"] = rng.uniform(-k, k, (G, H))
        params[f"bias_ih_l{layer}"] = rng.uniform(-k, k, G)
        params[f"bias_hh_l{layer}"] = rng.uniform(-k, k, G)
        params[f"bias_ih_l{layer}"][F_ * H : (F_ + 1) * H] = forget_bias
        params[f"bias_hh_l{layer}"][F_ * H : (F_ + 1) * H] = 0.0
    params["head.weight"] = rng.uniform(-k, k, (outputs, H))
    params["head.bias"] = np.zeros(outputs)
    return {name: np.ascontiguousarray(p, dtype=dtype) for name, p in params.items()}


# ---------------------------------------------------------------------------------------
# the record of a forward pass


@dataclass
class LayerRecord:
    """Everything one layer computed, step by step; what backward needs and inspect shows.

    Arrays are time-major (the loop runs over time): index [t] is step t.
    """

    inputs: np.ndarray  # (T, B, F) x_t: the series (layer 0) or the hidden states below
    pre: np.ndarray  # (T, B, G) z_t: pre-activations of the gates, order i, f, g, o
    gates: np.ndarray  # (T, B, G) gate activations, order i, f, g, o
    cell: np.ndarray  # (T+1, B, H) c_t: cell[0] is the initial long-term memory
    hidden: np.ndarray  # (T+1, B, H) h_t: hidden[0] is the initial short-term memory
    tanh_cell: np.ndarray  # (T, B, H) tanh(c_t)

    def _gate(self, k: int) -> np.ndarray:
        H = self.cell.shape[-1]
        return self.gates[..., k * H : (k + 1) * H]  # (T, B, H)

    def _pre(self, k: int) -> np.ndarray:
        H = self.cell.shape[-1]
        return self.pre[..., k * H : (k + 1) * H]  # (T, B, H)

    @property
    def input_gate(self) -> np.ndarray:
        """i_t, (T, B, H): the share of the candidate written to long-term memory."""
        return self._gate(I)

    @property
    def forget_gate(self) -> np.ndarray:
        """f_t, (T, B, H): the share of the long-term memory kept."""
        return self._gate(F_)

    @property
    def candidate(self) -> np.ndarray:
        """g_t, (T, B, H): the potential long-term memory."""
        return self._gate(G_)

    @property
    def output_gate(self) -> np.ndarray:
        """o_t, (T, B, H): the share of tanh(c_t) passed on as short-term memory."""
        return self._gate(O_)

    def pre_activation(self, gate: str) -> np.ndarray:
        """z_t of one gate ("input", "forget", "candidate", "output"), (T, B, H)."""
        return self._pre(GATES.index(gate))

    @property
    def cell_prev(self) -> np.ndarray:
        """c_{t-1}, (T, B, H): long-term memory before each step."""
        return self.cell[:-1]

    @property
    def cell_new(self) -> np.ndarray:
        """c_t, (T, B, H): long-term memory after each step."""
        return self.cell[1:]

    @property
    def hidden_prev(self) -> np.ndarray:
        """h_{t-1}, (T, B, H): short-term memory before each step."""
        return self.hidden[:-1]

    @property
    def hidden_new(self) -> np.ndarray:
        """h_t, (T, B, H): short-term memory after each step."""
        return self.hidden[1:]


@dataclass
class Record:
    """A whole forward pass: one LayerRecord per layer, the head's output, the final state."""

    layers: list[LayerRecord]
    prediction: np.ndarray  # (B, O)
    state: State = field(default_factory=list)  # per layer (h_T, c_T), each (B, H)


# ---------------------------------------------------------------------------------------
# forward
#
# Inside the two loops every array is feature-major, batch last: a step's gates are one
# (G, B) block, so each gate is a contiguous (H, B) block and every ufunc call runs over
# contiguous memory (strided (B, H) column slices cost 2-3x more per call at these sizes).
# The record shows the usual time-major (T, B, .) shapes as transposed views of the same
# memory. The input x_t and a constant 1 ride under h_{t-1} in one "augmented" block
# [h_{t-1}; x_t; 1] (K = H + F + 1 rows), so one matmul per step gives all of z_t, input
# projection and biases included (a separate (T*B, 1) x (1, G) input projection is slow in
# BLAS), and one matmul after the backward loop gives the gradients of W_hh, W_ih and the
# bias together.


class _Workspace:
    """Every buffer of one layer's forward and backward pass, and the per-step views of them.

    Building the views once (a slice is a new Python object) and, in training, reusing the
    whole workspace across batches (fresh multi-MB arrays are page-faulted in on first
    touch, which doubled the time per batch) keeps the loops down to the arithmetic.
    """

    def __init__(self, T: int, B: int, H: int, F: int, dtype: np.dtype, for_backward: bool, record: bool) -> None:
        G, K = 4 * H, H + F + 1
        self.shape = (T, B, H, F)
        s, offset = _gate_affine(H, dtype)
        # (G, B) copies: same-shape operands run 1.5-2x faster than a broadcast (G, 1) column
        self.s = np.repeat(s[:, None], B, axis=1)  # (G, B)
        self.offset = np.repeat(offset[:, None], B, axis=1)  # (G, B)
        self.aug = np.empty((T + 1, K, B), dtype)  # (T+1, K, B) rows [h_{t-1}; x_t; 1]
        self.aug[T, H:] = 0.0  # never multiplied: there is no step T
        self.aug[:, H + F] = 1.0  # the bias row
        self.record = record  # keep z_t for the record (training and predict never read it)
        self.pre = np.empty((T, G, B), dtype) if record else None  # (T, G, B) z_t
        # Without a record, gates, cell and tanh(c) of a step are needed only during that step
        # (backward keeps its own products, and a copy of f_t), so they live in two slots used
        # in turn, which stay in cache, instead of T+1 that stream through memory.
        n = T + 1 if record else 2
        slot = (lambda t: t) if record else (lambda t: t % 2)
        self.gc = np.empty((n, 5 * H, B), dtype)  # (n, 5H, B) rows [i f g o | c]: gates of t, c_{t-1}
        self.tanh_cell = np.empty((n - 1, H, B), dtype)  # (n-1, H, B)
        self.prod = np.empty((2, H, B), dtype)  # (2, H, B) scratch for [i g, f c_{t-1}]
        gc = self.gc
        self.h_new = [self.aug[t + 1, :H] for t in range(T)]  # (H, B) each: h_t
        self.a = [gc[slot(t), :G] for t in range(T)]  # (G, B) each: i, f, g, o stacked
        self.i_f = [gc[slot(t), : 2 * H].reshape(2, H, B) for t in range(T)]  # (2, H, B): [i_t, f_t]
        self.g_c = [gc[slot(t), 2 * H :].reshape(3, H, B)[::2] for t in range(T)]  # (2, H, B): [g_t, c_{t-1}]
        self.i = [gc[slot(t), :H] for t in range(T)]  # (H, B) each
        self.f = [gc[slot(t), H : 2 * H] for t in range(T)]  # (H, B) each
        self.o = [gc[slot(t), 3 * H : G] for t in range(T)]  # (H, B) each
        self.c_new = [gc[slot(t + 1), 4 * H :] for t in range(T)]  # (H, B) each: c_t
        self.tc = [self.tanh_cell[slot(t) if record else 0] for t in range(T)]  # (H, B) each: tanh(c_t)
        self.for_backward = for_backward
        self.f_kept = None if record or not for_backward else np.empty((T, H, B), dtype)  # (T, H, B)
        if for_backward:
            # how dz_t depends on dc_t (rows i, f, g) and on dh_t (rows o), without the s^2
            self.dgate = np.empty((T, G, B), dtype)  # (T, G, B)
            self.dcell = np.empty((T, H, B), dtype)  # (T, H, B) o_t (1 - tanh(c_t)^2)
            self.u = [self.dgate[t] for t in range(T)]  # (G, B) each: tanh(s z) lands here first
            self.dz = np.empty((T, G, B), dtype)  # (T, G, B) dLoss/dz_t / s^2
            self.dz2 = np.empty((G, T, B), dtype)  # (G, T, B) the same, for one big matmul
            self.aug2 = np.empty((K, T, B), dtype)  # (K, T, B)
            self.dh = np.empty((H, B), dtype)  # (H, B)
            self.dc = np.empty((H, B), dtype)  # (H, B)
            self.tmp = np.empty((H, B), dtype)  # (H, B)
            self.d_ifg = [self.dgate[t, : 3 * H].reshape(3, H, B) for t in range(T)]  # (3, H, B) each
            self.d_o = [self.dgate[t, 3 * H :] for t in range(T)]  # (H, B) each
            self.dz_ifg = [self.dz[t, : 3 * H].reshape(3, H, B) for t in range(T)]  # (3, H, B) each
            self.dz_o = [self.dz[t, 3 * H :] for t in range(T)]  # (H, B) each
        else:
            self.u = [np.empty((G, B), dtype)] * T  # (G, B) scratch, shared by all steps


_cache = threading.local()  # per thread: the workspaces of the last few shapes
_CACHE_BYTES = 64 << 20  # larger workspaces are allocated per call rather than kept


def _reused_workspaces(
    params: dict[str, np.ndarray], B: int, T: int, for_backward: bool
) -> list[_Workspace] | None:
    """Workspaces kept across calls, for callers whose record never leaves the engine.

    None when they would be too large to keep (the caller then allocates its own).
    """
    dtype = params["weight_hh_l0"].dtype
    dims_ = [(params[f"weight_hh_l{k}"].shape[1], params[f"weight_ih_l{k}"].shape[1])
             for k in range(layer_count(params))]
    rows = sum((T + 1) * (H + F + 1) + 20 * H + (T * (15 * H + F + 1) if for_backward else 0) for H, F in dims_)
    if rows * B * dtype.itemsize > _CACHE_BYTES:
        return None
    key = (B, T, dtype, tuple(dims_), for_backward)
    spaces: dict = getattr(_cache, "spaces", None) or {}
    _cache.spaces = spaces
    if key not in spaces:
        if len(spaces) >= 4:  # e.g. full batches and the short last batch of an epoch
            spaces.pop(next(iter(spaces)))
        spaces[key] = [_Workspace(T, B, H, F, dtype, for_backward, record=False) for H, F in dims_]
    return spaces[key]


def _augmented_weights(W_ih: np.ndarray, W_hh: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """[W_hh | W_ih | b], (G, K): multiplies the column [h_{t-1}; x_t; 1]."""
    return np.concatenate([W_hh, W_ih, bias[:, None]], axis=1)  # (G, K)


def _layer_forward(W_aug: np.ndarray, x: np.ndarray, h0: np.ndarray, c0: np.ndarray, ws: _Workspace) -> None:
    """Run one layer over all steps of x (T, F, B), from (h0, c0), each (H, B), inside `ws`.

    If `ws.for_backward`, also keeps the two products backward needs (`dgate`, `dcell`),
    computed here while the step's numbers are still in cache.
    """
    T, _, H, F = ws.shape
    s, offset, pre, prod = ws.s, ws.offset, ws.pre, ws.prod
    # without a record nobody reads z_t: scale the rows once (x0.5 is exact) and go straight to s z_t
    W_s = None if ws.record else W_aug * s[:, :1]  # (G, K)
    ws.aug[:T, H : H + F] = x  # (T, F, B)
    ws.aug[0, :H] = h0
    ws.gc[0, 4 * H :] = c0
    i_f, g_c, c_new, h_new, o_, i_, tc = ws.i_f, ws.g_c, ws.c_new, ws.h_new, ws.o, ws.i, ws.tc

    for t in range(T):
        u, a = ws.u[t], ws.a[t]  # (G, B) each
        if W_s is None:
            np.matmul(W_aug, ws.aug[t], out=pre[t])  # z_t = W_hh h_{t-1} + W_ih x_t + b: all four gates
            np.multiply(pre[t], s, out=u)  # sigmoid(z) = 0.5 + 0.5 tanh(z/2): one tanh for all gates
        else:
            np.matmul(W_s, ws.aug[t], out=u)  # s z_t, the same numbers
        np.tanh(u, out=u)  # u = tanh(s z)
        np.multiply(u, s, out=a)
        a += offset  # i_t, f_t, g_t, o_t = s u + offset
        np.multiply(i_f[t], g_c[t], out=prod)  # [i_t g_t, f_t c_{t-1}]
        np.add(prod[0], prod[1], out=c_new[t])  # c_t = f_t * c_{t-1} + i_t * g_t
        np.tanh(c_new[t], out=tc[t])
        np.multiply(o_[t], tc[t], out=h_new[t])  # h_t = o_t * tanh(c_t)
        if ws.for_backward:
            # da/dz = s^2 (1 - u^2); the s^2 is applied to the weights in backward instead
            np.multiply(u, u, out=u)
            np.subtract(1.0, u, out=u)  # 1 - u^2
            d = ws.d_ifg[t]  # (3, H, B)
            np.multiply(d[:2], g_c[t], out=d[:2])  # dz_i, dz_f per unit of dc_t: g_t, c_{t-1}
            np.multiply(d[2], i_[t], out=d[2])  # dz_g per unit of dc_t: i_t
            np.multiply(ws.d_o[t], tc[t], out=ws.d_o[t])  # dz_o per unit of dh_t: tanh(c_t)
            np.multiply(h_new[t], tc[t], out=ws.dcell[t])
            np.subtract(o_[t], ws.dcell[t], out=ws.dcell[t])  # o_t (1 - tanh(c_t)^2) = o_t - h_t tanh(c_t)
            if ws.f_kept is not None:
                np.copyto(ws.f_kept[t], ws.f[t])  # the gate's slot is reused two steps on


def _layer_record(ws: _Workspace) -> LayerRecord:
    """The record of a layer: time-major (T, B, .) views of its workspace."""
    T, _, H, F = ws.shape
    T_B = (0, 2, 1)  # (T, ., B) -> (T, B, .)
    return LayerRecord(
        inputs=ws.aug[:T, H : H + F].transpose(T_B),  # (T, B, F): our own copy of x
        pre=ws.pre.transpose(T_B),  # (T, B, G)
        gates=ws.gc[:T, : 4 * H].transpose(T_B),  # (T, B, G)
        cell=ws.gc[:, 4 * H :].transpose(T_B),  # (T+1, B, H)
        hidden=ws.aug[:, :H].transpose(T_B),  # (T+1, B, H)
        tanh_cell=ws.tanh_cell.transpose(T_B),  # (T, B, H)
    )


def _forward(
    params: dict[str, np.ndarray], x: np.ndarray, state: State | None,
    spaces: list[_Workspace] | None, for_backward: bool,
) -> tuple[np.ndarray, Record | None, list[_Workspace]]:
    """forward() inside the given workspaces (one per layer), or inside fresh ones with a record."""
    dtype = params["weight_hh_l0"].dtype
    x = np.asarray(x, dtype=dtype)
    assert x.ndim == 3, f"x must be (batch, time, features), got shape {x.shape}"
    B, T, F = x.shape
    n_layers = layer_count(params)
    assert params["weight_ih_l0"].shape[1] == F, f"x has {F} features, model expects {params['weight_ih_l0'].shape[1]}"
    assert T >= 1, f"x has no time steps: shape {x.shape}"

    inputs = x.transpose(1, 2, 0)  # (T, F, B): feature-major (copied into the layer's buffer)
    used: list[_Workspace] = []
    for k in range(n_layers):
        W_ih, W_hh = params[f"weight_ih_l{k}"], params[f"weight_hh_l{k}"]
        H = W_hh.shape[1]
        if state is None:  # the seed: "both memories are initialised to 0"
            h0 = c0 = 0.0
        else:
            h0, c0 = (np.asarray(v, dtype).T for v in state[k])  # (H, B) each
        W_aug = _augmented_weights(W_ih, W_hh, params[f"bias_ih_l{k}"] + params[f"bias_hh_l{k}"])  # (G, K)
        ws = spaces[k] if spaces else _Workspace(T, B, H, W_ih.shape[1], dtype, for_backward, record=True)
        _layer_forward(W_aug, inputs, h0, c0, ws)
        used.append(ws)
        inputs = ws.aug[1:, :H]  # (T, H, B): this layer's short-term memories feed the next

    h_last = used[-1].aug[T, :H].T  # (B, H)
    prediction = h_last @ params["head.weight"].T + params["head.bias"]  # (B, O)
    if spaces:
        return prediction, None, used
    layers = [_layer_record(ws) for ws in used]
    final = [(r.hidden[-1].copy(), r.cell[-1].copy()) for r in layers]
    return prediction, Record(layers, prediction, final), used


def forward(
    params: dict[str, np.ndarray], x: np.ndarray, state: State | None = None
) -> tuple[np.ndarray, Record]:
    """Predict from a batch of sequences x (B, T, F); return (prediction (B, O), record).

    `state` is the initial (h, c) of each layer, each (B, H); zeros when None (the seed:
    "both memories are initialised to 0"). The record's `.state` is the final (h, c) of
    each layer, so a forecast can continue from it.
    """
    prediction, record, _ = _forward(params, x, state, None, for_backward=False)
    return prediction, record


def predict(params: dict[str, np.ndarray], x: np.ndarray, state: State | None = None) -> np.ndarray:
    """Just the prediction (B, O) of `forward`."""
    B, T = np.shape(x)[:2]
    return _forward(params, x, state, _reused_workspaces(params, B, T, for_backward=False), for_backward=False)[0]


# ---------------------------------------------------------------------------------------
# backward


def _workspace_from_record(rec: LayerRecord) -> _Workspace:
    """A backward-ready workspace rebuilt from a record alone (for `backward`)."""
    T, B, G = rec.gates.shape
    H, F = G // 4, rec.inputs.shape[-1]
    ws = _Workspace(T, B, H, F, rec.gates.dtype, for_backward=True, record=True)
    fm = (0, 2, 1)  # (T, B, .) -> (T, ., B)
    ws.aug[:, :H] = rec.hidden.transpose(fm)
    ws.aug[:T, H : H + F] = rec.inputs.transpose(fm)
    ws.gc[:T, :G] = rec.gates.transpose(fm)
    ws.gc[:, 4 * H :] = rec.cell.transpose(fm)
    ws.tanh_cell[...] = rec.tanh_cell.transpose(fm)
    a = ws.gc[:T, :G]  # (T, G, B)
    u = (a - ws.offset) / ws.s  # (T, G, B): tanh(s z)
    ws.dgate[...] = 1.0 - u * u
    ws.dgate[:, :H] *= a[:, 2 * H : 3 * H]  # g_t
    ws.dgate[:, H : 2 * H] *= ws.gc[:T, 4 * H :]  # c_{t-1}
    ws.dgate[:, 2 * H : 3 * H] *= a[:, :H]  # i_t
    ws.dgate[:, 3 * H :] *= ws.tanh_cell  # tanh(c_t)
    ws.dcell[...] = a[:, 3 * H :] * (1.0 - ws.tanh_cell**2)
    return ws


def _layer_backward(
    W_aug: np.ndarray, ws: _Workspace, dh_last: np.ndarray | None, dh_out: np.ndarray | None,
    need_dx: bool,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Backpropagate through one layer; mirrors `_layer_forward` step by step, in reverse.

    dLoss/dh_t from above is either `dh_last` (H, B), the last step only (the head), or
    `dh_out` (H, T, B), every step (the layer above). Returns the gradient of W_aug (G, K)
    and, if `need_dx`, dLoss/dx (F, T, B) for the layer below.
    """
    T, B, H, _ = ws.shape
    G, K = W_aug.shape
    s2 = ws.s[:, :1] ** 2  # (G, 1): da/dz = s^2 (1 - u^2); dgate holds only (1 - u^2) ...
    W_s2 = W_aug * s2  # (G, K) ... so fold s^2 into the weights: W^T (s^2 dz') = (s^2 W)^T dz'
    W_hhT = W_s2[:, :H].T  # (H, G)
    dz, dh, dc, tmp, dcell = ws.dz, ws.dh, ws.dc, ws.tmp, ws.dcell  # dz: (T, G, B); the rest (H, B)
    f_ = ws.f if ws.f_kept is None else ws.f_kept  # (T, H, B): f_t of every step
    dh[...] = 0.0 if dh_last is None else dh_last  # dLoss/dh_t, carried back through W_hh
    dc[...] = 0.0  # dLoss/dc_t, carried back through f

    for t in reversed(range(T)):
        if dh_out is not None:
            dh += dh_out[:, t]  # h_t feeds the layer above and step t+1
        np.multiply(dh, dcell[t], out=tmp)  # h_t = o_t tanh(c_t)  ->  dc_t
        dc += tmp
        np.multiply(ws.d_ifg[t], dc, out=ws.dz_ifg[t])  # c_t = f c_{t-1} + i g  ->  dz_i, dz_f, dz_g
        np.multiply(ws.d_o[t], dh, out=ws.dz_o[t])  # h_t = o_t tanh(c_t)  ->  dz_o
        np.matmul(W_hhT, dz[t], out=dh)  # dh_{t-1} = W_hh^T dz_t
        dc *= f_[t]  # dc_{t-1} = dc_t * f_t

    # one matmul sums over steps and batch: (t, b) must be one axis, so transpose-copy once
    np.copyto(ws.dz2, dz.transpose(1, 0, 2))  # (G, T, B)
    np.copyto(ws.aug2, ws.aug[:T].transpose(1, 0, 2))  # (K, T, B)
    dW_aug = ws.dz2.reshape(G, T * B) @ ws.aug2.reshape(K, T * B).T  # (G, K)
    dW_aug *= s2
    if not need_dx:
        return dW_aug, None
    dx = W_s2[:, H:-1].T @ ws.dz2.reshape(G, T * B)  # (F, T*B): dx_t = W_ih^T dz_t, all steps at once
    return dW_aug, dx.reshape(-1, T, B)  # (F, T, B)


def _backward(
    params: dict[str, np.ndarray], spaces: list[_Workspace], dprediction: np.ndarray
) -> dict[str, np.ndarray]:
    """backward() from the workspaces the forward pass filled."""
    grads = {name: np.zeros_like(p) for name, p in params.items()}
    T = spaces[-1].shape[0]
    h_last = spaces[-1].aug[T, : params["head.weight"].shape[1]].T  # (B, H)
    grads["head.weight"] += dprediction.T @ h_last  # (O, H)
    grads["head.bias"] += dprediction.sum(axis=0)  # (O,)
    dh_last = (dprediction @ params["head.weight"]).T  # (H, B): only the last step feeds the head
    dh_out = None  # (H, T, B) from the layer above
    for k in reversed(range(len(spaces))):
        W_ih, W_hh = params[f"weight_ih_l{k}"], params[f"weight_hh_l{k}"]
        W_aug = _augmented_weights(W_ih, W_hh, params[f"bias_ih_l{k}"] + params[f"bias_hh_l{k}"])  # (G, K)
        dW_aug, dh_out = _layer_backward(W_aug, spaces[k], dh_last, dh_out, need_dx=k > 0)
        dh_last = None
        H = W_hh.shape[1]
        grads[f"weight_hh_l{k}"] += dW_aug[:, :H]  # (G, H)
        grads[f"weight_ih_l{k}"] += dW_aug[:, H:-1]  # (G, F)
        grads[f"bias_ih_l{k}"] += dW_aug[:, -1]  # (G,)
        grads[f"bias_hh_l{k}"] += dW_aug[:, -1]  # (G,)
    return grads


def backward(
    params: dict[str, np.ndarray], record: Record, dprediction: np.ndarray
) -> dict[str, np.ndarray]:
    """Gradients of the loss w.r.t. every parameter, given dLoss/dprediction (B, O)."""
    return _backward(params, [_workspace_from_record(r) for r in record.layers], dprediction)


def loss_and_gradients(
    params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None
) -> tuple[float, dict[str, np.ndarray]]:
    """Mean squared error of forward(x) against y (B, O), and its gradient for every param.

    The mean is over all B*O elements. `weights` (O,) optionally weights the outputs (their
    mean should be 1), e.g. to make the target column count more than extra features.
    """
    B, T = np.shape(x)[:2]
    spaces = _reused_workspaces(params, B, T, for_backward=True)  # the record stays in here
    prediction, _, spaces = _forward(params, x, None, spaces, for_backward=True)
    y = np.asarray(y, dtype=prediction.dtype).reshape(prediction.shape)  # (B, O)
    err = prediction - y  # (B, O)
    if weights is not None:
        w = np.asarray(weights, dtype=prediction.dtype)  # (O,)
        loss = float(np.mean(w * err * err))
        dprediction = (2.0 / err.size) * w * err  # (B, O)
    else:
        loss = float(np.mean(err * err))
        dprediction = (2.0 / err.size) * err  # (B, O)
    return loss, _backward(params, spaces, dprediction)
