"""lstm variants over several seeds, per series, beside the stored AutoARIMA/AutoETS: a markdown table.

    python benchmarks/variant_table.py RESULTS.json lstm huber mae ...      # variants NAME, NAME-s1, NAME-s2
    python benchmarks/variant_table.py A.json,B.json lstm wd01 ...          # the methods of several runs

Each variant is the study methods NAME (seed 0), NAME-s1 and NAME-s2 (`--method NAME-s1="... --seed 1"`),
as far as they ran. A cell is MAE / naive: the mean over the seeds, then each seed. The last rows are the
geometric mean over the series of MAE / min(MAE AutoARIMA, MAE AutoETS) (the stored figures of
benchmarks/results/accuracy-2026-11-29.json, same corpus and protocol unless the run has its own), of the
seeds' mean MAE and of each seed, then how many series the variant beats the first variant on (mean MAE).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
STORED = HERE / "results" / "accuracy-2026-11-29.json"
SEEDS = ("", "-s1", "-s2")
STATS = ("snaive", "autoarima", "autoets")


def by_series(path: Path) -> dict[str, dict[str, dict]]:
    runs = json.loads(path.read_text())["series"]
    return {s["series"]: {r["method"]: r for r in s["methods"] if r.get("mae") is not None} for s in runs}


def merged(paths: str) -> dict[str, dict[str, dict]]:
    """The series of the first run, with the methods of every run (the first run's result wins a repeat)."""
    runs = [by_series(Path(p)) for p in paths.split(",")]
    return {name: {k: v for run in reversed(runs) for k, v in run.get(name, {}).items()} for name in runs[0]}


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    run, stored = merged(argv[0]), by_series(STORED)
    variants = argv[1:]
    header = "| series | snaive | AutoARIMA | AutoETS | " + " | ".join(f"`{v}`: mean; seeds" for v in variants) + " |"
    print(header)
    print("| --- | ---: | ---: | ---: | " + " | ".join("---" for _ in variants) + " |")
    logs: dict[str, list[float]] = {v: [] for v in variants}
    seed_logs: dict[str, list[list[float]]] = {v: [[] for _ in SEEDS] for v in variants}
    means: dict[str, dict[str, float]] = {v: {} for v in variants}
    for name, methods in run.items():
        ref = stored.get(name, {}) | {k: m for k, m in methods.items() if k in ("autoarima", "autoets")}
        naive = methods["naive"]["mae"]
        best = min(ref[k]["mae"] for k in ("autoarima", "autoets"))
        cells = []
        for v in variants:
            maes = [methods[v + s]["mae"] for s in SEEDS if v + s in methods]
            if not maes:
                cells.append("–")
                continue
            mean = sum(maes) / len(maes)
            means[v][name] = mean
            logs[v].append(math.log(mean / best))
            for k, s in enumerate(SEEDS):
                if v + s in methods:
                    seed_logs[v][k].append(math.log(methods[v + s]["mae"] / best))
            cells.append(f"{mean / naive:.3f}; " + " / ".join(f"{m / naive:.3f}" for m in maes))
        known = ref | methods
        stats = " | ".join(f"{known[k]['mae'] / naive:.3f}" if k in known else "–" for k in STATS)
        print(f"| {name} | {stats} | " + " | ".join(cells) + " |")
    row = []
    for v in variants:
        geo = math.exp(sum(logs[v]) / len(logs[v])) if logs[v] else float("nan")
        per = " / ".join(f"{math.exp(sum(x) / len(x)):.3f}" for x in seed_logs[v] if x)
        row.append(f"**{geo:.3f}**; {per}")
    print(f"| geo-mean / best statistical model ({len(run)}) | | | | " + " | ".join(row) + " |")
    first = variants[0]
    wins = [
        f"{sum(means[v][s] < means[first][s] for s in means[v] if s in means[first])} of {len(means[v])}"
        for v in variants
    ]
    print(f"| series better than `{first}` (mean of seeds) | | | | " + " | ".join(wins) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
