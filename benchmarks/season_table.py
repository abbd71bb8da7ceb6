"""Seasons at training time (issue 13, item 2): lstm with and without `--season`, per series, beside the baselines.

    python benchmarks/accuracy_study.py --methods naive,snaive,drift --method lstm="" \\
        --method lstm-none="--season none" --method lstm-s1="--seed 1" --method lstm-s1-none="--seed 1 --season none" \\
        --method lstm-s2="--seed 2" --method lstm-s2-none="--seed 2 --season none" \\
        --jobs 1 --output benchmarks/results/season-seeds.json
    python benchmarks/season_table.py benchmarks/results/season-seeds.json

`--season none` trains exactly as lstm did before seasons (the code path without a season is
unchanged). AutoARIMA/AutoETS are the stored figures of benchmarks/results/accuracy-2026-11-29.json
(same corpus, same protocol). Prints a markdown table: MAE / naive, the mean over seeds 0-2 and
each seed, and the geometric mean of MAE / best of (AutoARIMA, AutoETS).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
STORED = HERE / "results" / "accuracy-2026-11-29.json"


def _by(path: Path) -> dict[str, dict[str, dict]]:
    runs = json.loads(path.read_text())["series"]
    return {s["series"]: {r["method"]: r | {"season": s["season"]} for r in s["methods"]} for s in runs}


def main(argv: list[str]) -> int:
    new, old = _by(Path(argv[0])), _by(STORED)
    seeds = [("lstm-none", "lstm"), ("lstm-s1-none", "lstm-s1"), ("lstm-s2-none", "lstm-s2")]
    print(
        "| series | season | snaive | AutoARIMA | AutoETS | before (mean; seeds 0/1/2) | after (mean; seeds 0/1/2) |"
        " after < snaive |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- | --- | --- |")
    logs: dict[str, list[float]] = {"before": [], "after": []}
    for name, methods in new.items():
        stat = old[name]
        best = min(stat[m]["mae"] for m in ("autoarima", "autoets"))
        row = []
        for k, which in (("before", 0), ("after", 1)):
            rel = [methods[pair[which]]["mae_naive"] for pair in seeds]
            mae = [methods[pair[which]]["mae"] for pair in seeds]
            mean = sum(rel) / len(rel)
            logs[k].append(math.log(sum(mae) / len(mae) / best))
            row.append((mean, f"{mean:.3f}; " + " / ".join(f"{r:.3f}" for r in rel)))
        sn = methods["snaive"].get("mae_naive")
        verdict = "–" if sn is None else ("yes" if row[1][0] < sn else "**no**")
        print(
            f"| {name} | {methods['snaive']['season']} | {'–' if sn is None else f'{sn:.3f}'} | "
            f"{stat['autoarima']['mae_naive']:.3f} | {stat['autoets']['mae_naive']:.3f} | {row[0][1]} | "
            f"{row[1][1]} | {verdict} |"
        )
    for k, v in logs.items():
        print(
            f"\n{k}: geometric mean of MAE (mean of 3 seeds) / best of AutoARIMA, AutoETS = "
            f"{math.exp(sum(v) / len(v)):.3f} over {len(v)} series"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
