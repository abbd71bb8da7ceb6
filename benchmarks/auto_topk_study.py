"""Would a configuration ensemble beat `--auto`'s single winner? (issue 13, idea "top-k")

    python benchmarks/auto_topk_study.py --jobs 2 [--series wineind,nile] [--k 5] [--seeds 1]

For every corpus series (accuracy_study.py's protocol: the last 20% held out, origins every
H = 5 steps, each model fitted once on the rows before the first origin), this runs the
selection of `lstm train --auto` on the training rows (`--seeds` networks per candidate), fits
the top K configurations of its leaderboard on the training rows (the refit `--auto` does for
its winner), and scores on the held-out origins: the winner alone (what `--auto` ships), the
median of the top 3 and of the top K configurations' forecasts, value by value, and the median
of the K members' own scores. Nothing here is used by lstmcli; it measures whether building a
configuration ensemble is worth it before anyone builds one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from accuracy_study import CORPUS_SPEC, H, load_series, origins_of

from lstmcli import autoselect, parallel
from lstmcli.autoselect import Candidate
from lstmcli.training import TrainConfig
from lstmcli.transforms import Target

FREQ = {"MS": "M", "QS": "Q", "YS": "Y", "W": "W", "B": "B", "D": "D"}


def fitted_paths(cand: Candidate, base: TrainConfig, y, train_n: int, origins, freq) -> np.ndarray | None:
    """Candidate `cand` fitted on y[:train_n] with `base`'s settings (the refit --auto does for its winner): its
    forecasts (O, H) from the held-out origins; None when the fit fails."""
    fc = cand.forecaster(base)
    try:
        fc.fit(y[:train_n], frequency=freq)
    except Exception:
        return None
    W, off = fc.config.window, fc.target.offset
    prices = y[:, None]
    origins = np.asarray(origins)
    hist = np.stack([prices[o - W - off : o] for o in origins])  # (O, W + off, 1)
    last = origins - 1 if fc.season is not None else None  # row numbers are phases: y[0] is phase 0
    with np.errstate(over="ignore", invalid="ignore"):  # a runaway forecast is the caller's to judge
        return fc.paths(hist, H, last_phase=last)[:, :, 0]  # (O, H)


def held_out_paths(task) -> np.ndarray | None:
    """Fit one candidate on y[:train_n] with the default settings and return its forecasts (O, H) from the
    held-out origins."""
    cand, y, train_n, origins, freq = task
    return fitted_paths(cand, TrainConfig(), y, train_n, origins, freq)


def selection_of(spec, jobs: int, seeds: int = autoselect.SELECT_SEEDS):
    """One corpus series under the study's protocol: (y, origins, train_n, freq, the --auto
    selection on y[:train_n])."""
    y, _ = load_series(spec.name)
    origins = origins_of(len(y))
    train_n = origins[0]
    freq = FREQ.get(spec.freq)
    sel = autoselect.select(y[:train_n], TrainConfig(), frequency=freq, jobs=jobs, seeds=seeds)
    return y, origins, train_n, freq, sel


def held_out(y: np.ndarray, origins) -> tuple[np.ndarray, float]:
    """The held-out actuals (O, H) after `origins` and the naive forecast's MAE over them."""
    origins = np.asarray(origins)
    actual = y[origins[:, None] + np.arange(H)[None, :]]  # (O, H)
    return actual, float(np.mean(np.abs(actual - y[origins - 1][:, None])))


def candidate_of(settings: dict) -> Candidate:
    return Candidate(**{**settings, "target": Target(settings["target"])})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=1, help="networks per candidate in the selection")
    ap.add_argument("--output")
    a = ap.parse_args(argv)
    specs = [s for s in CORPUS_SPEC if not a.series or s.name in a.series.split(",")]
    rows = []
    head = f"held-out MAE/naive: winner | median top 3 | median top {a.k} | members' median"
    print(f"| series | rows | winner | {head} |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
    for s in specs:
        y, origins, train_n, freq, sel = selection_of(s, a.jobs, a.seeds)
        top = [e for e in sel.info.board if e.kind == "lstm" and e.mase is not None][: a.k]
        cands = [candidate_of(e.settings) for e in top]
        assert cands[0] == sel.chosen, (cands[0], sel.chosen)
        paths = parallel.map_ordered(held_out_paths, [(c, y, train_n, origins, freq) for c in cands], a.jobs)
        ok = [p for p in paths if p is not None and np.isfinite(p).all()]
        actual, naive = held_out(y, origins)

        def rel(p: np.ndarray, actual=actual, naive=naive) -> float:
            return float(np.mean(np.abs(actual - p))) / naive

        row = {
            "series": s.name,
            "rows": len(y),
            "winner": sel.chosen.label,
            "winner_rel": rel(paths[0]) if paths[0] is not None else float("nan"),
            "top3_rel": rel(np.median(np.stack(ok[:3]), axis=0)),
            "topk_rel": rel(np.median(np.stack(ok), axis=0)),
            "members_median_rel": float(np.median([rel(p) for p in ok])),
            "members": {c.label: (rel(p) if p is not None else None) for c, p in zip(cands, paths, strict=True)},
        }
        rows.append(row)
        print(
            f"| {s.name} | {len(y)} | {row['winner']} | {row['winner_rel']:.3f} | {row['top3_rel']:.3f} | "
            f"{row['topk_rel']:.3f} | {row['members_median_rel']:.3f} |",
            flush=True,
        )
    keys = ("winner_rel", "top3_rel", "topk_rel", "members_median_rel")
    geo = {k: float(np.exp(np.mean(np.log([r[k] for r in rows])))) for k in keys}
    print(f"\ngeometric means of held-out MAE/naive: {json.dumps({k: round(v, 3) for k, v in geo.items()})}")
    if a.output:
        meta = {"argv": sys.argv[1:], "k": a.k, "seeds": a.seeds}
        Path(a.output).write_text(json.dumps({"meta": meta, "series": rows, "geomean": geo}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
