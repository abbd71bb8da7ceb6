"""Which rule should `--auto` choose by? Every candidate's selection errors and held-out score, then rules offline.

    OPENBLAS_NUM_THREADS=1 nice python benchmarks/auto_rule_study.py collect --seeds 0 --jobs 1 \\
        --output benchmarks/results/r8rule-s0.json [--series wineind,nile]
    python benchmarks/auto_rule_study.py rules benchmarks/results/r8rule-s0.json r8rule-s12.json ...

`collect`: for every corpus series (accuracy_study.py's protocol: the last 20% held out, origins
every H = 5 steps, each model fitted once on the rows before the first origin) and seed, it runs
`autoselect.select` on the training rows exactly as `lstm train --auto --seed S` does (today's
defaults: level input on; a budget of a day, so all candidates run), recording for EVERY candidate
of the space its per-origin selection errors (the (O,) MAEs `clearly_better` compares), its
selection MASE, and, fitted again on all the training rows as `--auto` refits its winner, its
forecasts from the held-out origins (its held-out MAE / naive). It also records which candidate
`select` chose and which is `nearest_defaults`. The JSON is rewritten after every (series, seed),
so a long run can be read while it goes on.

`rules`: from one or more collected files, the geometric mean over the series of held-out MAE /
best of (AutoARIMA, AutoETS) (the stored statistical run) of the candidate each rule chooses, per
seed and for the 3-seed mean (per series the mean MAE of the seeds, then the geometric mean), with a
leave-one-series-out check. Nothing here is used by lstmcli; it is where rules are compared on
the same fits before one goes into autoselect.py.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from pathlib import Path
from statistics import NormalDist

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from accuracy_study import CORPUS_SPEC, H, load_series, origins_of
from auto_topk_study import fitted_paths

from lstmcli import autoselect, parallel
from lstmcli.autoselect import Candidate
from lstmcli.training import TrainConfig

RESULTS = Path(__file__).resolve().parent / "results"
MACRO = "macro:"  # series of the check set: macro:NAME
MACRO_CSV = Path(__file__).resolve().parent / "corpus_panel" / "macrodata.csv"
#: the check set: macrodata's series that are not in the corpus (realgdp and cpi are), never used to pick a rule
MACRO_CHECK = ("realcons", "realinv", "realgovt", "realdpi", "m1", "tbilrate", "unemp", "pop", "infl", "realint")
FREQ = {"MS": "M", "QS": "Q", "YS": "Y", "W": "W", "B": "B", "D": "D"}


def _r(x) -> list:
    """Floats rounded to 7 significant digits for the JSON (NaN as None)."""
    return [None if not math.isfinite(v) else float(f"{v:.7g}") for v in np.asarray(x, dtype=np.float64).ravel()]


# ----------------------------------------------------------------------------- collect


def collect_one(task: tuple[str, int]) -> dict:
    """One series and seed: the selection with every candidate's per-origin errors, then every candidate's refit."""
    name, seed = task
    if name.startswith(MACRO):
        y, freq = macro_series(name[len(MACRO) :]), "Q"
    else:
        y, _ = load_series(name)
        freq = FREQ.get(next(s for s in CORPUS_SPEC if s.name == name).freq)
    origins = np.asarray(origins_of(len(y)))
    train_n = int(origins[0])
    base = TrainConfig(seed=seed)
    seen: list[tuple] = []  # (task, outcome) of every candidate, in the order they ran
    run = autoselect._run

    def spy(t, should_stop=None):
        out = run(t, should_stop)
        seen.append((t, out))
        return out

    t0 = time.perf_counter()
    autoselect._run = spy  # jobs=1: select calls _run in this process
    try:
        sel = autoselect.select(y[:train_n], base, frequency=freq, jobs=1, budget=autoselect.MAX_BUDGET)
    finally:
        autoselect._run = run
    select_s = time.perf_counter() - t0
    tasks = [t for t, _ in seen]
    cands = [t.candidate for t in tasks]
    sel_prices = tasks[0].prices[:, 0]
    sel_origins = tasks[0].origins
    every = int(sel_origins[1] - sel_origins[0]) if len(sel_origins) > 1 else 1
    inc = autoselect.nearest_defaults(cands, base, sel_prices)
    mase = {e.name: e.mase for e in sel.info.board if e.kind == "lstm"}
    actual = y[origins[:, None] + np.arange(H)[None, :]]  # (O, H)
    naive_mae = float(np.mean(np.abs(actual - y[origins - 1][:, None])))
    rows = []
    for c, (_, out) in zip(cands, seen, strict=True):
        paths = held_out_paths(c, base, y, train_n, origins, freq)
        held = None if paths is None else float(np.mean(np.abs(actual - paths)))
        rows.append(
            {
                "label": c.label,
                "settings": c.settings(),
                "status": out.status,
                "mase": mase.get(c.label),
                "sel_mae": out.mae,
                "sel_origin_mae": None if out.origin_mae is None else _r(out.origin_mae),
                "held_mae": held,
                "held_rel": None if held is None else held / naive_mae,
                "held_paths": None if paths is None else _r(paths),
            }
        )
    return {
        "series": name,
        "seed": seed,
        "rows": len(y),
        "train_rows": train_n,
        "origins": origins.tolist(),
        "naive_mae": naive_mae,
        "actual": _r(actual),
        "horizon": sel.info.horizon,
        "every": every,
        "sel_origins": len(sel_origins),
        "season": sel.info.season,
        "chosen": cands.index(sel.chosen),
        "defaults": inc,
        "rule": sel.info.rule,
        "baselines": {e.name: e.mase for e in sel.info.board if e.kind == "baseline"},
        "candidates": rows,
        "select_seconds": round(select_s, 2),
        "seconds": round(time.perf_counter() - t0, 2),
    }


def macro_series(name: str) -> np.ndarray:
    """One of the 12 quarterly series of statsmodels' macrodata (benchmarks/corpus_panel/macrodata.csv)."""
    with open(MACRO_CSV, newline="") as f:
        return np.array([float(r["Value"]) for r in csv.DictReader(f) if r["Series"] == name])


