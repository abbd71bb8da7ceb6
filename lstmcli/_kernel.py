"""The engine's fast path (private): buffers, their reuse, and the fused step loops.

`lstmcli.engine` states the equations, owns the parameters and the record, and calls in
here; `tests/reference_lstm.py` is the same LSTM written plainly, and a test holds this
kernel equal to it to 1e-12. Everything below is the same arithmetic, arranged for speed.
At B=64, H=32..128 the number of NumPy calls per step matters as much as the FLOPs, so:

- the loops run feature-major, batch last: each gate is a contiguous (H, B) block;
- x_t and the bias ride in the recurrent matmul ([h_{t-1}; x_t; 1], one matmul per step);
- one tanh serves all four gates (sigmoid(z) = 0.5 + 0.5 tanh(z/2)), with the gate scale
  and offset as full (G, B) arrays rather than broadcast (G, 1) columns;
- the products backward needs are formed in forward while the step is in cache;
- the weight gradients of all steps are one matmul after the backward loop;
- every buffer and per-step view exists before the loop, and training reuses them
  across batches (`reused_workspaces`).

`benchmarks/bench_engine_ab.py` measures each against a plain version (table in
`benchmarks/README.md`); a trick that saved under ~5% of a training batch was removed.

Rows of a step's gate block are in the engine's order i, f, g, o (`GATE_ORDER`); backward
multiplies the blocks i, f, g by dc_t in one call and relies on it.
"""

from __future__ import annotations

import threading

import numpy as np

GATE_ORDER = ("input", "forget", "candidate", "output")  # must equal engine.GATES
CANDIDATE_ROWS = 2  # the one tanh-activated block


