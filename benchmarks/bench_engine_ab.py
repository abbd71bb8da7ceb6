"""A/B of the engine kernel's speed tricks: each trick on vs a plain version, side by side.

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_engine_ab.py [--hidden 32 --batch 64 --window 30]

Whole-pass pairs time one training batch (`engine.loss_and_gradients`, float32, 1 layer):
  reuse    buffer cache on vs off (`_kernel._CACHE_BYTES = 0`: fresh buffers every call)
  fused    the training path vs forward() with a record + backward() rebuilding the factors
  kernel   the kernel vs tests/reference_lstm.py (no tricks at all)
Per-step pairs time the step's NumPy calls on (G, B) blocks and report the saving per batch
(x T steps, forward) as a share of the kernel's batch time:
  one_tanh   one tanh + scale + offset for all four gates vs sigmoid, sigmoid, tanh per block
  pair_mul   [i, f] * [g, c] in one call vs two multiplies
  full_scale a (G, B) copy of the gate scale vs a broadcast (G, 1) column
A and B alternate within every repeat; figures are medians of --repeats.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from lstmcli import _kernel, engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import reference_lstm


def timed(fn, n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--window", type=int, default=30)
    ap.add_argument("--repeats", type=int, default=7)
    a = ap.parse_args()
    H, B, T = a.hidden, a.batch, a.window
    rng = np.random.default_rng(0)
    p = engine.init_params(1, H, 1, 1, rng, dtype=np.float32)
    x = rng.normal(size=(B, T, 1)).astype(np.float32)
    y = rng.normal(size=(B, 1)).astype(np.float32)
    p64 = {k: v.astype(np.float64) for k, v in p.items()}

    def train_step():
        engine.loss_and_gradients(p, x, y)

    def no_cache():
        old, _kernel._CACHE_BYTES = _kernel._CACHE_BYTES, 0
        try:
            engine.loss_and_gradients(p, x, y)
        finally:
            _kernel._CACHE_BYTES = old

    def record_path():
        pred, rec = engine.forward(p, x)
        engine.backward(p, rec, (2.0 / y.size) * (pred - y))

    def reference():
        pred, layers, _ = reference_lstm.forward(p64, x.astype(np.float64))
        reference_lstm.backward(p64, layers, (2.0 / y.size) * (pred - y))

    G = 4 * H
    z = rng.normal(size=(G, B)).astype(np.float32)
    out = np.empty_like(z)
    s_full, off_full = (np.repeat(v[:, None], B, axis=1) for v in _kernel.gate_affine(H, np.float32))
    s_col, off_col = s_full[:, :1].copy(), off_full[:, :1].copy()
    gc = rng.normal(size=(5 * H, B)).astype(np.float32)
    i_f, g_c = gc[: 2 * H].reshape(2, H, B), gc[2 * H :].reshape(3, H, B)[::2]
    prod = np.empty((2, H, B), np.float32)

    def one_tanh(s=s_full, off=off_full):
        np.multiply(z, s, out=out)
        np.tanh(out, out=out)
        np.multiply(out, s, out=out)
        out.__iadd__(off)

    def per_block():
        for rows in (slice(0, 2 * H), slice(3 * H, G)):
            np.multiply(z[rows], 0.5, out=out[rows])
            np.tanh(out[rows], out=out[rows])
            np.multiply(out[rows], 0.5, out=out[rows])
            out[rows] += 0.5
        np.tanh(z[2 * H : 3 * H], out=out[2 * H : 3 * H])

    def pair_mul():
        np.multiply(i_f, g_c, out=prod)

    def two_mul():
        np.multiply(i_f[0], g_c[0], out=prod[0])
        np.multiply(i_f[1], g_c[1], out=prod[1])

    whole = {"reuse": (train_step, no_cache), "fused": (train_step, record_path), "kernel": (train_step, reference)}
    step = {
        "one_tanh": (one_tanh, per_block),
        "pair_mul": (pair_mul, two_mul),
        "full_scale": (one_tanh, lambda: one_tanh(s_col, off_col)),
    }
    res: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in (*whole, *step)}
    for fn in (train_step, no_cache, record_path, reference):
        fn()  # warm up
    for _ in range(a.repeats):
        for name, (on, off) in whole.items():
            res[name][0].append(timed(on, 20))
            res[name][1].append(timed(off, 20 if name != "kernel" else 3))
        for name, (on, off) in step.items():
            res[name][0].append(timed(on, 2000))
            res[name][1].append(timed(off, 2000))
    batch = statistics.median(res["reuse"][0] + res["fused"][0] + res["kernel"][0])
    print(f"hidden={H} batch={B} window={T} float32 1 layer; kernel batch {batch * 1e3:.3f} ms")
    print("| trick | on | plain | plain / on | saving per batch |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in whole:
        on, off = (statistics.median(v) for v in res[name])
        print(f"| {name} | {on * 1e3:.3f} ms | {off * 1e3:.3f} ms | {off / on:.2f} | {100 * (off - on) / off:.1f}% |")
    for name in step:
        on, off = (statistics.median(v) for v in res[name])
        share = (off - on) * T / batch
        print(f"| {name} | {on * 1e6:.2f} us/step | {off * 1e6:.2f} us/step | {off / on:.2f} | {100 * share:.1f}% |")


if __name__ == "__main__":
    main()
