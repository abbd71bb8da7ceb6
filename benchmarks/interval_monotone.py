"""What the monotone band (round 6) costs in width: 90% band width at steps 1-5, per step vs widest-so-far.

    python benchmarks/interval_monotone.py [--output benchmarks/results/NAME.json]

For each corpus series, `lstm train` (defaults) on the rows before the accuracy study's first
held-out origin, as accuracy_study.py and interval_coverage.py do; then, from the model's stored
error quantiles, the 90% band's width (upper - lower quantile, in error terms: log-ratio or price
units) at steps 1-5 as `intervals.interval_bounds` built it before (each step's own quantiles) and
now (each side the widest of the steps so far). Coverage is measured by the other two scripts.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import accuracy_study as study  # noqa: E402

STEPS = 5


def widths(name: str) -> dict | None:
    """{'steps_calibrated', 'per_step', 'monotone', 'ratio'} for one corpus series; None without a 90% band."""
    from lstmcli.forecast import Forecaster

    y, dates = study.load_series(name)
    train_n = study.origins_of(len(y))[0]
    with tempfile.TemporaryDirectory() as tmp:
        csv, model = Path(tmp) / "train.csv", Path(tmp) / "m.npz"
        study._write_csv(csv, y[:train_n], dates[:train_n])
        p = subprocess.run([study._lstm_exe(), "train", str(csv), "--model", str(model), "-q"], capture_output=True)
        if p.returncode:
            return None
        info = Forecaster.load(model).info.intervals
    if info is None or info.levels[-1] - info.levels[0] < 0.9 - 1e-9:
        return None
    q, levels = info.quantiles, info.levels  # (H, L), (L,)
    H = len(q)
    lo = np.array([np.interp(0.05, levels, row) for row in q])  # (H,)
    hi = np.array([np.interp(0.95, levels, row) for row in q])  # (H,)
    steps = np.arange(STEPS)
    at, grow = np.minimum(steps, H - 1), np.sqrt(np.maximum(steps + 1, H) / H)
    before = (hi[at] - lo[at]) * grow  # (STEPS,)
    after = (np.maximum.accumulate(hi)[at] - np.minimum.accumulate(lo)[at]) * grow  # (STEPS,)
    return {
        "steps_calibrated": H,
        "per_step": before.tolist(),
        "monotone": after.tolist(),
        "ratio": float(np.mean(after / before)),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", type=Path)
    args = ap.parse_args()
    rows = []
    for path in sorted(study.CORPUS.glob("*.csv")):
        w = widths(path.stem)
        if w is not None:
            rows.append({"series": path.stem, **w})
            print(json.dumps(rows[-1]), flush=True)
    ratios = np.array([r["ratio"] for r in rows])
    print(
        f"mean width ratio (monotone / per step, steps 1-{STEPS}) over {len(rows)} series: {ratios.mean():.3f}; "
        f"unchanged on {int((np.abs(ratios - 1) < 1e-12).sum())}; largest {ratios.max():.3f}"
    )
    if args.output:
        args.output.write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
