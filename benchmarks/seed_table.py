"""Methods run with seeds 0, 1, 2 side by side: MAE / naive per series (mean of the seeds; each seed), and the
geometric mean of MAE / best of (AutoARIMA, AutoETS). Prints markdown.

    python benchmarks/accuracy_study.py --series lynx,realgdp --methods naive,snaive \\
        --method lstm="" --method lstm-s1="--seed 1" --method lstm-s2="--seed 2" \\
        --method lvl="--level-input" --method lvl-s1="--level-input --seed 1" \\
        --method lvl-s2="--level-input --seed 2" \\
        --reuse benchmarks/results/accuracy-2026-11-29.json --jobs 1 --no-cli-check --output OUT.json
    python benchmarks/seed_table.py OUT.json lstm lvl        # NAME, NAME-s1, NAME-s2 of each prefix

AutoARIMA/AutoETS are those of the results file (stored ones with --reuse). "mean of seeds" per series is the
mean MAE of the three fits; the geometric mean of those over the series is the row "geo-mean (mean of seeds)";
the geometric means of each seed alone follow.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    path, prefixes = Path(argv[0]), argv[1:]
    runs = json.loads(path.read_text())["series"]
    seeds = ("", "-s1", "-s2")
    head = " | ".join(f"{p} (mean; seeds 0 / 1 / 2)" for p in prefixes)
    print(f"| series | season | snaive | AutoARIMA | AutoETS | {head} |")
    print("| --- | ---: | ---: | ---: | ---: |" + " --- |" * len(prefixes))
    logs = {p: [] for p in prefixes}
    seed_logs = {p: [[] for _ in seeds] for p in prefixes}
    for s in runs:
        m = {r["method"]: r for r in s["methods"]}
        best = min(m[k]["mae"] for k in ("autoarima", "autoets"))
        cells = []
        for p in prefixes:
            rel = [m[p + k]["mae_naive"] for k in seeds]
            mae = [m[p + k]["mae"] for k in seeds]
            logs[p].append(math.log(sum(mae) / len(mae) / best))
            for j, v in enumerate(mae):
                seed_logs[p][j].append(math.log(v / best))
            cells.append(f"{sum(rel) / len(rel):.3f}; " + " / ".join(f"{r:.3f}" for r in rel))
        sn = m.get("snaive", {}).get("mae_naive")
        print(
            f"| {s['series']} | {s['season']} | {'–' if sn is None else f'{sn:.3f}'} | "
            f"{m['autoarima']['mae_naive']:.3f} | {m['autoets']['mae_naive']:.3f} | " + " | ".join(cells) + " |"
        )

    def g(v: list[float]) -> str:
        return f"{math.exp(sum(v) / len(v)):.3f}"

    print(
        f"| **geo-mean / best statistical model** ({len(runs)}) | | | | | "
        + " | ".join(f"**{g(logs[p])}**; " + " / ".join(g(x) for x in seed_logs[p]) for p in prefixes)
        + " |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