def held_out_paths(c: Candidate, base: TrainConfig, y, train_n: int, origins, freq) -> np.ndarray | None:
    """Candidate `c` fitted on y[:train_n] (the refit --auto does for its winner): its forecasts (O, H) from origins;
    None when the fit fails or the forecasts run off to infinity."""
    out = fitted_paths(c, base, y, train_n, origins, freq)
    return out if out is not None and np.isfinite(out).all() else None


def collect(a) -> int:
    names = [MACRO + n for n in MACRO_CHECK] if a.macro else [s.name for s in CORPUS_SPEC]
    names = [n for n in names if not a.series or n.removeprefix(MACRO) in a.series.split(",")]
    seeds = [int(x) for x in a.seeds.split(",")]
    tasks = [(n, seed) for seed in seeds for n in names]
    out = Path(a.output)
    done: list[dict] = []
    if out.exists() and a.resume:
        done = json.loads(out.read_text())["runs"]
        have = {(r["series"], r["seed"]) for r in done}
        tasks = [t for t in tasks if t not in have]
    meta = {
        "argv": sys.argv[1:],
        "horizon": H,
        "protocol": "accuracy_study.py",
        "level_input": TrainConfig().level_input,
    }
    for _, r in parallel.run(collect_one, tasks, a.jobs):
        done.append(r)
        c = r["candidates"]
        print(
            f"{r['series']:>22} seed {r['seed']}: {len(c)} candidates, chosen {c[r['chosen']]['label']} "
            f"{c[r['chosen']]['held_rel']:.3f}, defaults {c[r['defaults']]['label']} {c[r['defaults']]['held_rel']:.3f}"
            f" ({r['seconds']:.0f} s)",
            flush=True,
        )
        out.write_text(json.dumps({"meta": meta, "runs": done}))
    return 0


