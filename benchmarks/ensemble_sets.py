"""Seed ensembles beside their own members, over independent seed sets: is `--ensemble N` better than
the networks it is made of? Prints markdown (per series, then one line per seed set).

    cd benchmarks/results && L=r7level-corpus.json
    python ../ensemble_sets.py r8ens-corpus-seeds.json "{3,4,5}=ens3-s3|lstm-s3,lstm-s4,lstm-s5" \\
        "{0,1,2}=r7-ensemble3-level.json:ens3|$L:lvl,$L:lvl-s1,$L:lvl-s2"

Each argument after the first results file is LABEL=ENSEMBLE|MEMBER,MEMBER,...; each of those is [FILE:]METHOD
of an accuracy_study.py results file of the same protocol (FIRST.json when no file is named; A.json+B.json
joins runs of different series, e.g. the check sets). AutoARIMA/AutoETS are FIRST.json's (stored ones with
--reuse). Per series: the ensemble's MAE / naive beside the mean of its members' (mean MAE of the members, as
benchmarks/seed_table.py). Per set: the geometric mean over series of MAE / best of (AutoARIMA, AutoETS) for
the ensemble, for the mean of its members, and for each member alone; the series the ensemble beats its
members' mean on; the summed `lstm train` seconds of the ensemble and of one member (the mean of the
members'). Last, per series: the spread of MAE / naive over the single networks named (each once) and over the
ensembles.

With `--below ROWS` (before the files) only the series whose training part has fewer than ROWS rows
count, plus a last line per set over the whole corpus: the ensemble on those series, its members'
mean on the others (an ensemble default for short series only).
"""

from __future__ import annotations

import json
import math
import statistics
import sys
from pathlib import Path

_cache: dict[str, dict[str, dict[str, dict]]] = {}


def _series(path: str) -> list[dict]:
    """The series of a results file; A.json+B.json joins the series of runs of other series (check sets)."""
    return [s for one in path.split("+") for s in json.loads(Path(one).read_text())["series"]]


def _runs(path: str) -> dict[str, dict[str, dict]]:
    if path not in _cache:
        series = _series(path)
        _cache[path] = {s["series"]: {r["method"]: r | {"season": s["season"]} for r in s["methods"]} for s in series}
    return _cache[path]


def _row(first: str, spec: str, name: str) -> dict:
    path, _, method = spec.rpartition(":")
    row = _runs(path or first)[name].get(method)
    if row is None or row.get("mae") is None:
        raise SystemExit(f"{spec}: no result for {name}")
    return row


def _spread(values: list[float]) -> str:
    """ "mean; sd (min-max)" of MAE / naive over fits (sd with n - 1)."""
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.3f}; {sd:.3f} ({min(values):.3f}-{max(values):.3f}, {len(values)} fits)"


def _geo(logs: list[float]) -> float:
    return math.exp(sum(logs) / len(logs))


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    below = None
    if argv[0] == "--below":
        below, argv = int(argv[1]), argv[2:]
    first, specs = argv[0], argv[1:]
    sets = []  # (label, ensemble spec, [member specs])
    for spec in specs:
        label, _, rest = spec.partition("=")
        ens, _, members = rest.partition("|")
        sets.append((label, ens, members.split(",")))
    own = _runs(first)
    names = list(own)
    head = " | ".join(f"{label}: ensemble; members' mean" for label, _, _ in sets)
    if below is not None:
        names = [s["series"] for s in _series(first) if s["train_rows"] < below]
    print(f"| series | training rows | season | snaive | AutoARIMA | AutoETS | {head} |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |" + " --- |" * len(sets))
    logs = {label: {"ens": [], "mean": [], "each": [[] for _ in members], "policy": []} for label, _, members in sets}
    wins = {label: 0 for label, _, _ in sets}
    secs = {label: [0.0, 0.0] for label, _, _ in sets}
    rows = _series(first)
    whole = True
    for s in rows:
        name = s["series"]
        m = own[name]
        best = min(m[k]["mae"] for k in ("autoarima", "autoets"))
        short = below is None or s["train_rows"] < below
        cells = []
        for label, ens_spec, member_specs in sets:
            e = _row(first, ens_spec, name)
            if not short and not all(name in _runs(x.rpartition(":")[0] or first) for x in member_specs):
                whole = False  # a longer series the members were not run on: no whole-corpus line
                continue
            ms = [_row(first, x, name) for x in member_specs]
            mean_mae = sum(r["mae"] for r in ms) / len(ms)
            logs[label]["policy"].append(math.log((e["mae"] if short else mean_mae) / best))
            if not short:
                continue
            mean_rel = sum(r["mae_naive"] for r in ms) / len(ms)
            logs[label]["ens"].append(math.log(e["mae"] / best))
            logs[label]["mean"].append(math.log(mean_mae / best))
            for k, r in enumerate(ms):
                logs[label]["each"][k].append(math.log(r["mae"] / best))
            wins[label] += e["mae"] < mean_mae
            secs[label][0] += e["fit_seconds"]
            secs[label][1] += sum(r["fit_seconds"] for r in ms) / len(ms)
            mark = "**" if e["mae"] < mean_mae else ""
            cells.append(f"{mark}{e['mae_naive']:.3f}{mark}; {mean_rel:.3f}")
        if not short:
            continue
        sn = m.get("snaive", {}).get("mae_naive")
        print(
            f"| {name} | {s['train_rows']} | {m['naive']['season']} | {'–' if sn is None else f'{sn:.3f}'} | "
            f"{m['autoarima']['mae_naive']:.3f} | {m['autoets']['mae_naive']:.3f} | " + " | ".join(cells) + " |"
        )
    print()
    print(
        "| seed set | ensemble | members' mean | ratio | each member | ensemble better on | "
        "train s, ensemble | train s, one member (mean) |"
    )
    print("| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
    for label, _, _ in sets:
        lg = logs[label]
        ens, mean = _geo(lg["ens"]), _geo(lg["mean"])
        each = " / ".join(f"{_geo(x):.3f}" for x in lg["each"])
        print(
            f"| {label} | {ens:.3f} | {mean:.3f} | {ens / mean:.3f} | {each} | {wins[label]} of {len(names)} | "
            f"{secs[label][0]:.1f} | {secs[label][1]:.1f} |"
        )
    print()
    print("| series | single networks: mean; sd (range) | ensembles: mean; sd (range) |")
    print("| --- | --- | --- |")
    singles = sorted({x for _, _, members in sets for x in members})  # each network once
    for s in rows:
        name = s["series"]
        if below is not None and s["train_rows"] >= below:
            continue
        one = [_row(first, x, name)["mae_naive"] for x in singles]
        ens = [_row(first, e, name)["mae_naive"] for _, e, _ in sets]
        print(f"| {name} | {_spread(one)} | {_spread(ens)} |")
    if below is not None and whole:
        print()
        print(f"Whole corpus ({len(rows)}), the ensemble below {below} training rows, its members' mean above:")
        print()
        for label, _, _ in sets:
            print(f"- {label}: {_geo(logs[label]['policy']):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
