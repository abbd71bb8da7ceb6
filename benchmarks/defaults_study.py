"""Choose `lstm train`'s defaults with the backtest machinery, on the three sample series.

For every configuration in a grid (window x target x hidden) and a few seeds, this runs
`lstmcli.backtest.run_backtest` with the backtest's own defaults (5 steps ahead, last 20%
held out, an origin at every step, train once) and records the LSTM's MASE relative to the
reference baseline (seasonal naive on a seasonal series, else naive), relative to naive,
and the coverage of the 90% interval.

Two stages keep the choice honest:

    select   the grid on the first 80% of each series (its last 20% is the selection test),
             so the final test window is never looked at while choosing;
    confirm  the chosen configurations (and the old defaults) on the whole series, i.e.
             exactly what `lstm backtest sample_data/<file>.csv` measures.

    python benchmarks/defaults_study.py select  --out /tmp/select.jsonl [--series monthly_seasonal]
    python benchmarks/defaults_study.py confirm --out /tmp/confirm.jsonl --config 30,log-return,32 ...
    python benchmarks/defaults_study.py table /tmp/select.jsonl      # markdown summary

Output: one JSON object per run (a line), so runs can be split over processes and merged.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from lstmcli import data
from lstmcli.backtest import BacktestSpec, detect_season, plan, run_backtest
from lstmcli.defaults import batch_size_for
from lstmcli.training import TrainConfig

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
SERIES = ("daily_stock", "monthly_seasonal", "trend_smooth")
WINDOWS = (10, 20, 30, 60)  # plus 2 and 3 seasons on a series with a season
TARGETS = ("log-return", "diff", "level")
HIDDEN = (16, 32, 64)
SEEDS = (0, 1)


def _season(name: str) -> int:
    """The season the backtest detects on the selection part of a series (1 = none)."""
    s = data.read_prices(SAMPLE / f"{name}.csv")
    keep = len(s.values) - round(0.2 * len(s.values))
    cut, _ = plan(keep, BacktestSpec())
    return detect_season(s.values[:cut, 0], s.frequency)[0]


def run_one(name: str, stage: str, window: int, target: str, hidden: int, seed: int, batch: str = "auto") -> dict:
    s = data.read_prices(SAMPLE / f"{name}.csv")
    values = s.values
    dates = s.dates
    if stage == "select":
        keep = len(values) - round(0.2 * len(values))
        values, dates = values[:keep], dates[:keep]
    spec = BacktestSpec()
    t0 = time.perf_counter()
    cut, _ = plan(len(values), spec)
    bs = batch_size_for(cut, window, TrainConfig.val_fraction, target) if batch == "auto" else int(batch)
    cfg = TrainConfig(window=window, hidden=hidden, seed=seed, batch_size=bs)
    try:
        r = run_backtest(values, cfg, target, spec, dates=dates, frequency=s.frequency, source=name)
    except Exception as e:  # a configuration that cannot run on this series is a result too
        return {
            "series": name,
            "stage": stage,
            "window": window,
            "target": target,
            "hidden": hidden,
            "batch": batch,
            "seed": seed,
            "error": str(e),
        }
    lstm, ref, naive = r.scores["lstm"], r.scores[r.reference], r.scores["naive"]
    return {
        "series": name,
        "stage": stage,
        "window": window,
        "target": target,
        "hidden": hidden,
        "seed": seed,
        "batch": batch,
        "batch_size": bs,
        "reference": r.reference,
        "season": r.season,
        "mase": lstm["mase"],
        "mase_ref": ref["mase"],
        "mase_naive": naive["mase"],
        "rel_ref": lstm["mase"] / ref["mase"],
        "rel_naive": lstm["mase"] / naive["mase"],
        "rel_ref_step1": lstm["per_step"]["mase"][0] / ref["per_step"]["mase"][0],
        "coverage": r.coverage,
        "epochs": r.fit_configs[0]["epochs_run"],
        "seconds": round(time.perf_counter() - t0, 2),
    }


def _key(r: dict) -> tuple:
    return r["window"], r["target"], r["hidden"], str(r.get("batch", "64"))


def _parse_config(text: str) -> tuple[int, str, int]:
    w, target, hidden = text.split(",")
    return int(w), target, int(hidden)


def table(path: str, stage: str | None = None) -> str:
    """Markdown: per configuration and series, the mean over seeds of the LSTM's MASE / the
    reference's MASE (below 1 beats it) and the 90% interval's coverage; rows sorted by the
    geometric mean of the ratios over the series the configuration ran on (all of them first).
    """
    rows = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    if stage:
        rows = [r for r in rows if r["stage"] == stage]
    configs = sorted({_key(r) for r in rows})
    series = [s for s in SERIES if any(r["series"] == s for r in rows)]
    out = [
        "| window | target | hidden | batch | "
        + " | ".join(f"{s}: MASE / {_ref(rows, s)} (coverage)" for s in series)
        + " | geometric mean |",
        "| ---: | --- | ---: | --- | " + " | ".join("---:" for _ in series) + " | ---: |",
    ]
    scored = []
    for c in configs:
        cells, logs = [], []
        for s in series:
            runs = [r for r in rows if _key(r) == c and r["series"] == s]
            ok = [r for r in runs if "error" not in r]
            if not runs:
                cells.append("-")
                continue
            if not ok:
                cells.append("fails")
                logs.append(math.inf)
                continue
            rel = float(np.mean([r["rel_ref"] for r in ok]))
            covs = [r["coverage"] for r in ok if r["coverage"] is not None]
            cells.append(f"{rel:.3f}" + (f" ({np.mean(covs):.0f}%)" if covs else " (no interval)"))
            logs.append(math.log(rel))
        scored.append((-len(logs), math.exp(float(np.mean(logs))), c, cells))
    for _, gm, c, cells in sorted(scored):
        out.append(f"| {c[0]} | {c[1]} | {c[2]} | {c[3]} | " + " | ".join(cells) + f" | {gm:.3f} |")
    return "\n".join(out)


def _ref(rows: list[dict], s: str) -> str:
    refs = {r.get("reference") for r in rows if r["series"] == s and "reference" in r}
    return "seasonal naive" if "seasonal_naive" in refs else "naive"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("stage", choices=["select", "confirm", "table"])
    ap.add_argument("path", nargs="?", help="for table: the JSONL file")
    ap.add_argument("--out", help="append JSON lines here (default stdout)")
    ap.add_argument("--series", action="append", choices=SERIES)
    ap.add_argument("--config", action="append", help="window,target,hidden for confirm, e.g. 30,log-return,32")
    ap.add_argument("--seeds", type=int, default=len(SEEDS))
    ap.add_argument("--batch", default="auto", help="auto (lstmcli.defaults.batch_size_for) or a fixed size")
    ap.add_argument("--only-stage", help="for table: keep only this stage")
    a = ap.parse_args(argv)
    if a.stage == "table":
        print(table(a.path, a.only_stage))
        return
    series = a.series or list(SERIES)
    sink = open(a.out, "a") if a.out else sys.stdout  # noqa: SIM115
    for name in series:
        if a.stage == "select":
            m = _season(name)
            windows = WINDOWS + ((2 * m, 3 * m) if m > 1 else ())
            grid = list(itertools.product(windows, TARGETS, HIDDEN))
        else:
            grid = [_parse_config(c) for c in a.config or ["30,log-return,32"]]
        for (w, target, hidden), seed in itertools.product(grid, range(a.seeds)):
            row = run_one(name, a.stage, w, target, hidden, seed, a.batch)
            sink.write(json.dumps(row) + "\n")
            sink.flush()
    if a.out:
        sink.close()


if __name__ == "__main__":
    main()