# ----------------------------------------------------------------------------- rules


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--series")
    c.add_argument("--seeds", default="0")
    c.add_argument("--jobs", type=int, default=1)
    c.add_argument("--output", required=True)
    c.add_argument("--macro", action="store_true", help="the check set: macrodata's series not in the corpus")
    c.add_argument("--resume", action="store_true", help="skip (series, seed) pairs already in --output")
    r = sub.add_parser("rules")
    r.add_argument("files", nargs="+")
    r.add_argument("--stored", default=str(RESULTS / "accuracy-2026-11-29.json"))
    r.add_argument(
        "--also",
        action="append",
        default=[],
        help="LABEL=FILE:METHOD,FILE:METHOD,... (one per seed, in order): an accuracy_study run shown as a row, "
        "and compared with today's rule (the study must reproduce --auto's figures)",
    )
    a = ap.parse_args(argv)
    return collect(a) if a.cmd == "collect" else rules(a)


def se_margin(a, b, horizon: int, every: int) -> float | None:
    """(mean + one standard error) of the per-origin difference a - b, as `autoselect.clearly_better` (None: < 2)."""
    if a is None or b is None or len(a) < 2:
        return None
    d = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)  # (O,)
    n = max(1.0, len(d) * min(1.0, every / horizon))
    return float(d.mean()), float(d.std(ddof=1) / math.sqrt(n))


def beats(run: dict, k: int, j: int, z: float) -> bool:
    """Whether candidate k's selection errors are lower than j's by more than z standard errors."""
    c = run["candidates"]
    m = se_margin(c[k]["sel_origin_mae"], c[j]["sel_origin_mae"], run["horizon"], run["every"])
    return m is not None and m[0] + z * m[1] < 0


def scored(run: dict, keep=lambda c: True) -> list[int]:
    return [k for k, c in enumerate(run["candidates"]) if c["mase"] is not None and keep(c)]


def lowest(run: dict, keep=lambda c: True) -> int:
    c = run["candidates"]
    return min(scored(run, keep), key=lambda k: (c[k]["mase"], k))


def se_rule(z, keep=lambda c: True):
    """Keep the defaults' candidate unless the lowest score (among `keep`) beats it by more than z SE.

    z may be a function of the number m of candidates scored (the lowest of m is a selected one).
    """

    def rule(run: dict) -> int:
        best, inc = lowest(run, keep), run["defaults"]
        if best == inc or run["candidates"][inc]["mase"] is None:
            return best
        return best if beats(run, best, inc, z(len(scored(run, keep))) if callable(z) else z) else inc

    return rule


def any_beats_rule(z: float):
    """The lowest score among the candidates that beat the defaults' by more than z SE each; else the defaults'."""

    def rule(run: dict) -> int:
        inc, c = run["defaults"], run["candidates"]
        ok = [k for k in scored(run) if k == inc or beats(run, k, inc, z)]
        return min(ok, key=lambda k: (c[k]["mase"], k)) if c[inc]["mase"] is not None else lowest(run)

    return rule


def gain_rule(x: float):
    """Keep the defaults' candidate unless the lowest score is lower than its score by more than a share x."""

    def rule(run: dict) -> int:
        best, inc = lowest(run), run["defaults"]
        c = run["candidates"]
        if c[inc]["mase"] is None:
            return best
        return best if c[best]["mase"] < (1 - x) * c[inc]["mase"] else inc

    return rule


def near_ties(z: float, with_defaults: bool = False):
    """Median forecast of the candidates the lowest score does not beat by more than z SE (itself included)."""

    def rule(run: dict) -> list[int]:
        best = lowest(run)
        ks = [k for k in scored(run) if k == best or not beats(run, best, k, z)]
        if with_defaults and run["defaults"] not in ks:
            ks.append(run["defaults"])
        return ks

    return rule


