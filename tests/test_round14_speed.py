"""Round 14 (branch r14speed): the engine's loops with Python's bookkeeping kept out, the same bits.

`_kernel.layer_forward` / `layer_backward` read each step's views from lists the workspace made once
(`Workspace.steps`, `Workspace.back_steps`) instead of slicing and unpacking them at every step, and take the
record/backward choice once; `engine.loss_and_gradients` makes each layer's augmented weights once for both passes;
an epoch makes its window view once for all its batches (`training.gather(views=...)`). The NumPy calls, their
arrays and their order are unchanged, so every number is the same bit. These tests pin that against the loops as they
were (copied below from main d7cd590), buffer by buffer. On main the comparisons hold trivially (main is the
reference); the tests of the new pieces fail there: no `Workspace.steps` / `back_steps`, no `engine._augmented`, no
`gather(views=)`, no `Adam._g_views` (Adam's per-parameter views, made once, are pinned against main's step too).
No test here times anything (benchmarks/README.md has the timings).
"""

from __future__ import annotations

import numpy as np
import pytest

from lstmcli import _kernel, engine, training
from lstmcli.training import TrainConfig


def _main_layer_forward(W_aug, x, h0, c0, ws) -> None:
    """`_kernel.layer_forward` as on main d7cd590 (verbatim but for the `np.` calls' comments)."""
    T, _, H, F = ws.shape
    gate_scale, gate_offset, pre, written = ws.gate_scale, ws.gate_offset, ws.pre, ws.written
    W_s = None if ws.record else W_aug * gate_scale[:, :1]
    ws.aug[:T, H : H + F] = x
    ws.aug[0, :H] = h0
    ws.gc[0, 4 * H :] = c0
    for t in range(T):
        tanh_sz, gates = ws.tanh_sz[t], ws.gates[t]
        if W_s is None:
            np.matmul(W_aug, ws.aug[t], out=pre[t])
            np.multiply(pre[t], gate_scale, out=tanh_sz)
        else:
            np.matmul(W_s, ws.aug[t], out=tanh_sz)
        np.tanh(tanh_sz, out=tanh_sz)
        np.multiply(tanh_sz, gate_scale, out=gates)
        gates += gate_offset
        input_gate, forget_gate, candidate, output_gate = ws.gate_blocks[t]
        cell_prev, cell, tanh_cell, hidden = ws.cell_prev[t], ws.cell[t], ws.tanh_cell_t[t], ws.hidden[t]
        np.multiply(forget_gate, cell_prev, out=cell)
        np.multiply(input_gate, candidate, out=written)
        cell += written
        np.tanh(cell, out=tanh_cell)
        np.multiply(output_gate, tanh_cell, out=hidden)
        if ws.for_backward:
            np.multiply(tanh_sz, tanh_sz, out=tanh_sz)
            np.subtract(1.0, tanh_sz, out=tanh_sz)
            d_input, d_forget, d_candidate, d_output = ws.slope_blocks[t]
            d_input *= candidate
            d_forget *= cell_prev
            d_candidate *= input_gate
            d_output *= tanh_cell
            np.multiply(hidden, tanh_cell, out=ws.dc_per_dh[t])
            np.subtract(output_gate, ws.dc_per_dh[t], out=ws.dc_per_dh[t])
            if ws.f_kept is not None:
                np.copyto(ws.f_kept[t], forget_gate)


def _main_layer_backward(W_aug, ws, dh_last, dh_out, need_dx):
    """`_kernel.layer_backward` as on main d7cd590."""
    T, B, H, _ = ws.shape
    G, K = W_aug.shape
    s2 = ws.gate_scale[:, :1] ** 2
    W_s2 = W_aug * s2
    W_hhT = W_s2[:, :H].T
    dz, dh, dc, tmp, dc_per_dh = ws.dz, ws.dh, ws.dc, ws.tmp, ws.dc_per_dh
    forget_gate = ws.forget_gate if ws.f_kept is None else ws.f_kept
    dh[...] = 0.0 if dh_last is None else dh_last
    dc[...] = 0.0
    for t in reversed(range(T)):
        if dh_out is not None:
            dh += dh_out[:, t]
        np.multiply(dh, dc_per_dh[t], out=tmp)
        dc += tmp
        np.multiply(ws.dz_per_dc[t], dc, out=ws.dz_ifg[t])
        np.multiply(ws.dz_per_dh[t], dh, out=ws.dz_o[t])
        np.matmul(W_hhT, dz[t], out=dh)
        dc *= forget_gate[t]
    np.copyto(ws.dz2, dz.transpose(1, 0, 2))
    np.copyto(ws.aug2, ws.aug[:T].transpose(1, 0, 2))
    dW_aug = ws.dz2.reshape(G, T * B) @ ws.aug2.reshape(K, T * B).T
    dW_aug *= s2
    if not need_dx:
        return dW_aug, None
    dx = W_s2[:, H:-1].T @ ws.dz2.reshape(G, T * B)
    return dW_aug, dx.reshape(-1, T, B)


