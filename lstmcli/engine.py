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
Speed notes: the input projection of all steps is one matmul before the time loop; each
step is one matmul for all four gates plus a handful of whole-array ufunc calls into
preallocated buffers (at these sizes the number of NumPy calls per step matters as much
as the FLOPs); the weight gradients of all steps are one matmul after the backward loop.
"""

from __future__ import annotations

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


def _layer_forward(
    W_ih: np.ndarray, W_hh: np.ndarray, bias: np.ndarray, x: np.ndarray,
    h0: np.ndarray, c0: np.ndarray,
) -> LayerRecord:
    """Run one layer over all steps of x (T, B, F), starting from (h0, c0), each (B, H)."""
    T, B, _ = x.shape
    G = W_hh.shape[0]
    H = G // 4
    dtype = W_hh.dtype
    s, offset = _gate_affine(H, dtype)  # (G,), (G,)

    # input projection of every step at once, biases folded in
    pre = np.matmul(x.reshape(T * B, -1), W_ih.T).reshape(T, B, G)  # (T, B, G)
    pre += bias
    gates = np.empty((T, B, G), dtype)  # (T, B, G)
    cell = np.empty((T + 1, B, H), dtype)  # (T+1, B, H)
    hidden = np.empty((T + 1, B, H), dtype)  # (T+1, B, H)
    tanh_cell = np.empty((T, B, H), dtype)  # (T, B, H)
    ig = np.empty((B, H), dtype)  # (B, H) scratch for i_t * g_t
    cell[0] = c0
    hidden[0] = h0
    W_hhT = np.ascontiguousarray(W_hh.T)  # (H, G)
    rec = np.empty((B, G), dtype)  # (B, G) scratch for W_hh h_{t-1}

    for t in range(T):
        z, a = pre[t], gates[t]  # (B, G) each
        np.matmul(hidden[t], W_hhT, out=rec)  # (B, G): all four gates in one product
        z += rec  # z_t = W_ih x_t + W_hh h_{t-1} + b
        np.multiply(z, s, out=a)  # sigmoid(z) = 0.5 + 0.5 tanh(z/2): one tanh for all gates
        np.tanh(a, out=a)
        a *= s
        a += offset
        i, f, g, o = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
        np.multiply(f, cell[t], out=cell[t + 1])  # c_t = f_t * c_{t-1} ...
        np.multiply(i, g, out=ig)
        cell[t + 1] += ig  # ... + i_t * g_t
        np.tanh(cell[t + 1], out=tanh_cell[t])
        np.multiply(o, tanh_cell[t], out=hidden[t + 1])  # h_t = o_t * tanh(c_t)

    return LayerRecord(x, pre, gates, cell, hidden, tanh_cell)


def forward(
    params: dict[str, np.ndarray], x: np.ndarray, state: State | None = None
) -> tuple[np.ndarray, Record]:
    """Predict from a batch of sequences x (B, T, F); return (prediction (B, O), record).

    `state` is the initial (h, c) of each layer, each (B, H); zeros when None (the seed:
    "both memories are initialised to 0"). The record's `.state` is the final (h, c) of
    each layer, so a forecast can continue from it.
    """
    dtype = params["weight_hh_l0"].dtype
    x = np.asarray(x, dtype=dtype)
    assert x.ndim == 3, f"x must be (batch, time, features), got shape {x.shape}"
    B, T, F = x.shape
    n_layers = layer_count(params)
    H = params["weight_hh_l0"].shape[1]
    assert params["weight_ih_l0"].shape[1] == F, f"x has {F} features, model expects {params['weight_ih_l0'].shape[1]}"
    assert T >= 1, f"x has no time steps: shape {x.shape}"
    if state is None:
        zeros = np.zeros((B, H), dtype)
        state = [(zeros, zeros)] * n_layers

    inputs = np.ascontiguousarray(x.transpose(1, 0, 2))  # (T, B, F): time-major
    layers: list[LayerRecord] = []
    for k in range(n_layers):
        h0, c0 = state[k]
        bias = params[f"bias_ih_l{k}"] + params[f"bias_hh_l{k}"]  # (G,)
        rec = _layer_forward(params[f"weight_ih_l{k}"], params[f"weight_hh_l{k}"], bias, inputs, h0, c0)
        layers.append(rec)
        inputs = rec.hidden[1:]  # (T, B, H): this layer's short-term memories feed the next

    h_last = layers[-1].hidden[-1]  # (B, H)
    prediction = h_last @ params["head.weight"].T + params["head.bias"]  # (B, O)
    final = [(r.hidden[-1].copy(), r.cell[-1].copy()) for r in layers]
    return prediction, Record(layers, prediction, final)


def predict(params: dict[str, np.ndarray], x: np.ndarray, state: State | None = None) -> np.ndarray:
    """Just the prediction (B, O) of `forward`."""
    return forward(params, x, state)[0]


# ---------------------------------------------------------------------------------------
# backward


def _layer_backward(
    W_ih: np.ndarray, W_hh: np.ndarray, rec: LayerRecord, dh_out: np.ndarray,
    grads: dict[str, np.ndarray], k: int, need_dx: bool,
) -> np.ndarray | None:
    """Backpropagate through one layer; dh_out (T, B, H) is dLoss/dh_t from above.

    Accumulates this layer's weight gradients into `grads` and returns dLoss/dx (T, B, F)
    for the layer below (None when not needed). Mirrors `_layer_forward` line by line.
    """
    T, B, G = rec.gates.shape
    H = G // 4
    dtype = W_hh.dtype
    s, offset = _gate_affine(H, dtype)
    a = rec.gates  # (T, B, G)

    # d gate / d z for all steps at once: sigmoid' = a (1 - a), tanh' = 1 - a^2.
    # With u = tanh(s z) = (a - offset) / s, both are s^2 (1 - u^2) ... scaled: da/dz = s * s * (1 - u^2).
    u = (a - offset) / s  # (T, B, G)
    dact = (1.0 - u * u) * (s * s)  # (T, B, G)
    # o_t (1 - tanh(c_t)^2): how dh_t reaches c_t, for all steps at once
    o_dtanh = a[..., 3 * H :] * (1.0 - rec.tanh_cell**2)  # (T, B, H)
    # the three factors dc_t multiplies for di, df, dg: g_t, c_{t-1}, i_t
    gcf = np.empty((T, B, 3, H), dtype)  # (T, B, 3, H)
    gcf[:, :, 0] = a[..., 2 * H : 3 * H]  # di = dc * g
    gcf[:, :, 1] = rec.cell[:-1]  # df = dc * c_{t-1}
    gcf[:, :, 2] = a[..., :H]  # dg = dc * i

    dz = np.empty((T, B, G), dtype)  # (T, B, G): dLoss/dz_t
    dh = np.zeros((B, H), dtype)  # (B, H): dLoss/dh_t carried back through W_hh
    dc = np.zeros((B, H), dtype)  # (B, H): dLoss/dc_t carried back through f
    tmp = np.empty((B, H), dtype)

    for t in reversed(range(T)):
        dh += dh_out[t]  # h_t feeds the layer above (or the head) and step t+1
        np.multiply(dh, o_dtanh[t], out=tmp)  # h_t = o_t tanh(c_t)  ->  dc_t
        dc += tmp
        dzt = dz[t]  # (B, G)
        np.multiply(gcf[t], dc[:, None, :], out=dzt[:, : 3 * H].reshape(B, 3, H))  # di, df, dg
        np.multiply(dh, rec.tanh_cell[t], out=dzt[:, 3 * H :])  # do = dh * tanh(c_t)
        dzt *= dact[t]  # through the activations: dz_t
        np.matmul(dzt, W_hh, out=dh)  # dh_{t-1} = W_hh^T dz_t
        dc *= a[t, :, H : 2 * H]  # dc_{t-1} = dc_t * f_t

    dz2 = dz.reshape(T * B, G)  # (T*B, G)
    grads[f"weight_ih_l{k}"] += dz2.T @ rec.inputs.reshape(T * B, -1)  # (G, F)
    grads[f"weight_hh_l{k}"] += dz2.T @ rec.hidden[:-1].reshape(T * B, H)  # (G, H)
    db = dz2.sum(axis=0)  # (G,)
    grads[f"bias_ih_l{k}"] += db
    grads[f"bias_hh_l{k}"] += db
    if not need_dx:
        return None
    return (dz2 @ W_ih).reshape(T, B, -1)  # (T, B, F)


def backward(
    params: dict[str, np.ndarray], record: Record, dprediction: np.ndarray
) -> dict[str, np.ndarray]:
    """Gradients of the loss w.r.t. every parameter, given dLoss/dprediction (B, O)."""
    grads = {name: np.zeros_like(p) for name, p in params.items()}
    top = record.layers[-1]
    h_last = top.hidden[-1]  # (B, H)
    grads["head.weight"] += dprediction.T @ h_last  # (O, H)
    grads["head.bias"] += dprediction.sum(axis=0)  # (O,)
    dh_out = np.zeros_like(top.hidden[1:])  # (T, B, H): only the last step feeds the head
    dh_out[-1] = dprediction @ params["head.weight"]  # (B, H)
    for k in reversed(range(len(record.layers))):
        dx = _layer_backward(
            params[f"weight_ih_l{k}"], params[f"weight_hh_l{k}"], record.layers[k],
            dh_out, grads, k, need_dx=k > 0,
        )
        dh_out = dx  # (T, B, H) into the layer below
    return grads


def loss_and_gradients(
    params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None
) -> tuple[float, dict[str, np.ndarray]]:
    """Mean squared error of forward(x) against y (B, O), and its gradient for every param.

    The mean is over all B*O elements. `weights` (O,) optionally weights the outputs (their
    mean should be 1), e.g. to make the target column count more than extra features.
    """
    prediction, record = forward(params, x)
    y = np.asarray(y, dtype=prediction.dtype).reshape(prediction.shape)  # (B, O)
    err = prediction - y  # (B, O)
    if weights is not None:
        w = np.asarray(weights, dtype=prediction.dtype)  # (O,)
        loss = float(np.mean(w * err * err))
        dprediction = (2.0 / err.size) * w * err  # (B, O)
    else:
        loss = float(np.mean(err * err))
        dprediction = (2.0 / err.size) * err  # (B, O)
    return loss, backward(params, record, dprediction)