def restricted(dims: tuple[str, ...], z: float | None):
    """Only candidates that share the defaults' values outside `dims`; then the lowest (z None) or the z-SE rule."""

    def keep_for(run):
        inc = run["candidates"][run["defaults"]]["settings"]
        return lambda c: all(c["settings"][f] == v for f, v in inc.items() if f not in dims and f != "horizon")

    def rule(run: dict) -> int:
        keep = keep_for(run)
        return lowest(run, keep) if z is None else se_rule(z, keep)(run)

    return rule


def held(run: dict, choice) -> float:
    """Held-out MAE of a choice: one candidate's index, or a list of them (their median forecast)."""
    c = run["candidates"]
    if isinstance(choice, int):
        return c[choice]["held_mae"]
    paths = [np.asarray(c[k]["held_paths"], dtype=np.float64) for k in choice if c[k]["held_paths"] is not None]
    return float(np.mean(np.abs(np.median(np.stack(paths), axis=0) - np.asarray(run["actual"]))))


RULES = {
    "1 SE (today's)": se_rule(1.0),
    "1.5 SE": se_rule(1.5),
    "2 SE": se_rule(2.0),
    "3 SE": se_rule(3.0),
    "0.5 SE": se_rule(0.5),
    "sqrt(2 ln m) SE (m candidates: 2.5 for 24)": se_rule(lambda m: math.sqrt(2 * math.log(max(m, 2)))),
    "Bonferroni 5% over m - 1 comparisons (2.9 SE for 24)": se_rule(
        lambda m: NormalDist().inv_cdf(1 - 0.05 / max(m - 1, 1))
    ),
    "Bonferroni 10% (2.6 SE for 24)": se_rule(lambda m: NormalDist().inv_cdf(1 - 0.10 / max(m - 1, 1))),
    "Bonferroni 1% (3.5 SE for 24)": se_rule(lambda m: NormalDist().inv_cdf(1 - 0.01 / max(m - 1, 1))),
    "lowest of those beating the defaults by 1 SE": any_beats_rule(1.0),
    "lowest of those beating the defaults by 2 SE": any_beats_rule(2.0),
    "lowest score (no rule)": lowest,
    "always defaults": lambda run: run["defaults"],
    "gain > 5%": gain_rule(0.05),
    "gain > 10%": gain_rule(0.10),
    "gain > 20%": gain_rule(0.20),
    "median of those within 1 SE of the lowest": near_ties(1.0),
    "median of those within 2 SE of the lowest": near_ties(2.0),
    "median within 1 SE + defaults": near_ties(1.0, True),
    "median of all candidates": near_ties(math.inf),
    "target x strategy only, lowest": restricted(("target", "strategy"), None),
    "target x strategy only, 1 SE": restricted(("target", "strategy"), 1.0),
    "target only, lowest": restricted(("target",), None),
    "target only, 1 SE": restricted(("target",), 1.0),
    "strategy only, 1 SE": restricted(("strategy",), 1.0),
    "window x hidden only, 1 SE": restricted(("window", "hidden"), 1.0),
}
TUNED = {  # families with a parameter: leave-one-series-out picks it on the other series
    "k SE, k tuned": {f"{z} SE": se_rule(z) for z in (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, math.inf)},
    "gain, x tuned": {f"{x:.0%}": gain_rule(x) for x in (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 1.0)},
}


def best_statistical(path: str) -> dict[str, float]:
    out = {}
    for s in json.loads(Path(path).read_text())["series"]:
        m = {x["method"]: x for x in s["methods"]}
        out[s["series"]] = min(m["autoarima"]["mae"], m["autoets"]["mae"])
    return out


def geo(x) -> float:
    return float(np.exp(np.mean(np.log(list(x)))))