def _buffers(ws: _kernel.Workspace) -> dict[str, bytes]:
    """Every array a workspace owns, as bytes."""
    return {k: v.tobytes() for k, v in vars(ws).items() if isinstance(v, np.ndarray)}


def _bits(a) -> bytes:
    return b"" if a is None else np.ascontiguousarray(a).tobytes()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("B", [1, 3, 16, 64, 257])
@pytest.mark.parametrize(("for_backward", "record"), [(False, False), (True, False), (False, True), (True, True)])
def test_the_layer_loops_give_main_s_bits_in_every_buffer(dtype, B, for_backward, record):
    rng = np.random.default_rng(B)
    T, H, F = 9, 8, 3
    G, K = 4 * H, H + F + 1
    W_aug = rng.normal(0, 0.5, (G, K)).astype(dtype)
    x = rng.normal(size=(T, F, B)).astype(dtype)
    h0, c0 = (rng.normal(size=(H, B)).astype(dtype) for _ in range(2))
    spaces = [_kernel.Workspace(T, B, H, F, np.dtype(dtype), for_backward, record) for _ in range(2)]
    for name, buffer in vars(spaces[0]).items():  # the same start in both, unwritten scratch included
        if isinstance(buffer, np.ndarray):
            buffer[...] = rng.normal(size=buffer.shape)
            np.copyto(getattr(spaces[1], name), buffer)
    for ws in spaces:
        ws.aug[:, H + F] = 1.0  # the bias row, as the workspace made it
    _main_layer_forward(W_aug, x, h0, c0, spaces[0])
    _kernel.layer_forward(W_aug, x, h0, c0, spaces[1])
    assert _buffers(spaces[0]) == _buffers(spaces[1])
    if not for_backward:
        return
    dh_last = rng.normal(size=(H, B)).astype(dtype)
    dh_out = rng.normal(size=(H, T, B)).astype(dtype)
    for last, out, need_dx in [(dh_last, None, False), (None, dh_out, True), (dh_last, dh_out, True)]:
        old = _main_layer_backward(W_aug, spaces[0], last, out, need_dx)
        new = _kernel.layer_backward(W_aug, spaces[1], last, out, need_dx)
        assert [_bits(a) for a in old] == [_bits(a) for a in new]
        assert _buffers(spaces[0]) == _buffers(spaces[1])


def test_a_workspace_s_step_views_are_its_own_buffers():
    """The views made once are the ones the equations name: each aliases the buffer it stands for."""
    T, B, H, F = 5, 4, 3, 2
    for record in (False, True):
        ws = _kernel.Workspace(T, B, H, F, np.dtype(np.float32), for_backward=True, record=record)
        for t, step in enumerate(ws.steps):
            names = (ws.tanh_sz[t], ws.gates[t], *ws.gate_blocks[t], ws.cell_prev[t], ws.cell[t])
            names += (ws.tanh_cell_t[t], ws.hidden[t], ws.aug[t])
            assert len(step) == len(names) == 11
            for view, want in zip(step, names, strict=True):
                assert view.shape == want.shape and view.__array_interface__ == want.__array_interface__
            forget = ws.forget_gate[t] if ws.f_kept is None else ws.f_kept[t]
            wants = (ws.dc_per_dh[t], ws.dz_per_dc[t], ws.dz_ifg[t], ws.dz_per_dh[t], ws.dz_o[t], ws.dz[t], forget)
            for view, want in zip(ws.back_steps[t], wants, strict=True):
                assert view.__array_interface__ == want.__array_interface__
            for view, want in zip(ws.slope_views[t], ws.slope_blocks[t], strict=True):  # d_input .. d_output
                assert view.__array_interface__ == want.__array_interface__


def _main_loss_and_gradients(params, x, y, weights=None):
    """`engine.loss_and_gradients` as on main: the augmented weights made by each pass on its own."""
    B, T = np.shape(x)[:2]
    spaces = [
        _kernel.Workspace(T, B, params[f"weight_hh_l{k}"].shape[1], params[f"weight_ih_l{k}"].shape[1],
                          params["weight_hh_l0"].dtype, True, False)
        for k in range(engine.layer_count(params))
    ]  # fmt: skip
    prediction, _, spaces = engine._forward(params, x, None, spaces, for_backward=True)
    y = np.asarray(y, dtype=prediction.dtype).reshape(prediction.shape)
    err = prediction - y
    if weights is not None:
        w = np.asarray(weights, dtype=prediction.dtype)
        return float(np.mean(w * err * err)), engine._backward(params, spaces, (2.0 / err.size) * w * err)
    return float(np.mean(err * err)), engine._backward(params, spaces, (2.0 / err.size) * err)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layers", [1, 2])
