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
    ar.weight      (O, P)        optional: a linear autoregressive skip beside the LSTM

With `ar.weight` (LSTNet's "highway", Lai et al. 2018) the output adds a linear part on the
last P values of input column 0 (the scaled target), so the LSTM models what a linear AR
cannot, and a short series can fall back on the linear part:

    y   = W_head h_T + b_head + W_ar x_{T-P..T-1, 0}   dW_ar = dy x_{T-P..T-1, 0}^T

Backward (BPTT), each gate's derivative in one line, from dh_t = dLoss/dh_t (the head or
the layer above, plus W_hh^T dz_{t+1}) and dc_t (= f_{t+1} dc_{t+1} from the step after):

    dc_t  += dh_t * o_t * (1 - tanh(c_t)^2)           through h_t = o_t tanh(c_t)
    dz_o   = dh_t * tanh(c_t) * o_t (1 - o_t)         output gate
    dz_f   = dc_t * c_{t-1}   * f_t (1 - f_t)         forget gate
    dz_i   = dc_t * g_t       * i_t (1 - i_t)         input gate
    dz_g   = dc_t * i_t       * (1 - g_t^2)           candidate
    dc_{t-1} = dc_t * f_t;  dh_{t-1} = W_hh^T dz_t;  dx_t = W_ih^T dz_t
    dW_ih += dz_t x_t^T;  dW_hh += dz_t h_{t-1}^T;  db_ih = db_hh += dz_t

The same LSTM written plainly, one line per equation (forward and a backward that mirrors
it line by line), is `tests/reference_lstm.py`; `tests/test_engine.py` holds this engine
equal to it to 1e-12. The arithmetic here runs in `lstmcli._kernel`, whose docstring lists
its speed tricks (one matmul and a few whole-block NumPy calls per step, reused buffers).
The dtype of the parameters (float32 or float64) is the dtype of all the arithmetic. The
record shows the kernel's memory as time-major (T, B, .) views.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lstmcli import _kernel

# Column blocks of the four gates inside the G = 4H rows, in PyTorch's order.
GATES = ("input", "forget", "candidate", "output")
INPUT_GATE, FORGET_GATE, CANDIDATE, OUTPUT_GATE = 0, 1, 2, 3  # block k is rows k*H:(k+1)*H
I, F_, G_, O_ = INPUT_GATE, FORGET_GATE, CANDIDATE, OUTPUT_GATE  # older short names
assert GATES == _kernel.GATE_ORDER and CANDIDATE == _kernel.CANDIDATE_ROWS


def gate_rows(gate: int | str, hidden: int) -> slice:
    """The rows of one gate's block in a (4H, .) weight, bias or pre-activation (by index or name)."""
    k = GATES.index(gate) if isinstance(gate, str) else gate
    return slice(k * hidden, (k + 1) * hidden)


State = list[tuple[np.ndarray, np.ndarray]]  # per layer: (h, c), each (B, H)


