"""Forecasts of many series at once: a panel's recursive forecasts run as one batch over its series.

`Forecaster.predict` of one series runs the network over its window once per step (30 steps x 5
days, ~12 NumPy calls each): 1.8 ms a series, mostly the cost of the calls, not of the arithmetic.
Here the series whose networks have the same shape (dtype, layers, hidden units, inputs, window,
target) are stacked, each with its own weights, and the recursion of `forecast.recursive_forecast`
runs once for the stack: a panel of 500 series costs about the NumPy calls of one.

Every operation is the one the per-series path (`engine.predict` through `_kernel.layer_forward`)
runs, in the same order, on the same numbers, with the same memory layout per series: a stacked
matrix product is one BLAS call per series inside NumPy's matmul (the same call as one series'
(G, K) @ (K, 1)), and the element-wise steps do not depend on the batch. The forecasts are
therefore identical to `Forecaster.paths`, series by series (tests/test_panel_many.py checks
equality on every series of a panel, ensembles included).

Batched: recursive models without a season or the autoregressive skip, with or without the level input
(its column rebuilt after each step as `recursive_forecast` rebuilds it; ensembles too: each
member is a row of the batch, combined per series as `Forecaster.paths` combines them), forecast
from the end of their training data. Everything else (direct or seasonal models, --data) takes the
per-series path, unchanged. `predict` then runs each series' own `Forecaster.predict` (intervals,
dates, floors) with the paths computed here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lstmcli import _kernel
from lstmcli import ensemble as _ensemble
from lstmcli import levels as _levels
from lstmcli.engine import AR_WEIGHT, layer_count
from lstmcli.forecast import Forecast, Forecaster, model_input
from lstmcli.modelfile import HORIZON_STRATEGY
from lstmcli.transforms import next_price


def batchable(f: Forecaster) -> bool:
    """True for a model whose forecast this module batches: recursive, no season, no autoregressive skip (with
    or without the level input)."""
    batched = f.strategy == HORIZON_STRATEGY and f.season is None and AR_WEIGHT not in f.params
    return batched and not f.config.damped_growth  # a damped growth's prior path: the per-series path adds it


def _shape_key(f: Forecaster) -> tuple:
    """Models with the same key stack into one batch."""
    p = f.params
    layers = tuple(p[f"weight_ih_l{k}"].shape for k in range(layer_count(p)))
    return (p["weight_hh_l0"].dtype.str, layers, p["head.weight"].shape, f.config.window, f.target, f.level is None)


def predict(
    members: dict[str, Forecaster], ids: Sequence[str], days: int, interval: float | None, newer: dict | None = None
) -> dict[str, Forecast]:
    """`Forecaster.predict(days, interval=interval)` of each series in `ids`, the batchable ones' paths computed
    together (`paths`). `newer` {id: (values, dates)}: those series forecast after their newer rows, one by one."""
    newer = newer or {}
    batch = [sid for sid in ids if sid not in newer and batchable(members[sid])]
    hists = {}
    for sid in batch:
        f = members[sid]
        hists[sid] = f.info.tail.values[None, -(f.config.window + f.target.offset) :]  # (1, W + off, F): predict's
    with np.errstate(over="ignore", invalid="ignore"):  # as predict: a path that runs off is refused there
        done = dict(
            zip(batch, paths([members[sid] for sid in batch], [hists[sid] for sid in batch], days), strict=True)
        )
    return {
        sid: members[sid].predict(days, *newer.get(sid, (None, None)), interval=interval, path=done.get(sid))
        for sid in ids
    }


def paths(forecasters: Sequence[Forecaster], hists: Sequence[np.ndarray], days: int) -> list[np.ndarray]:
    """`f.paths(hist, days)` (1, days, F) of each batchable Forecaster and its history (1, W + offset, F),
    computed a stack of networks of one shape at a time: `recursive_forecast`'s recursion, row r of the
    stack being one series' network (one ensemble member)."""
    groups: dict[tuple, list[tuple[int, int]]] = {}  # shape key -> rows (forecaster index, member index)
    for i, f in enumerate(forecasters):
        for m in range(len(f.members or [f.params])):
            groups.setdefault(_shape_key(f), []).append((i, m))
    member_paths: list[list] = [[None] * len(f.members or [f.params]) for f in forecasters]
    for rows in groups.values():
        fs = [forecasters[i] for i, _ in rows]
        params = [(f.members or [f.params])[m] for f, (_, m) in zip(fs, rows, strict=True)]
        kind, dtype, level = fs[0].target, params[0]["weight_hh_l0"].dtype, fs[0].level is not None
        zs, xs = zip(
            *(
                model_input(f.info.scaler, kind, hists[i], dtype, level=f.level)
                for f, (i, _) in zip(fs, rows, strict=True)
            ),
            strict=True,
        )
        x = np.concatenate(xs)  # (S, W, F + E): E = 1 with the level input
        last = np.concatenate([hists[i][:, -1, :] for i, _ in rows]).astype(np.float64)  # (S, F)
        mean = np.stack([f.info.scaler.mean for f in fs])  # (S, F)
        std = np.stack([f.info.scaler.std for f in fs])  # (S, F)
        if level:  # as recursive_forecast: each window's levels, the column rebuilt after each step
            lev = np.concatenate([_levels.levels(z[:, :, 0], kind) for z in zs])  # (S, W)
            scale = np.array([f.level.scale for f in fs])[:, None]  # (S, 1): LevelInput.column, row by row
        stack = {name: np.stack([p[name] for p in params]) for name in params[0]}  # (S, ...) each
        out = np.empty((len(rows), days, last.shape[1]))  # (S, days, F)
        for d in range(days):
            step = _predict(stack, x).astype(np.float64)  # (S, F) scaled target values
            z = step * std + mean  # (S, F): Scaler.inverse, row by row
            price = next_price(last, z, kind)  # (S, F)
            out[:, d] = price
            last = price
            new = step[:, None, :]  # (S, 1, F)
            if level:
                lev = _levels.advanced(lev, z[:, 0], kind)
                new = np.concatenate([new, np.zeros((len(rows), 1, 1))], axis=-1)
            x = np.concatenate([x[:, 1:], new.astype(dtype)], axis=1)  # (S, W, F + E)
            if level:
                x[:, :, -1] = _levels.relative(lev) / scale
        for r, (i, m) in enumerate(rows):
            member_paths[i][m] = out[r : r + 1]  # (1, days, F)
    return [_ensemble.combine(mp, f.combine) for mp, f in zip(member_paths, forecasters, strict=True)]


