"""A plain-rule screen for `lstm train --damped-growth` (round 10): no network, the prior path alone.

    python benchmarks/damped_growth_screen.py > benchmarks/results/r10damp-screen.txt

From every origin of the accuracy study's protocol (last 20% held out, origins every H = 5 steps) the forecast's
change of step k is the prior path of growth.py on the log prices (diff for a series with values <= 0): the
exponentially weighted mean change of the last 30 steps (half-life HL), damped by PHI per step toward no growth
("zero", growth.py's choice, as exponential smoothing's damped trend) or toward the training part's mean change
("mean"). Prints MAE / naive per series and the geometric mean, for HL in 2, 4, 8 and PHI in 0.8, 0.9, 0.95, 1.
"""

from __future__ import annotations

import sys

import numpy as np
from accuracy_study import H, load_series, origins_of

CORPUS = ["austres", "realgdp", "cpi", "shampoo", "lynx", "nile"]
DEVTREND = ["bjsales", "ausair", "austa", "livestock", "guinearice"]
SERIES = CORPUS + DEVTREND


def mae_ratio(name: str, half_life: float, phi: float, toward: str, window: int = 30) -> float:
    """MAE / naive's MAE of the damped rule over the study's origins of one series."""
    y, _ = load_series(name)
    log = bool((y > 0).all())
    ly = np.log(y) if log else y
    origins = origins_of(len(y))
    base = np.diff(ly[: origins[0]]).mean() if toward == "mean" else 0.0
    errors, naive = [], []
    for o in origins:
        changes = np.diff(ly[:o])[-window:]
        w = 0.5 ** (np.arange(len(changes))[::-1] / half_life)
        recent = float(w @ changes / w.sum())
        path = ly[o - 1] + np.cumsum(base + (recent - base) * phi ** np.arange(1, H + 1))
        forecast = np.exp(path) if log else path
        errors.append(np.abs(forecast - y[o : o + H]).mean())
        naive.append(np.abs(y[o - 1] - y[o : o + H]).mean())
    return float(np.mean(errors) / np.mean(naive))


def main() -> int:
    print("| toward | half-life | phi | " + " | ".join(SERIES) + " | geo-mean |")
    print("| --- | ---: | ---: | " + " | ".join("---:" for _ in SERIES) + " | ---: |")
    for toward in ("zero", "mean"):
        for half_life in (2, 4, 8):
            for phi in (0.8, 0.9, 0.95, 1.0):
                v = [mae_ratio(n, half_life, phi, toward) for n in SERIES]
                cells = " | ".join(f"{x:.3f}" for x in v)
                print(f"| {toward} | {half_life} | {phi} | {cells} | {np.exp(np.mean(np.log(v))):.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
