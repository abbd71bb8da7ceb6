"""Are a matmul's columns the same bits whatever the batch around them? (round 14, branch r14speed)

`Forecaster._ahead_mae` forecasts every validation origin a season ahead; forecasting only the origins still inside
the data, or sharing the calibration forecasts, would change the number of columns (the batch) of every step's
(4H, K) @ (K, B) matmul. This checks, on this machine's BLAS, whether the first (or last) n columns computed alone are
bit for bit the same columns of the B = 256 product (float32, 4H = 128 rows, K = H + F + 1 as the default model's
37 and a few around it). Then it times the one alternative tried for the kernel's loop that did not pay: one multiply
on a strided (2, H, B) view of two gate blocks against two multiplies on the contiguous blocks.

    python benchmarks/blas_columns.py
"""

from __future__ import annotations

import timeit

import numpy as np


def columns() -> None:
    rng = np.random.default_rng(0)
    bad = total = 0
    for K in (35, 36, 37, 38, 65):
        W = rng.normal(size=(128, K)).astype(np.float32)
        A = rng.normal(size=(K, 256)).astype(np.float32)
        full = W @ A
        for n in range(1, 257):
            for start in (0, 256 - n):
                part = W @ np.ascontiguousarray(A[:, start : start + n])
                total += 1
                bad += not np.array_equal(part.view(np.uint32), full[:, start : start + n].view(np.uint32))
        if K == 37:
            prefix = [n for n in range(1, 257) if not np.array_equal(W @ np.ascontiguousarray(A[:, :n]), full[:, :n])]
            print(f"K=37 prefixes_differing={len(prefix)}/256 first={prefix[:10]} last={prefix[-3:]}")
    print(f"cases_differing={bad}/{total} (K, n, offset)")


def strided_multiply(H: int = 32) -> None:
    for B in (16, 64):
        gc = np.ones((5 * H, B), np.float32)  # rows [i f g o | c]
        dg = np.ones((4 * H, B), np.float32)
        pair, mult = dg[: 2 * H].reshape(2, H, B), gc[2 * H :].reshape(3, H, B)[::2]  # [i, f] and [g, c]
        a, b, c, d = dg[:H], dg[H : 2 * H], gc[2 * H : 3 * H], gc[4 * H :]

        def two(a=a, b=b, c=c, d=d):
            np.multiply(a, c, out=a)
            np.multiply(b, d, out=b)

        def one(pair=pair, mult=mult):
            np.multiply(pair, mult, out=pair)

        n = 20000
        t2 = min(timeit.repeat(two, number=n, repeat=5)) / n * 1e6
        t1 = min(timeit.repeat(one, number=n, repeat=5)) / n * 1e6
        print(f"B={B} two_contiguous_us={t2:.3f} one_strided_us={t1:.3f} ratio={t1 / t2:.2f}")


if __name__ == "__main__":
    columns()
    strided_multiply()
