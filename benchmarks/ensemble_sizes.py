"""Ensemble-size policies compared on accuracy_study.py runs: which `--ensemble` default, below which row count?

    python benchmarks/ensemble_sizes.py RUN.json[+RUN2.json] --seeds 0,5,10 \\
        "today=d" "5 below 300=e5<300,d" "3 below 1000=e3<1000,d" "3 everywhere=e3"

A run holds lstm methods trained at several seeds: METHOD (seed 0) and METHOD-sS (`--seed S`), e.g. `d`,
`d-s5`, `d-s10` for today's defaults at seeds 0, 5 and 10. Seeds S, S+5, S+10 keep the members of ensembles
of up to 5 networks disjoint between seeds (member k trains with seed + k), and the ensemble of 3 at seed S
is the first 3 of the ensemble of 5 at seed S.

`--with OTHER.json[+...]` adds the methods of other runs of the same series (the fits are deterministic: a
method run twice gives the same forecasts to the last digit). A policy is LABEL=RULE; RULE is
`M1<R1,M2<R2,...,M` (the method of the first clause whose row bound is above the series' training rows, else
the last), the way `ensemble.default_size` decides on the rows `lstm train` reads (here: the study's training
part, `train_rows`). The first policy is the reference.

Prints markdown: per series the policy's MAE / naive (mean of the seeds; each seed); per policy the
geometric mean over series of MAE / best of (AutoARIMA, AutoETS), of the seeds' mean MAE and of each seed
alone; the series it is lower / higher on than the reference (3-seed mean MAE, ties within 0.05%); over the
(series, seed) fits whose MAE it changes, the geometric mean change of MAE against the reference's fit of the
same series and seed, with its t statistic (mean / standard error of the log ratios); the mean
over series of the seeds' standard deviation of MAE / naive; and the summed `lstm train` seconds (mean of
the seeds; the study's fit_seconds, machine load included).
"""

from __future__ import annotations

import json
import math
import statistics
import sys
from pathlib import Path


def _series(path: str) -> list[dict]:
    return [s for one in path.split("+") for s in json.loads(Path(one).read_text())["series"]]


def _pick(rule: str, rows: int) -> str:
    """The method a rule gives a series of `rows` training rows."""
    for clause in rule.split(","):
        method, _, bound = clause.partition("<")
        if not bound or rows < int(bound):
            return method
    raise SystemExit(f"rule {rule!r} has no method for {rows} rows: end it with a method without a bound")


def _paired(logs: list[float]) -> str:
    """Mean change of MAE over the (series, seed) fits a policy changes, in %, and its t statistic."""
    if len(logs) < 2:
        return "–"
    mean, se = statistics.mean(logs), statistics.stdev(logs) / math.sqrt(len(logs))
    return f"{100 * (math.exp(mean) - 1):+.1f}% ({mean / se:+.1f}, {len(logs)} fits)"


def main(argv: list[str]) -> int:
    seeds = ["0", "1", "2"]
    if "--seeds" in argv:
        i = argv.index("--seeds")
        seeds = argv[i + 1].split(",")
        argv = argv[:i] + argv[i + 2 :]
    extra = []
    while "--with" in argv:  # methods of other runs of the same series and protocol, merged in by series
        i = argv.index("--with")
        extra += _series(argv[i + 1])
        argv = argv[:i] + argv[i + 2 :]
    first, specs = argv[0], argv[1:]
    policies = [spec.partition("=")[::2] for spec in specs]
    suffix = ["" if s == "0" else f"-s{s}" for s in seeds]
    series = _series(first)
    for s in series:
        s["methods"] = s["methods"] + [r for e in extra if e["series"] == s["series"] for r in e["methods"]]
    print(
        "| series | training rows | snaive | AutoARIMA | AutoETS | "
        + " | ".join(f"{label} (mean; seeds {' / '.join(seeds)})" for label, _ in policies)
        + " |"
    )
    print("| --- | ---: | ---: | ---: | ---: |" + " --- |" * len(policies))
    logs = [[] for _ in policies]  # log(mean MAE of the seeds / best statistical model), per series
    seed_logs = [[[] for _ in seeds] for _ in policies]
    spreads = [[] for _ in policies]
    seconds = [0.0 for _ in policies]
    means = [[] for _ in policies]  # the seeds' mean MAE per series
    fits = [[] for _ in policies]  # log(MAE / the first policy's MAE) per (series, seed) it changes
    for s in series:
        m = {r["method"]: r for r in s["methods"]}
        best = min(m[k]["mae"] for k in ("autoarima", "autoets"))
        cells = []
        for j, (_, rule) in enumerate(policies):
            method = _pick(rule, s["train_rows"])
            runs = [m[method + k] for k in suffix]
            mae = [r["mae"] for r in runs]
            rel = [r["mae_naive"] for r in runs]
            means[j].append(statistics.mean(mae))
            if j == 0:
                reference = mae
            fits[j] += [math.log(a / b) for a, b in zip(mae, reference, strict=True) if a != b]
            logs[j].append(math.log(statistics.mean(mae) / best))
            for k, v in enumerate(mae):
                seed_logs[j][k].append(math.log(v / best))
            spreads[j].append(statistics.stdev(rel) if len(rel) > 1 else 0.0)
            seconds[j] += statistics.mean(r["fit_seconds"] for r in runs)
            cells.append(f"{statistics.mean(rel):.3f}; " + " / ".join(f"{v:.3f}" for v in rel))
        sn = m.get("snaive", {}).get("mae_naive")
        print(
            f"| {s['series']} | {s['train_rows']} | {'–' if sn is None else f'{sn:.3f}'} | "
            f"{m['autoarima']['mae_naive']:.3f} | {m['autoets']['mae_naive']:.3f} | " + " | ".join(cells) + " |"
        )

    def g(v: list[float]) -> str:
        return f"{math.exp(sum(v) / len(v)):.3f}"

    print()
    print(
        f"| policy | rule | geo-mean / best statistical model ({len(series)}), mean of seeds | "
        + " | ".join(f"seed {s}" for s in seeds)
        + " | lower / higher than the first (of those it changes) | paired fits: mean change of MAE (t) "
        "| mean seed spread of MAE / naive | lstm train seconds, summed |"
    )
    print("| --- | --- | ---: |" + " ---: |" * len(seeds) + " ---: | ---: | ---: | ---: |")
    for j, (label, rule) in enumerate(policies):
        pairs = list(zip(means[j], means[0], strict=True))
        changed = [(a, b) for a, b in pairs if abs(a / b - 1) > 5e-4]
        lower = sum(a < b for a, b in changed)
        print(
            f"| {label} | `{rule}` | **{g(logs[j])}** | "
            + " | ".join(g(x) for x in seed_logs[j])
            + f" | {lower} / {len(changed) - lower} (of {len(changed)}) | {_paired(fits[j])} "
            f"| {statistics.mean(spreads[j]):.4f} "
            f"| {seconds[j]:.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