def gate_affine(hidden: int, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """Per-column scale s and offset m so that all four gates are `m * tanh(s * z) + m'`.

    sigmoid(z) = 0.5 + 0.5 tanh(z/2): the sigmoid gates use s = 0.5, scale 0.5, offset 0.5;
    the candidate uses s = 1, scale 1, offset 0. One tanh call then serves all gates.
    """
    s = np.full(4 * hidden, 0.5, dtype=dtype)  # (G,)
    s[CANDIDATE_ROWS * hidden : (CANDIDATE_ROWS + 1) * hidden] = 1.0
    offset = np.full(4 * hidden, 0.5, dtype=dtype)  # (G,)
    offset[CANDIDATE_ROWS * hidden : (CANDIDATE_ROWS + 1) * hidden] = 0.0
    return s, offset  # the scale after tanh equals s: 0.5 for sigmoid gates, 1 for tanh


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


class Workspace:
    """Every buffer of one layer's forward and backward pass, and the per-step views of them.

    Building the views once (a slice is a new Python object) and, in training, reusing the
    whole workspace across batches (fresh multi-MB arrays are page-faulted in on first
    touch, which doubled the time per batch) keeps the loops down to the arithmetic.
    """

    def __init__(self, T: int, B: int, H: int, F: int, dtype: np.dtype, for_backward: bool, record: bool) -> None:
        G, K = 4 * H, H + F + 1
        self.shape = (T, B, H, F)
        s, offset = gate_affine(H, dtype)
        # (G, B) copies: same-shape operands run 1.5-2x faster than a broadcast (G, 1) column
        self.gate_scale = np.repeat(s[:, None], B, axis=1)  # (G, B)
        self.gate_offset = np.repeat(offset[:, None], B, axis=1)  # (G, B)
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
        self.written = np.empty((H, B), dtype)  # (H, B) scratch for i_t g_t
        gc = self.gc
        self.hidden = [self.aug[t + 1, :H] for t in range(T)]  # (H, B) each: h_t
        self.gates = [gc[slot(t), :G] for t in range(T)]  # (G, B) each: i, f, g, o stacked
        self.gate_blocks = [gc[slot(t), :G].reshape(4, H, B) for t in range(T)]  # (4, H, B) each
        self.forget_gate = [gc[slot(t), H : 2 * H] for t in range(T)]  # (H, B) each
        self.cell_prev = [gc[slot(t), 4 * H :] for t in range(T)]  # (H, B) each: c_{t-1}
        self.cell = [gc[slot(t + 1), 4 * H :] for t in range(T)]  # (H, B) each: c_t
        self.tanh_cell_t = [self.tanh_cell[slot(t) if record else 0] for t in range(T)]  # (H, B) each: tanh(c_t)
        self.for_backward = for_backward
        self.f_kept = None if record or not for_backward else np.empty((T, H, B), dtype)  # (T, H, B)
        if for_backward:
            # how dz_t depends on dc_t (rows i, f, g) and on dh_t (rows o), without the s^2
            self.dgate = np.empty((T, G, B), dtype)  # (T, G, B)
            self.dc_per_dh = np.empty((T, H, B), dtype)  # (T, H, B) o_t (1 - tanh(c_t)^2)
            self.tanh_sz = [self.dgate[t] for t in range(T)]  # (G, B) each: tanh(s z) lands here first
            self.dz = np.empty((T, G, B), dtype)  # (T, G, B) dLoss/dz_t / s^2
            self.dz2 = np.empty((G, T, B), dtype)  # (G, T, B) the same, for one big matmul
            self.aug2 = np.empty((K, T, B), dtype)  # (K, T, B)
            self.dh = np.empty((H, B), dtype)  # (H, B)
            self.dc = np.empty((H, B), dtype)  # (H, B)
            self.tmp = np.empty((H, B), dtype)  # (H, B)
            self.slope_blocks = [self.dgate[t].reshape(4, H, B) for t in range(T)]  # (4, H, B) each
            self.dz_per_dc = [self.dgate[t, : 3 * H].reshape(3, H, B) for t in range(T)]  # (3, H, B) each
            self.dz_per_dh = [self.dgate[t, 3 * H :] for t in range(T)]  # (H, B) each
            self.dz_ifg = [self.dz[t, : 3 * H].reshape(3, H, B) for t in range(T)]  # (3, H, B) each
            self.dz_o = [self.dz[t, 3 * H :] for t in range(T)]  # (H, B) each
            self.slope_views = [tuple(blocks) for blocks in self.slope_blocks]  # (H, B) x 4 per step, made once
            # every view one backward step reads or writes, made once (dc_t per dh_t, dz_{i,f,g} per dc_t, dz_o per
            # dh_t, their dz_t outputs, dz_t, f_t: the copy kept without a record, else the gate's own slot)
            forget = self.forget_gate if self.f_kept is None else list(self.f_kept)
            per_step = (list(self.dc_per_dh), self.dz_per_dc, self.dz_ifg, self.dz_per_dh, self.dz_o, list(self.dz))
            self.back_steps = list(zip(*per_step, forget, strict=True))
        else:
            self.tanh_sz = [np.empty((G, B), dtype)] * T  # (G, B) scratch, shared by all steps
        # every view one forward step reads or writes, made once here rather than unpacked at every step:
        # (tanh(s z_t) scratch, gates, i_t, f_t, g_t, o_t, c_{t-1}, c_t, tanh(c_t), h_t, [h_{t-1}; x_t; 1])
        self.steps = [
            (self.tanh_sz[t], self.gates[t], *self.gate_blocks[t], *self._cell_views(t), self.hidden[t], self.aug[t])
            for t in range(T)
        ]

    def _cell_views(self, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(c_{t-1}, c_t, tanh(c_t)) of step t, (H, B) each."""
        return self.cell_prev[t], self.cell[t], self.tanh_cell_t[t]


_cache = threading.local()  # per thread: the workspaces of the last few shapes
_CACHE_BYTES = 64 << 20  # larger workspaces are allocated per call rather than kept


def reused_workspaces(params: dict[str, np.ndarray], B: int, T: int, for_backward: bool) -> list[Workspace] | None:
    """Workspaces kept across calls, for callers whose record never leaves the engine.

    None when they would be too large to keep (the caller then allocates its own).
    """
    dtype = params["weight_hh_l0"].dtype
    dims_ = [
        (params[f"weight_hh_l{k}"].shape[1], params[f"weight_ih_l{k}"].shape[1])
        for k in range(sum(name.startswith("weight_hh_l") for name in params))
    ]
    rows = sum((T + 1) * (H + F + 1) + 20 * H + (T * (15 * H + F + 1) if for_backward else 0) for H, F in dims_)
    if rows * B * dtype.itemsize > _CACHE_BYTES:
        return None
    key = (B, T, dtype, tuple(dims_), for_backward)
    spaces: dict = getattr(_cache, "spaces", None) or {}
    _cache.spaces = spaces
    if key not in spaces:
        if len(spaces) >= 4:  # e.g. full batches and the short last batch of an epoch
            spaces.pop(next(iter(spaces)))
        spaces[key] = [Workspace(T, B, H, F, dtype, for_backward, record=False) for H, F in dims_]
    return spaces[key]


def augmented_weights(W_ih: np.ndarray, W_hh: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """[W_hh | W_ih | b], (G, K): multiplies the column [h_{t-1}; x_t; 1]."""
    return np.concatenate([W_hh, W_ih, bias[:, None]], axis=1)  # (G, K)


def layer_forward(W_aug: np.ndarray, x: np.ndarray, h0: np.ndarray, c0: np.ndarray, ws: Workspace) -> None:
    """Run one layer over all steps of x (T, F, B), from (h0, c0), each (H, B), inside `ws`.

    If `ws.for_backward`, also keeps the two products backward needs (`dgate`, `dc_per_dh`),
    computed here while the step's numbers are still in cache.
    """
    T, _, H, F = ws.shape
    gate_scale, gate_offset, pre, written = ws.gate_scale, ws.gate_offset, ws.pre, ws.written
    # without a record nobody reads z_t: scale the rows once (x0.5 is exact) and go straight to s z_t
    W_s = None if ws.record else W_aug * gate_scale[:, :1]  # (G, K)
    ws.aug[:T, H : H + F] = x  # (T, F, B)
    ws.aug[0, :H] = h0
    ws.gc[0, 4 * H :] = c0

    # The loop below makes the same NumPy calls on the same arrays in the same order as the equations say; only
    # Python's bookkeeping is kept out of it (views made once in the workspace, functions bound to locals), so the
    # numbers are the same bits (tests/test_round14_speed.py).
    matmul, multiply, subtract, tanh, add = np.matmul, np.multiply, np.subtract, np.tanh, np.add
    for_backward = ws.for_backward
    f_kept, dc_per_dh = (ws.f_kept, ws.dc_per_dh) if for_backward else (None, None)
    for t, step in enumerate(ws.steps):
        tanh_sz, gates, input_gate, forget_gate, candidate, output_gate = step[:6]  # (G, B) x 2, (H, B) x 4
        cell_prev, cell, tanh_cell, hidden, aug_t = step[6:]  # (H, B) x 4, (K, B)
        if W_s is None:
            matmul(W_aug, aug_t, out=pre[t])  # z_t = W_hh h_{t-1} + W_ih x_t + b: all four gates
            multiply(pre[t], gate_scale, out=tanh_sz)
        else:
            matmul(W_s, aug_t, out=tanh_sz)  # s z_t, the same numbers
        tanh(tanh_sz, out=tanh_sz)  # one tanh for all gates: sigmoid(z) = 0.5 + 0.5 tanh(z/2)
        multiply(tanh_sz, gate_scale, out=gates)
        add(gates, gate_offset, out=gates)  # the four gates, s tanh(s z) + offset
        multiply(forget_gate, cell_prev, out=cell)  # long-term memory: c_t = f_t * c_{t-1}
        multiply(input_gate, candidate, out=written)
        add(cell, written, out=cell)  #                                + i_t * g_t
        tanh(cell, out=tanh_cell)
        multiply(output_gate, tanh_cell, out=hidden)  # short-term memory: h_t = o_t * tanh(c_t)
        if for_backward:
            # Each gate's derivative (the engine's docstring), per unit of dc_t (gates i, f, g) or of
            # dh_t (gate o), formed while the step is in cache. d gate/dz = s^2 (1 - tanh(s z)^2);
            # the s^2 is folded into the weights in backward, so only 1 - tanh(s z)^2 is kept here.
            multiply(tanh_sz, tanh_sz, out=tanh_sz)
            subtract(1.0, tanh_sz, out=tanh_sz)  # 1 - tanh(s z)^2, rows i, f, g, o
            d_input, d_forget, d_candidate, d_output = ws.slope_views[t]  # (H, B) each, in place
            multiply(d_input, candidate, out=d_input)  # dz_i = dc_t * g_t * i_t (1 - i_t)
            multiply(d_forget, cell_prev, out=d_forget)  # dz_f = dc_t * c_{t-1} * f_t (1 - f_t)
            multiply(d_candidate, input_gate, out=d_candidate)  # dz_g = dc_t * i_t * (1 - g_t^2)
            multiply(d_output, tanh_cell, out=d_output)  # dz_o = dh_t * tanh(c_t) * o_t (1 - o_t)
            dc_dh = dc_per_dh[t]
            multiply(hidden, tanh_cell, out=dc_dh)
            # dc_t per unit of dh_t: o_t (1 - tanh(c_t)^2) = o_t - h_t tanh(c_t)
            subtract(output_gate, dc_dh, out=dc_dh)
            if f_kept is not None:
                np.copyto(f_kept[t], forget_gate)  # the gate's slot is reused two steps on


def record_views(ws: Workspace) -> dict[str, np.ndarray]:
    """The fields of a layer's record: time-major (T, B, .) views of its workspace."""
    T, _, H, F = ws.shape
    T_B = (0, 2, 1)  # (T, ., B) -> (T, B, .)
    return dict(
        inputs=ws.aug[:T, H : H + F].transpose(T_B),  # (T, B, F): our own copy of x
        pre=ws.pre.transpose(T_B),  # (T, B, G)
        gates=ws.gc[:T, : 4 * H].transpose(T_B),  # (T, B, G)
        cell=ws.gc[:, 4 * H :].transpose(T_B),  # (T+1, B, H)
        hidden=ws.aug[:, :H].transpose(T_B),  # (T+1, B, H)
        tanh_cell=ws.tanh_cell.transpose(T_B),  # (T, B, H)
    )


# ---------------------------------------------------------------------------------------
# backward


def workspace_from_record(rec) -> Workspace:
    """A backward-ready workspace rebuilt from a record alone (for `backward`)."""
    T, B, G = rec.gates.shape
    H, F = G // 4, rec.inputs.shape[-1]
    ws = Workspace(T, B, H, F, rec.gates.dtype, for_backward=True, record=True)
    fm = (0, 2, 1)  # (T, B, .) -> (T, ., B)
    ws.aug[:, :H] = rec.hidden.transpose(fm)
    ws.aug[:T, H : H + F] = rec.inputs.transpose(fm)
    ws.gc[:T, :G] = rec.gates.transpose(fm)
    ws.gc[:, 4 * H :] = rec.cell.transpose(fm)
    ws.tanh_cell[...] = rec.tanh_cell.transpose(fm)
    a = ws.gc[:T, :G]  # (T, G, B)
    tanh_sz = (a - ws.gate_offset) / ws.gate_scale  # (T, G, B): tanh(s z)
    ws.dgate[...] = 1.0 - tanh_sz * tanh_sz
    ws.dgate[:, :H] *= a[:, 2 * H : 3 * H]  # g_t
    ws.dgate[:, H : 2 * H] *= ws.gc[:T, 4 * H :]  # c_{t-1}
    ws.dgate[:, 2 * H : 3 * H] *= a[:, :H]  # i_t
    ws.dgate[:, 3 * H :] *= ws.tanh_cell  # tanh(c_t)
    ws.dc_per_dh[...] = a[:, 3 * H :] * (1.0 - ws.tanh_cell**2)
    return ws


def layer_backward(
    W_aug: np.ndarray,
    ws: Workspace,
    dh_last: np.ndarray | None,
    dh_out: np.ndarray | None,
    need_dx: bool,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Backpropagate through one layer; mirrors `layer_forward` step by step, in reverse.

    dLoss/dh_t from above is either `dh_last` (H, B), the last step only (the head), or
    `dh_out` (H, T, B), every step (the layer above). Returns the gradient of W_aug (G, K)
    and, if `need_dx`, dLoss/dx (F, T, B) for the layer below.
    """
    T, B, H, _ = ws.shape
    G, K = W_aug.shape
    s2 = ws.gate_scale[:, :1] ** 2  # (G, 1): da/dz = s^2 (1 - tanh_sz^2); dgate holds only (1 - tanh_sz^2) ...
    W_s2 = W_aug * s2  # (G, K) ... so fold s^2 into the weights: W^T (s^2 dz') = (s^2 W)^T dz'
    W_hhT = W_s2[:, :H].T  # (H, G)
    dz, dh, dc, tmp = ws.dz, ws.dh, ws.dc, ws.tmp  # dz: (T, G, B); the rest (H, B)
    dh[...] = 0.0 if dh_last is None else dh_last  # dLoss/dh_t, carried back through W_hh
    dc[...] = 0.0  # dLoss/dc_t, carried back through f

    # the same calls on the same arrays as the equations, the per-step views made once in the workspace
    matmul, multiply, add = np.matmul, np.multiply, np.add
    for t in reversed(range(T)):
        dc_per_dh, dz_per_dc, dz_ifg, dz_per_dh, dz_o, dz_t, forget_gate = ws.back_steps[t]
        if dh_out is not None:
            add(dh, dh_out[:, t], out=dh)  # h_t feeds the layer above and step t+1
        multiply(dh, dc_per_dh, out=tmp)  # h_t = o_t tanh(c_t)  ->  dc_t
        add(dc, tmp, out=dc)
        multiply(dz_per_dc, dc, out=dz_ifg)  # c_t = f c_{t-1} + i g  ->  dz_i, dz_f, dz_g
        multiply(dz_per_dh, dh, out=dz_o)  # h_t = o_t tanh(c_t)  ->  dz_o
        matmul(W_hhT, dz_t, out=dh)  # dh_{t-1} = W_hh^T dz_t
        multiply(dc, forget_gate, out=dc)  # dc_{t-1} = dc_t * f_t

    # one matmul sums over steps and batch: (t, b) must be one axis, so transpose-copy once
    np.copyto(ws.dz2, dz.transpose(1, 0, 2))  # (G, T, B)
    np.copyto(ws.aug2, ws.aug[:T].transpose(1, 0, 2))  # (K, T, B)
    dW_aug = ws.dz2.reshape(G, T * B) @ ws.aug2.reshape(K, T * B).T  # (G, K)
    dW_aug *= s2
    if not need_dx:
        return dW_aug, None
    dx = W_s2[:, H:-1].T @ ws.dz2.reshape(G, T * B)  # (F, T*B): dx_t = W_ih^T dz_t, all steps at once
    return dW_aug, dx.reshape(-1, T, B)  # (F, T, B)