# ---------------------------------------------------------------------------------------
# activations


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function, computed as (1 + tanh(x/2)) / 2: exact, and never overflows."""
    return 0.5 + 0.5 * np.tanh(0.5 * x)


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
        params[f"bias_ih_l{layer}"][gate_rows(FORGET_GATE, H)] = forget_bias
        params[f"bias_hh_l{layer}"][gate_rows(FORGET_GATE, H)] = 0.0
    params["head.weight"] = rng.uniform(-k, k, (outputs, H))
    params["head.bias"] = np.zeros(outputs)
    return {name: np.ascontiguousarray(p, dtype=dtype) for name, p in params.items()}


AR_WEIGHT = "ar.weight"  # (O, P): the optional linear autoregressive skip (LSTNet's "highway")


def ar_lags(x: np.ndarray, lags: int) -> np.ndarray:
    """The inputs the autoregressive skip reads: column 0 (the scaled target) of the last `lags` steps, (B, P)."""
    return x[:, x.shape[1] - lags :, 0]  # (B, P), oldest first


def with_ar(params: dict[str, np.ndarray], lags: int) -> dict[str, np.ndarray]:
    """`params` plus a zero autoregressive skip over `lags` steps (none when 0); draws nothing from any generator.

    Zero-initialised, so a new model starts as the plain LSTM and learns the linear part beside it.
    """
    if lags <= 0:
        return params
    O = params["head.weight"].shape[0]
    return {**params, AR_WEIGHT: np.zeros((O, lags), dtype=params["head.weight"].dtype)}


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
    prediction: np.ndarray  # (B, O): the head's output plus the linear part (when the model has one)
    state: State = field(default_factory=list)  # per layer (h_T, c_T), each (B, H)
    linear: np.ndarray | None = None  # (B, O) W_ar x_lags, the autoregressive skip's share; None without one


def _forward(
    params: dict[str, np.ndarray],
    x: np.ndarray,
    state: State | None,
    spaces: list[_kernel.Workspace] | None,
    for_backward: bool,
    weights: list[np.ndarray] | None = None,
) -> tuple[np.ndarray, Record | None, list[_kernel.Workspace]]:
    """forward() inside the given workspaces (one per layer), or inside fresh ones with a record.

    `weights`: each layer's `_augmented` weights when the caller made them already (`loss_and_gradients` makes them
    once for its forward and backward passes)."""
    dtype = params["weight_hh_l0"].dtype
    x = np.asarray(x, dtype=dtype)
    assert x.ndim == 3, f"x must be (batch, time, features), got shape {x.shape}"
    B, T, F = x.shape
    n_layers = layer_count(params)
    assert params["weight_ih_l0"].shape[1] == F, f"x has {F} features, model expects {params['weight_ih_l0'].shape[1]}"
    assert T >= 1, f"x has no time steps: shape {x.shape}"

    inputs = x.transpose(1, 2, 0)  # (T, F, B): feature-major (copied into the layer's buffer)
    used: list[_kernel.Workspace] = []
    for k in range(n_layers):
        W_ih, W_hh = params[f"weight_ih_l{k}"], params[f"weight_hh_l{k}"]
        H = W_hh.shape[1]
        if state is None:  # the seed: "both memories are initialised to 0"
            h0 = c0 = 0.0
        else:
            h0, c0 = (np.asarray(v, dtype).T for v in state[k])  # (H, B) each
        W_aug = weights[k] if weights is not None else _augmented(params, k)  # (G, K)
        ws = spaces[k] if spaces else _kernel.Workspace(T, B, H, W_ih.shape[1], dtype, for_backward, record=True)
        _kernel.layer_forward(W_aug, inputs, h0, c0, ws)
        used.append(ws)
        inputs = ws.aug[1:, :H]  # (T, H, B): this layer's short-term memories feed the next

    h_last = used[-1].aug[T, :H].T  # (B, H)
    prediction = h_last @ params["head.weight"].T + params["head.bias"]  # (B, O)
    linear = None
    if AR_WEIGHT in params:  # the linear autoregressive skip beside the LSTM
        linear = ar_lags(x, params[AR_WEIGHT].shape[1]) @ params[AR_WEIGHT].T  # (B, P) @ (P, O) = (B, O)
        prediction = prediction + linear  # (B, O)
    if spaces:
        return prediction, None, used
    layers = [LayerRecord(**_kernel.record_views(ws)) for ws in used]
    final = [(r.hidden[-1].copy(), r.cell[-1].copy()) for r in layers]
    return prediction, Record(layers, prediction, final, linear), used


def forward(params: dict[str, np.ndarray], x: np.ndarray, state: State | None = None) -> tuple[np.ndarray, Record]:
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
    spaces = _kernel.reused_workspaces(params, B, T, for_backward=False)
    return _forward(params, x, state, spaces, for_backward=False)[0]


def _augmented(params: dict[str, np.ndarray], k: int) -> np.ndarray:
    """Layer k's [W_hh | W_ih | b_ih + b_hh], (G, K): what its step's one matmul multiplies."""
    bias = params[f"bias_ih_l{k}"] + params[f"bias_hh_l{k}"]  # (G,)
    return _kernel.augmented_weights(params[f"weight_ih_l{k}"], params[f"weight_hh_l{k}"], bias)


def _backward(
    params: dict[str, np.ndarray],
    spaces: list[_kernel.Workspace],
    dprediction: np.ndarray,
    weights: list[np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """backward() from the workspaces the forward pass filled (`weights`: as `_forward`'s)."""
    grads = {name: np.zeros_like(p) for name, p in params.items()}
    T = spaces[-1].shape[0]
    h_last = spaces[-1].aug[T, : params["head.weight"].shape[1]].T  # (B, H)
    grads["head.weight"] += dprediction.T @ h_last  # (O, H)
    grads["head.bias"] += dprediction.sum(axis=0)  # (O,)
    if AR_WEIGHT in params:  # y += W_ar lags: dW_ar = dy^T lags, the lags being layer 0's own copy of x
        P, H0 = params[AR_WEIGHT].shape[1], params["weight_hh_l0"].shape[1]
        lags = spaces[0].aug[T - P : T, H0]  # (P, B): column 0 of x_{T-P} .. x_{T-1}
        grads[AR_WEIGHT] += dprediction.T @ lags.T  # (O, P)
    dh_last = (dprediction @ params["head.weight"]).T  # (H, B): only the last step feeds the head
    dh_out = None  # (H, T, B) from the layer above
    for k in reversed(range(len(spaces))):
        W_hh = params[f"weight_hh_l{k}"]
        W_aug = weights[k] if weights is not None else _augmented(params, k)  # (G, K)
        dW_aug, dh_out = _kernel.layer_backward(W_aug, spaces[k], dh_last, dh_out, need_dx=k > 0)
        dh_last = None
        H = W_hh.shape[1]
        grads[f"weight_hh_l{k}"] += dW_aug[:, :H]  # (G, H)
        grads[f"weight_ih_l{k}"] += dW_aug[:, H:-1]  # (G, F)
        grads[f"bias_ih_l{k}"] += dW_aug[:, -1]  # (G,)
        grads[f"bias_hh_l{k}"] += dW_aug[:, -1]  # (G,)
    return grads


def backward(params: dict[str, np.ndarray], record: Record, dprediction: np.ndarray) -> dict[str, np.ndarray]:
    """Gradients of the loss w.r.t. every parameter, given dLoss/dprediction (B, O)."""
    return _backward(params, [_kernel.workspace_from_record(r) for r in record.layers], dprediction)


def loss_and_gradients(
    params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None
) -> tuple[float, dict[str, np.ndarray]]:
    """Mean squared error of forward(x) against y (B, O), and its gradient for every param.

    The mean is over all B*O elements. `weights` (O,) optionally weights the outputs (their
    mean should be 1), e.g. to make the target column count more than extra features.
    """
    B, T = np.shape(x)[:2]
    spaces = _kernel.reused_workspaces(params, B, T, for_backward=True)  # the record stays in here
    augmented = [_augmented(params, k) for k in range(layer_count(params))]  # the same for both passes: made once
    prediction, _, spaces = _forward(params, x, None, spaces, for_backward=True, weights=augmented)
    y = np.asarray(y, dtype=prediction.dtype).reshape(prediction.shape)  # (B, O)
    err = prediction - y  # (B, O)
    if weights is not None:
        w = np.asarray(weights, dtype=prediction.dtype)  # (O,)
        loss = float(np.mean(w * err * err))
        dprediction = (2.0 / err.size) * w * err  # (B, O)
    else:
        loss = float(np.mean(err * err))
        dprediction = (2.0 / err.size) * err  # (B, O)
    return loss, _backward(params, spaces, dprediction, augmented)