def _predict(stack: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """`engine.predict` of S networks of one shape (their arrays stacked, (S, ...) each), network s on history
    x[s] (S, T, F): (S, O)."""
    dtype = stack["weight_hh_l0"].dtype
    inputs = np.asarray(x, dtype=dtype).transpose(1, 0, 2)[..., None]  # (T, S, F, 1): feature-major, batch of 1
    for k in range(layer_count(stack)):
        W_ih, W_hh = stack[f"weight_ih_l{k}"], stack[f"weight_hh_l{k}"]  # (S, G, F), (S, G, H)
        bias = stack[f"bias_ih_l{k}"] + stack[f"bias_hh_l{k}"]  # (S, G)
        W_aug = np.concatenate([W_hh, W_ih, bias[:, :, None]], axis=2)  # (S, G, K): _kernel.augmented_weights
        inputs = _layer(W_aug, inputs, W_hh.shape[2])  # (T, S, H, 1)
    h_last = inputs[-1].transpose(0, 2, 1)  # (S, 1, H)
    head = h_last @ stack["head.weight"].transpose(0, 2, 1) + stack["head.bias"][:, None, :]  # (S, 1, O)
    return head[:, 0]  # (S, O)


def _layer(W_aug: np.ndarray, x: np.ndarray, H: int) -> np.ndarray:
    """`_kernel.layer_forward` (without a record, from zero memories) of S networks at once: W_aug (S, G, K),
    x (T, S, F, 1); returns the hidden states (T, S, H, 1). The same operations in the same order, each
    series' blocks laid out as one series' (G, 1) blocks are."""
    T, S, F, _ = x.shape
    dtype = W_aug.dtype
    s, offset = _kernel.gate_affine(H, dtype)
    gate_scale, gate_offset = s[:, None], offset[:, None]  # (G, 1) each
    W_s = W_aug * gate_scale  # (S, G, K): s z_t in one matmul, as the kernel without a record
    aug = np.empty((T + 1, S, H + F + 1, 1), dtype)  # (T+1, S, K, 1) rows [h_{t-1}; x_t; 1]
    aug[T, :, H:] = 0.0
    aug[:, :, H + F] = 1.0  # the bias row
    aug[:T, :, H : H + F] = x
    aug[0, :, :H] = 0.0  # the seed: both memories start at 0
    cell_prev = np.zeros((S, H, 1), dtype)  # (S, H, 1)
    cell = np.empty_like(cell_prev)
    tanh_sz = np.empty((S, 4 * H, 1), dtype)  # (S, G, 1)
    gates = np.empty_like(tanh_sz)
    written = np.empty_like(cell_prev)
    tanh_cell = np.empty_like(cell_prev)
    blocks = gates.reshape(S, 4, H, 1)
    input_gate, forget_gate, candidate, output_gate = (blocks[:, j] for j in range(4))  # (S, H, 1) each
    for t in range(T):
        np.matmul(W_s, aug[t], out=tanh_sz)  # s z_t: one (G, K) @ (K, 1) per series
        np.tanh(tanh_sz, out=tanh_sz)
        np.multiply(tanh_sz, gate_scale, out=gates)
        gates += gate_offset  # the four gates
        np.multiply(forget_gate, cell_prev, out=cell)  # c_t = f_t * c_{t-1}
        np.multiply(input_gate, candidate, out=written)
        cell += written  #                   + i_t * g_t
        np.tanh(cell, out=tanh_cell)
        np.multiply(output_gate, tanh_cell, out=aug[t + 1, :, :H])  # h_t = o_t * tanh(c_t)
        cell_prev, cell = cell, cell_prev
    return aug[1:, :, :H]  # (T, S, H, 1)