def rules(a) -> int:
    runs = [r for f in a.files for r in json.loads(Path(f).read_text())["runs"]]
    stat = best_statistical(a.stored)
    seeds = sorted({r["seed"] for r in runs})
    by = {(r["series"], r["seed"]): r for r in runs}
    names = list(dict.fromkeys(r["series"] for r in runs if all((r["series"], d) in by for d in seeds)))
    if not all(n in stat for n in names):  # the check set: no stored statistical run, so MAE / naive
        print("reference: the naive forecast's held-out MAE (geometric means of MAE / naive)")
        stat = {n: by[n, seeds[0]]["naive_mae"] for n in names}
    # the study reproduces select's choice
    bad = [k for k, r in by.items() if RULES["1 SE (today's)"](r) != r["chosen"]]
    print(
        f"series {len(names)}, seeds {seeds}; today's rule reproduces select's choice on "
        f"{len(by) - len(bad)} of {len(by)} runs {bad or ''}\n"
    )

    def mae_table(rule) -> dict[str, list[float]]:  # series -> held-out MAE per seed
        return {n: [held(by[n, d], rule(by[n, d])) for d in seeds] for n in names}

    def score(t: dict[str, list[float]], only=None) -> tuple[float, list[float]]:
        ns = [n for n in names if only is None or n in only]
        mean = geo(np.mean(t[n]) / stat[n] for n in ns)
        return mean, [geo(t[n][i] / stat[n] for n in ns) for i in range(len(seeds))]

    tables = {name: mae_table(rule) for name, rule in RULES.items()}
    ref = tables["1 SE (today's)"]
    for spec in a.also:  # stored accuracy_study runs, one method per seed
        label, runs_ = spec.split("=", 1)
        t: dict[str, list[float]] = {n: [] for n in names}
        for part in runs_.split(","):
            f, method = part.rsplit(":", 1)
            stored = {
                x["series"]: {m["method"]: m for m in x["methods"]} for x in json.loads(Path(f).read_text())["series"]
            }
            for n in names:
                t[n].append(stored[n][method]["mae"])
        tables[f"stored: {label}"] = t
        for other in ("1 SE (today's)", "always defaults"):
            diff = max(abs(t[n][i] / tables[other][n][i] - 1) for n in names for i in range(len(seeds)))
            same = sum(abs(t[n][i] / tables[other][n][i] - 1) < 1e-6 for n in names for i in range(len(seeds)))
            print(
                f"stored {label} vs {other}: {same} of {len(names) * len(seeds)} equal, "
                f"largest relative difference {diff:.4f}"
            )
    print(
        "| rule | geo-mean, mean of seeds | "
        + " | ".join(f"seed {d}" for d in seeds)
        + " | series better / worse than today's (3-seed mean MAE) | mean log-ratio vs today's (t) "
        + "| runs not on the defaults' candidate | any one series left out: range of geo-mean minus today's |"
    )
    print("| --- | ---: | " + " | ".join("---:" for _ in seeds) + " | ---: | ---: | ---: | ---: |")
    for name, t in tables.items():
        picks = [(RULES[name](r), r["defaults"]) for r in by.values()] if name in RULES else []
        off = sum(isinstance(k, list) or k != inc for k, inc in picks)
        m, per = score(t)
        lr = np.array([math.log(np.mean(t[n]) / np.mean(ref[n])) for n in names])
        better, worse = int((lr < -1e-6).sum()), int((lr > 1e-6).sum())
        drop = [score(t, set(names) - {n})[0] - score(ref, set(names) - {n})[0] for n in names]
        tstat = lr.mean() / (lr.std(ddof=1) / math.sqrt(len(lr))) if np.abs(lr).max() > 1e-6 else 0.0
        print(
            f"| {name} | {m:.3f} | "
            + " | ".join(f"{v:.3f}" for v in per)
            + f" | {better} / {worse} | {lr.mean():+.4f} ({tstat:+.2f}) | {off if picks else '-'} | "
            + "{:+.3f} .. {:+.3f} |".format(*(f(drop) for f in (min, max)))
        )
    # leave one series out: the family's parameter chosen on the other series (3-seed mean), applied to the one left
    print()
    for fam, members in TUNED.items():
        mt = {k: mae_table(rule) for k, rule in members.items()}
        loso, picks = {}, []
        for n in names:
            others = [x for x in names if x != n]
            k = min(mt, key=lambda k: score(mt[k], others)[0])
            picks.append(k)
            loso[n] = mt[k][n]
        m, per = score(loso)
        full = {k: round(score(v)[0], 3) for k, v in mt.items()}
        print(
            f"{fam}: on all series {full}; leave-one-series-out geo-mean {m:.3f} (seeds "
            + " / ".join(f"{v:.3f}" for v in per)
            + f"), parameter picked: {sorted(set(picks))}"
        )
    # per series: the 3-seed mean of a few rules
    show = [
        "always defaults",
        "Bonferroni 5% over m - 1 comparisons (2.9 SE for 24)",
        "1 SE (today's)",
        "2 SE",
        "lowest score (no rule)",
        "median of those within 1 SE of the lowest",
    ]
    print("\n| series | best stat | " + " | ".join(show) + " |")
    print("| --- | ---: | " + " | ".join("---:" for _ in show) + " |")
    for n in names:
        naive = by[n, seeds[0]]["naive_mae"]
        print(
            f"| {n} | {stat[n] / naive:.3f} | "
            + " | ".join(
                f"{np.mean(tables[s][n]) / naive:.3f}; " + " / ".join(f"{v / naive:.3f}" for v in tables[s][n])
                for s in show
            )
            + " |"
        )
    if {0, 1, 2} <= set(seeds):
        seed_ensembles(by, names, stat)
    return 0


