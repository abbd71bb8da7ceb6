"""Held-out 90% interval coverage of `lstm train` defaults on the accuracy corpus, from EVERY held-out origin.

    python benchmarks/interval_coverage.py [--output benchmarks/results/NAME.json]

The accuracy study (accuracy_study.py) scores origins every 5 steps, so a series' coverage
rests on 1-74 origins (7 for most): a few correlated misses move it by 0.1. This script keeps
its protocol (the same corpus, the model fitted once on the rows before the first held-out
origin, forecasts of 5 steps with the data up to each origin, `Forecaster.predict` as
`lstm predict --data` runs it), but forecasts from every held-out row that has 5 actual values
after it: the same question, measured with about 5 times as many (still correlated) forecasts.
A series counts where every origin has a band ("dense"); "sparse" repeats the study's origins.
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


def coverage(name: str) -> dict:
    from lstmcli.forecast import Forecaster

    y, dates = study.load_series(name)
    origins = study.origins_of(len(y))
    train_n = origins[0]
    with tempfile.TemporaryDirectory() as tmp:
        csv, model = Path(tmp) / "train.csv", Path(tmp) / "m.npz"
        study._write_csv(csv, y[:train_n], dates[:train_n])
        p = subprocess.run([study._lstm_exe(), "train", str(csv), "--model", str(model), "-q"], capture_output=True)
        if p.returncode:
            return {"series": name, "error": p.stderr.decode()[-200:]}
        fc = Forecaster.load(model)
    hits, sparse, banded = [], [], True
    for o in range(train_n, len(y) - study.H + 1):
        f = fc.predict(study.H, y[:o], None, interval=study.LEVEL / 100)
        if f.lower is None:
            banded = False
            continue
        hit = (y[o : o + study.H] >= f.lower) & (y[o : o + study.H] <= f.upper)  # (H,)
        hits.append(hit)
        if o in origins:
            sparse.append(hit)
    return {
        "series": name,
        "origins": len(hits),
        "every_origin_banded": banded,
        "dense": float(np.mean(hits)) if hits and banded else None,
        "sparse": float(np.mean(sparse)) if sparse and banded else None,
        "steps_calibrated": None if fc.info.intervals is None else len(fc.info.intervals.quantiles),
        "validation_origins": fc.info.validation.rows,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", help="JSON file for the per-series results")
    a = ap.parse_args(argv)
    rows = []
    for spec in study.CORPUS_SPEC:
        r = coverage(spec.name)
        rows.append(r)
        print(json.dumps(r), flush=True)
    for key in ("dense", "sparse"):
        vals = [r[key] for r in rows if r.get(key) is not None]
        print(f"mean {key} coverage {np.mean(vals):.3f} over {len(vals)} series")
    if a.output:
        Path(a.output).write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
