"""How well does `--auto`'s selection score predict the held-out score? (issue 13, item 5)

    python benchmarks/auto_selection_study.py --jobs 2 [--series wineind,nile]

For every corpus series (accuracy_study.py's protocol: the last 20% held out, origins every
H = 5 steps, each model fitted once on the rows before the first origin), this runs the
selection of `lstm train --auto` on the training rows, then fits EVERY candidate of the space
on the training rows (the refit `--auto` does for the winner) and scores it on the held-out
origins. It prints, per series, the held-out MAE/naive of: the selection's winner, the best
and the median candidate (the oracle and a random pick), and the rank correlation between
selection MASE and held-out MAE. Nothing here is used by lstmcli; it tells whether the
selection rule chooses well, and is the place to try another rule.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from accuracy_study import CORPUS_SPEC
from auto_topk_study import candidate_of, held_out, held_out_paths, selection_of

from lstmcli import parallel


def held_out_mae(task) -> float:
    """Fit one candidate on y[:train_n] and return its MAE over the held-out origins x steps 1..H."""
    _, y, _, origins, _ = task
    out = held_out_paths(task)  # through Forecaster.paths: direct heads and season phases as lstm forecasts
    if out is None:
        return float("nan")
    return float(np.mean(np.abs(held_out(y, origins)[0] - out)))


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ra, rb)[0, 1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--output")
    a = ap.parse_args(argv)
    specs = [s for s in CORPUS_SPEC if not a.series or s.name in a.series.split(",")]
    rows = []
    print("| series | rows | winner | held-out MAE/naive: winner | best | median | worst | rank corr |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for s in specs:
        y, origins, train_n, freq, sel = selection_of(s, a.jobs)
        # the candidates the selection scored, from its leaderboard (space() alone misses the
        # short-series window fallback: shampoo's candidates were not in it)
        board = [e for e in sel.info.board if e.kind == "lstm" and e.mase is not None]
        scored = {e.name: e.mase for e in board}
        cands = [candidate_of(e.settings) for e in board]
        tasks = [(c, y, train_n, origins, freq) for c in cands]
        held = np.array(parallel.map_ordered(held_out_mae, tasks, a.jobs))
        rel = held / held_out(y, origins)[1]
        selection = np.array([scored[c.label] for c in cands])
        win = [c.label for c in cands].index(sel.chosen.label)
        row = {
            "series": s.name,
            "rows": len(y),
            "winner": sel.chosen.label,
            "winner_rel": float(rel[win]),
            "best_rel": float(np.nanmin(rel)),
            "median_rel": float(np.nanmedian(rel)),
            "worst_rel": float(np.nanmax(rel)),
            "rank_corr": spearman(selection, held),
            "candidates": {c.label: [float(selection[k]), float(rel[k])] for k, c in enumerate(cands)},
            "baselines": {e.name: e.mase for e in sel.info.board if e.kind == "baseline"},
        }
        rows.append(row)
        print(
            f"| {s.name} | {len(y)} | {row['winner']} | {row['winner_rel']:.3f} | {row['best_rel']:.3f} | "
            f"{row['median_rel']:.3f} | {row['worst_rel']:.3f} | {row['rank_corr']:+.2f} |",
            flush=True,
        )
    geo = {k: float(np.exp(np.mean(np.log([r[k] for r in rows])))) for k in ("winner_rel", "best_rel", "median_rel")}
    print(f"\ngeometric means of held-out MAE/naive: {json.dumps({k: round(v, 3) for k, v in geo.items()})}")
    if a.output:
        Path(a.output).write_text(json.dumps({"series": rows, "geomean": geo}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