def seed_ensembles(by: dict, names: list[str], stat: dict[str, float]) -> None:
    """`--auto --ensemble 3` at seed 0, offline: the candidate a rule picks with seed 0, refitted with seeds
    0, 1, 2 (ensemble member k has seed 0 + k, and member 0 is the single model), median forecast."""

    def paths(run: dict, label: str) -> np.ndarray | None:
        c = next((c for c in run["candidates"] if c["label"] == label), None)
        return None if c is None or c["held_paths"] is None else np.asarray(c["held_paths"], dtype=np.float64)

    def ens_mae(n: str, labels: list[str]) -> float:
        ps = [p for d in (0, 1, 2) for lab in labels if (p := paths(by[n, d], lab)) is not None]
        return float(np.mean(np.abs(np.median(np.stack(ps), axis=0) - np.asarray(by[n, 0]["actual"]))))

    rows = {}
    for name in ("1 SE (today's)", "Bonferroni 5% over m - 1 comparisons (2.9 SE for 24)", "always defaults"):
        single = {n: held(by[n, 0], RULES[name](by[n, 0])) for n in names}
        ens = {n: ens_mae(n, [by[n, 0]["candidates"][RULES[name](by[n, 0])]["label"]]) for n in names}
        rows[name] = (single, ens)
    every = {n: [c["label"] for c in by[n, 0]["candidates"] if c["held_paths"] is not None] for n in names}
    all1 = {n: held(by[n, 0], RULES["median of all candidates"](by[n, 0])) for n in names}
    all3 = {n: ens_mae(n, every[n]) for n in names}
    print("\nSeed ensembles, offline (selection with seed 0; the pick refitted with seeds 0, 1, 2, median):")
    print("| rule | single model (seed 0) | --ensemble 3 |")
    print("| --- | ---: | ---: |")
    for name, (single, ens) in rows.items():
        print(
            f"| {name} | {geo(single[n] / stat[n] for n in names):.3f} | {geo(ens[n] / stat[n] for n in names):.3f} |"
        )
    print(
        f"| median of all candidates | {geo(all1[n] / stat[n] for n in names):.3f} | "
        f"{geo(all3[n] / stat[n] for n in names):.3f} (x 3 seeds) |"
    )
    print("\n| series | " + " | ".join(f"{k}: single / ens 3" for k in rows) + " |")
    print("| --- | " + " | ".join("---:" for _ in rows) + " |")
    for n in names:
        naive = by[n, 0]["naive_mae"]
        cells = [f"{single[n] / naive:.3f} / {ens[n] / naive:.3f}" for single, ens in rows.values()]
        print(f"| {n} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    raise SystemExit(main())