def test_loss_and_gradients_with_the_weights_made_once_is_main_s(dtype, layers):
    rng = np.random.default_rng(layers)
    params = engine.with_ar(engine.init_params(3, 6, layers, 2, rng, dtype=dtype), 2)
    params[engine.AR_WEIGHT][...] = 0.25
    x, y = rng.normal(size=(11, 7, 3)), rng.normal(size=(11, 2))
    for weights in (None, np.array([1.5, 0.5])):
        loss, grads = engine.loss_and_gradients(params, x, y, weights)
        want_loss, want = _main_loss_and_gradients(params, x, y, weights)
        assert np.float64(loss).tobytes() == np.float64(want_loss).tobytes()
        assert {k: g.tobytes() for k, g in grads.items()} == {k: g.tobytes() for k, g in want.items()}


def test_gather_from_an_epoch_s_one_window_view_is_gather_s_own():
    rng = np.random.default_rng(0)
    series = rng.normal(size=(60, 3)).astype(np.float32)
    views = training.window_view(series, 8)
    rows = rng.permutation(np.arange(8, 55))[:20]
    for direct, level in [(False, False), (True, False), (False, True)]:
        a = training.gather(series, 8, rows, 4 if direct else 2, direct, level)
        b = training.gather(series, 8, rows, 4 if direct else 2, direct, level, views=views)
        assert [v.tobytes() for v in a] == [v.tobytes() for v in b]
    assert training.window_view(series, 8).tobytes() == views.tobytes()  # the level's edit was on gather's copy


def test_training_is_main_s_bit_for_bit(monkeypatch):
    """A whole `train` (shuffled batches, Adam, early stopping) with the new loops equals one with main's loops."""
    rng = np.random.default_rng(3)
    series = np.cumsum(rng.normal(size=(140, 2)), axis=0)
    config = TrainConfig(window=12, hidden=8, epochs=4, patience=2, seed=5, level_input=False)
    args = (series, np.arange(12, 110), np.arange(110, 140), config)
    new = training.train(*args)
    with monkeypatch.context() as m:
        m.setattr(_kernel, "layer_forward", _main_layer_forward)
        m.setattr(_kernel, "layer_backward", _main_layer_backward)
        m.setattr(engine, "loss_and_gradients", _main_loss_and_gradients)
        old = training.train(*args)
    assert [r.val_loss for r in new.history] == [r.val_loss for r in old.history]
    assert {k: v.tobytes() for k, v in new.params.items()} == {k: v.tobytes() for k, v in old.params.items()}


def test_loss_and_gradients_makes_each_layer_s_augmented_weights_once(monkeypatch):
    params = engine.init_params(2, 4, 2, 1, np.random.default_rng(0), dtype=np.float32)
    made = []
    real = engine._augmented
    monkeypatch.setattr(engine, "_augmented", lambda p, k: made.append(k) or real(p, k))
    engine.loss_and_gradients(params, np.ones((3, 5, 2)), np.zeros((3, 1)))
    assert made == [0, 1]  # main made them twice, in the forward and in the backward pass


def _main_adam_step(self, params, grads) -> None:
    """`optim.Adam.step` as on main d7cd590: the gradient copied in and the step taken out slice by slice."""
    if not self.m:
        self._init(params)
    self.t += 1
    lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.t) / (1.0 - self.beta1**self.t)
    eps_t = self.eps * np.sqrt(1.0 - self.beta2**self.t)
    g, m, v, tmp = self._g, self._m, self._v, self._tmp
    for k, sl in self._slices.items():
        g[sl] = grads[k].reshape(-1)
    m *= self.beta1
    np.multiply(g, 1.0 - self.beta1, out=tmp)
    m += tmp
    v *= self.beta2
    np.multiply(g, g, out=tmp)
    tmp *= 1.0 - self.beta2
    v += tmp
    np.sqrt(v, out=tmp)
    tmp += eps_t
    np.divide(m, tmp, out=tmp)
    tmp *= lr_t
    for k, sl in self._slices.items():
        params[k] -= tmp[sl].reshape(params[k].shape)


def test_adam_s_views_made_once_are_its_flat_vectors_and_step_as_main_s():
    from lstmcli import optim

    rng = np.random.default_rng(4)
    params = engine.with_ar(engine.init_params(2, 4, 2, 1, rng, dtype=np.float32), 2)
    want = {k: v.copy() for k, v in params.items()}
    new, old = optim.Adam(lr=0.01), optim.Adam(lr=0.01)
    for _ in range(5):
        grads = {k: rng.normal(size=p.shape).astype(np.float32) for k, p in params.items()}
        new.step(params, grads)
        _main_adam_step(old, want, grads)
    assert {k: p.tobytes() for k, p in params.items()} == {k: p.tobytes() for k, p in want.items()}
    for k, p in params.items():
        assert np.shares_memory(new._g_views[k], new._g) and new._g_views[k].shape == p.shape
        assert np.shares_memory(new._tmp_views[k], new._tmp) and new._tmp_views[k].shape == p.shape
