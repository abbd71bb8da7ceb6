"""Methods run with seeds 0, 1, 2 side by side: MAE / naive per series (mean of the seeds; each seed), and the
geometric mean of MAE / best of (AutoARIMA, AutoETS). Prints markdown.

    python benchmarks/accuracy_study.py --series lynx,realgdp --methods naive,snaive \\
        --method lstm="" --method lstm-s1="--seed 1" --method lstm-s2="--seed 2" \\
        --method lvl="--level-input" --method lvl-s1="--level-input --seed 1" \\
        --method lvl-s2="--level-input --seed 2" \\
        --reuse benchmarks/results/accuracy-2026-11-29.json --jobs 1 --no-cli-check --output OUT.json
    python benchmarks/seed_table.py OUT.json lstm lvl        # NAME, NAME-s1, NAME-s2 of each prefix
    python benchmarks/seed_table.py OUT.json lvl OTHER.json:lstm OUT.json:=lstm-auto   # columns from several runs
    python benchmarks/seed_table.py --naive OUT.json lstm    # and a last row: geo-mean of MAE / naive
    python benchmarks/seed_table.py A.json+B.json lstm C.json+D.json:r7   # runs of other series joined

A column is PREFIX (methods PREFIX, PREFIX-s1, PREFIX-s2 of the first file), FILE:PREFIX (of another
results file of the same protocol; a method it lacks, e.g. seed 0's, is taken from the first file),
or [FILE:]=METHOD (one method alone). The series are the first
file's; AutoARIMA/AutoETS are its (stored ones with --reuse). "mean" per series is the mean MAE of the
three fits; the geometric mean of those over the series is the bold figure of the last row, then the
geometric means of each seed alone.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

SEEDS = ("", "-s1", "-s2")


def _runs(path: str) -> dict[str, dict[str, dict]]:
    return {s["series"]: {r["method"]: r | {"season": s["season"]} for r in s["methods"]} for s in _load(path)}


def _load(path: str) -> list[dict]:
    """The series of a results file; A.json+B.json joins the series of several runs of the same methods."""
    return [s for one in path.split("+") for s in json.loads(Path(one).read_text())["series"]]


def main(argv: list[str]) -> int:
    flags = [a for a in argv if a.startswith("--")]
    argv = [a for a in argv if not a.startswith("--")]
    first, specs = argv[0], argv[1:]
    columns = []  # (label, runs, methods)
    for spec in specs:
        path, _, name = spec.rpartition(":") if ":" in spec else ("", "", spec)
        runs = _runs(path or first)
        single = name.startswith("=")
        name = name.lstrip("=")
        columns.append((name if single else f"{name} (mean; seeds 0 / 1 / 2)", runs, (name,) if single else SEEDS))
    names = [s["series"] for s in _load(first)]
    own = _runs(first)
    print("| series | season | snaive | AutoARIMA | AutoETS | " + " | ".join(c[0] for c in columns) + " |")
    print("| --- | ---: | ---: | ---: | ---: |" + " --- |" * len(columns))
    logs = [[] for _ in columns]
    seed_logs = [[[] for _ in SEEDS] for _ in columns]
    naive_logs = [[] for _ in columns]  # log of (mean MAE of the seeds) / naive's MAE
    for name in names:
        m = own[name]
        best = min(m[k]["mae"] for k in ("autoarima", "autoets"))
        cells = []
        for j, (_, runs, suffixes) in enumerate(columns):
            label = columns[j][0].split(" ")[0]
            keys = [label + k if len(suffixes) > 1 else label for k in suffixes]
            rows = [runs[name].get(key) or own[name][key] for key in keys]  # missing in FILE: the first file's
            rel, mae = [r["mae_naive"] for r in rows], [r["mae"] for r in rows]
            logs[j].append(math.log(sum(mae) / len(mae) / best))
            naive_logs[j].append(math.log(sum(mae) / len(mae) / m["naive"]["mae"]))
            for k, v in enumerate(mae):
                seed_logs[j][k].append(math.log(v / best))
            cells.append(
                f"{rel[0]:.3f}"
                if len(rel) == 1
                else f"{sum(rel) / len(rel):.3f}; " + " / ".join(f"{r:.3f}" for r in rel)
            )
        sn = m.get("snaive", {}).get("mae_naive")
        print(
            f"| {name} | {m['naive']['season']} | {'–' if sn is None else f'{sn:.3f}'} | "
            f"{m['autoarima']['mae_naive']:.3f} | {m['autoets']['mae_naive']:.3f} | " + " | ".join(cells) + " |"
        )

    def g(v: list[float]) -> str:
        return f"{math.exp(sum(v) / len(v)):.3f}"

    last = []
    for j, (_, _, suffixes) in enumerate(columns):
        seeds = " / ".join(g(x) for x in seed_logs[j] if x)
        last.append(f"**{g(logs[j])}**" + (f"; {seeds}" if len(suffixes) > 1 else ""))
    print(f"| **geo-mean / best statistical model** ({len(names)}) | | | | | " + " | ".join(last) + " |")
    if "--naive" in flags:  # the same geometric mean with naive's MAE as the reference
        stat = [
            g([math.log(own[n][k]["mae"] / own[n]["naive"]["mae"]) for n in names]) for k in ("autoarima", "autoets")
        ]
        sn = [own[n]["snaive"]["mae_naive"] for n in names if "mae" in own[n].get("snaive", {})]
        sn_cell = g([math.log(v) for v in sn]) + f" ({len(sn)})" if sn else "–"
        print(
            f"| geo-mean MAE / naive ({len(names)}) | | {sn_cell} | {stat[0]} | {stat[1]} | "
            + " | ".join(g(v) for v in naive_logs)
            + " |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
