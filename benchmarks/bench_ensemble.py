"""Ensembles (`lstm train --ensemble N`): median vs mean vs one network, and --jobs 1 vs 2 wall time.

    python benchmarks/bench_ensemble.py combine --series wineind,woolyrnq,lynx,elnino,realgdp,goog
    python benchmarks/bench_ensemble.py timing --members 4 --repeats 3
    python benchmarks/bench_ensemble.py cost --series shampoo,nile,wineind,realgdp,elnino,dax
    python benchmarks/bench_ensemble.py pool --repeats 5 --before /tmp/main-tree

`combine`: the accuracy study's protocol (benchmarks/accuracy_study.py: last 20% held out,
origins every 5 steps, one fit on the rows before the first origin, forecasts of steps 1..5
from the data up to each origin). ONE ensemble of N members is fitted per series with the
library (the settings `lstm train` uses by default), and from the same members three
forecasts are scored: member 0 alone (the model `--ensemble 1` gives: same seed, same
weights), the members' median and their mean; and each member alone, averaged (what one
network of an arbitrary seed scores: the fair "one vs five" comparison, since member 0 is
one draw of the seed lottery). Reports MAE / naive's MAE per series and the geometric mean
over series. (Coverage needs intervals calibrated per combination: see the
accuracy study's `--method lstm-ens5="--ensemble 5"` for that.)

`timing`: `lstm train` (the installed command, as a user runs it) of an ensemble of
--members on sample_data/daily_stock.csv with --jobs 1 and --jobs 2, alternated, --repeats
times each; medians side by side, with the load average before and after (the machine is
shared: other processes' load slows --jobs 2 most).

`cost`: what an ensemble costs on the accuracy study's training parts (the rows before the first
origin of each corpus or check-set series): `lstm train` as a user runs it (the installed command, a
subprocess) with `--ensemble 1` and, for each N of `--sizes` (default 3), `--ensemble N --jobs 1` and
`--ensemble N` (--jobs: the cores), alternated, --repeats times each: median wall seconds and the model
file's size; and the fits alone (`Forecaster.fit` in this process on the file read as `lstm train` reads
it, no start-up or reading: one network, and N members one after another), the figures an "is training
cheap here" threshold is about.

`pool`: is the worker pool worth starting for a short ensemble? `lstm train` of the corpus training
parts with `--ensemble 3 --jobs 1`, `--ensemble 3` (--jobs: the cores) and no --ensemble (the default's
ensemble below 300 rows), and with `--before DIR` the last two in another tree, alternated run by run.

`phases`: where the `lstm train` process (the parent) spends its wall time, for this tree and,
with `--compare DIR`, another lstmcli tree (e.g. `git archive main` unpacked in /tmp), probes
interleaved tree by tree and --jobs by --jobs:

    python benchmarks/bench_ensemble.py phases --members 4 --repeats 3 --compare /tmp/ens-before

Each probe is a fresh interpreter running `lstm train` in-process (`lstmcli.cli.main`) with the
library's own steps timed from outside (the same wrappers for either tree): start-up and reading
up to the ensemble's fit (`prepare`, from the probe's first line: Python's own start-up
excluded), the members' fit as a whole (`fits`, from the call to its
return: pool start included), the first member's result (`first`), the validation and interval
calibration after it (`post-fit`), `save`, the whole run (`wall`) and the parent's own CPU
seconds (`cpu`, time.process_time: the workers' CPU is not in it). The parent's CPU is the
figure least moved by other processes' load: what it spends serially is what --jobs cannot divide.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):  # as `lstm` and its workers run
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from accuracy_study import H, _write_csv, load_series, origins_of  # noqa: E402

SAMPLE = HERE.parent / "sample_data" / "daily_stock.csv"


def _training_part(tmp: str, name: str) -> tuple[Path, int]:
    """The corpus series' rows before its first held-out origin, written as `lstm train` reads them: (csv, rows)."""
    y, dates = load_series(name)
    n = origins_of(len(y))[0]
    train_csv = Path(tmp) / f"{name}.csv"
    _write_csv(train_csv, y[:n], dates[:n])
    return train_csv, n


def combine_study(names: list[str], members: int, jobs: int) -> dict:
    from lstmcli.forecast import Forecaster
    from lstmcli.training import TrainConfig

    rows = []
    for name in names:
        y, _ = load_series(name)
        origins = origins_of(len(y))
        t0 = time.perf_counter()
        fc = Forecaster(TrainConfig(), auto_window=True, ensemble=members, jobs=jobs).fit(y[: origins[0]])
        fit = time.perf_counter() - t0
        W, off = fc.config.window, fc.target.offset
        hist = np.stack([y[o - W - off : o, None] for o in origins])  # (O, W + off, 1)
        paths = np.stack([p[:, :, 0] for p in fc.member_paths(hist, H)])  # (N, O, H)
        actual = np.array([y[o : o + H] for o in origins])  # (O, H)
        naive = np.abs(actual - y[np.array(origins) - 1, None]).mean()
        forecasts = {"member0": paths[0], "median": np.median(paths, axis=0), "mean": paths.mean(axis=0)}
        rel = {k: float(np.abs(actual - f).mean() / naive) for k, f in forecasts.items()}
        each = [float(np.abs(actual - p).mean() / naive) for p in paths]  # every member alone
        rel["member_mean"] = float(np.mean(each))  # a single network of a random seed, on average
        rel["members"] = each
        rows.append({"series": name, "rows": len(y), "origins": len(origins), "fit_seconds": fit, **rel})
        shown = {k: v for k, v in rel.items() if k != "members"}
        print(f"{name}: " + ", ".join(f"{k} {v:.3f}" for k, v in shown.items()) + f" ({fit:.1f} s)", file=sys.stderr)
    geo = {k: math.exp(np.mean([math.log(r[k]) for r in rows])) for k in ("member0", "member_mean", "median", "mean")}
    return {"members": members, "series": rows, "geomean_mae_rel_naive": geo}


def cost(names: list[str], repeats: int, sizes: tuple[int, ...] = (3,)) -> dict:
    from lstmcli.data import read_prices
    from lstmcli.forecast import Forecaster
    from lstmcli.training import TrainConfig

    exe = str(Path(sys.executable).parent / "lstm")
    runs = {"single": ["--ensemble", "1"]}
    for n in sizes:  # each size with --jobs 1 and with --jobs left at its default (the cores)
        runs |= {f"ens{n}-jobs1": ["--ensemble", str(n), "--jobs", "1"], f"ens{n}": ["--ensemble", str(n)]}
    rows = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            train_csv, n = _training_part(tmp, name)
            walls: dict[str, list[float]] = {k: [] for k in runs}
            fits: dict[int, list[float]] = {n: [] for n in (1, *sizes)}
            file_bytes = {}
            series = read_prices(train_csv)  # with its dates: the season is found as lstm train finds it
            for _ in range(repeats):
                for size in fits:  # in this process, one member after another
                    t0 = time.perf_counter()
                    Forecaster(TrainConfig(), auto_window=True, ensemble=size, jobs=1).fit(series)
                    fits[size].append(time.perf_counter() - t0)
                for key, flags in runs.items():  # alternated, so drift of the machine's load hits all
                    model = Path(tmp) / f"{name}-{key}.npz"
                    t0 = time.perf_counter()
                    subprocess.run(
                        [exe, "train", str(train_csv), "-q", "--model", str(model), *flags],
                        check=True,
                        capture_output=True,
                    )
                    walls[key].append(time.perf_counter() - t0)
                    file_bytes[key] = model.stat().st_size
            row = {"series": name, "train_rows": n, "fit_single": statistics.median(fits[1])}
            row |= {f"fit_ens{k}_jobs1": statistics.median(v) for k, v in fits.items() if k != 1}
            row |= {f"wall_{k}": statistics.median(v) for k, v in walls.items()}
            row |= {f"bytes_{k}": v for k, v in file_bytes.items()}
            rows.append(row)
            print(f"{name}: " + ", ".join(f"{k} {v:.2f}" for k, v in row.items() if k != "series"), file=sys.stderr)
    return {"repeats": repeats, "series": rows, "loadavg_before": load_before, "loadavg_after": os.getloadavg()}


def pool(names: list[str], repeats: int, before: str | None) -> dict:
    """`lstm train` of each corpus series' training part (as `cost`): `--ensemble 3` with --jobs 1, with --jobs
    left at its default (the cores), and without --ensemble (the default's ensemble below 300 rows), in this
    tree and, with `before`, the same two default-jobs runs in another tree (PYTHONPATH=before); all
    alternated run by run, medians of `repeats`."""
    exe = str(Path(sys.executable).parent / "lstm")
    here = str(HERE.parent)
    runs = {
        "ens3-jobs1": (here, ["--ensemble", "3", "--jobs", "1"]),
        "ens3": (here, ["--ensemble", "3"]),
        "default": (here, []),
    }
    if before:
        runs |= {"ens3-before": (before, ["--ensemble", "3"]), "default-before": (before, [])}
    rows = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            train_csv, n = _training_part(tmp, name)
            walls: dict[str, list[float]] = {k: [] for k in runs}
            for _ in range(repeats):
                for key, (tree, flags) in runs.items():
                    env = {**os.environ, "PYTHONPATH": tree}
                    t0 = time.perf_counter()
                    subprocess.run(
                        [exe, "train", str(train_csv), "-q", "--model", str(Path(tmp) / f"{name}-{key}.npz"), *flags],
                        check=True,
                        capture_output=True,
                        env=env,
                    )
                    walls[key].append(time.perf_counter() - t0)
            row = {"series": name, "train_rows": n} | {k: statistics.median(v) for k, v in walls.items()}
            row |= {f"runs_{k}": v for k, v in walls.items()}
            rows.append(row)
            print(f"{name}: " + ", ".join(f"{k} {row[k]:.2f}" for k in runs), file=sys.stderr)
    return {"repeats": repeats, "series": rows, "loadavg_before": load_before, "loadavg_after": os.getloadavg()}


def timing(members: int, repeats: int, epochs: int) -> dict:
    exe = str(Path(sys.executable).parent / "lstm")
    times: dict[int, list[float]] = {1: [], 2: []}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            for jobs in (1, 2):  # alternated, so drift of the machine's load hits both
                cmd = [exe, "train", str(SAMPLE), "-q", "--model", f"{tmp}/m.npz", "--epochs", str(epochs)]
                cmd += ["--ensemble", str(members), "--jobs", str(jobs)]
                t0 = time.perf_counter()
                subprocess.run(cmd, check=True, capture_output=True)
                times[jobs].append(time.perf_counter() - t0)
    load_after = os.getloadavg()
    med = {j: statistics.median(t) for j, t in times.items()}
    return {
        "members": members,
        "epochs": epochs,
        "repeats": repeats,
        "seconds": times,
        "median_jobs1": med[1],
        "median_jobs2": med[2],
        "speedup": med[1] / med[2],
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "cpus": os.cpu_count(),
    }


PROBE = r"""
import json, os, sys, time
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[1])
import lstmcli.ensemble as ens
import lstmcli.forecast as fc
from lstmcli.cli import main
marks = {"fits": 0.0, "post-fit": 0.0, "save": 0.0}
fit_members, evaluate, save = ens.fit_members, fc.Forecaster._evaluate, fc.Forecaster.save

def timed_fit_members(tasks, jobs, on_member=None, should_stop=None):
    start = time.perf_counter()
    marks.setdefault("prepare", start - t0)
    marks.setdefault("cpu-prepare", time.process_time())

    def first(done, total):
        marks.setdefault("first", time.perf_counter() - start)
        if on_member is not None:
            on_member(done, total)

    out = fit_members(tasks, jobs, first, should_stop)
    marks["fits"] += time.perf_counter() - start
    return out

def timed(name, fn):
    def wrapper(*a, **kw):
        start = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            marks[name] += time.perf_counter() - start
    return wrapper

ens.fit_members = timed_fit_members
fc.Forecaster._evaluate = timed("post-fit", evaluate)
fc.Forecaster.save = timed("save", save)
try:
    main(sys.argv[2:])
except SystemExit as e:
    assert not e.code, e.code
marks["wall"] = time.perf_counter() - t0
marks["cpu"] = time.process_time()
marks["lstmcli"] = os.path.dirname(ens.__file__)
print(json.dumps(marks))
"""

PHASES = ("prepare", "cpu-prepare", "first", "fits", "post-fit", "save", "wall", "cpu")


def phases(members: int, repeats: int, epochs: int, trees: dict[str, str]) -> dict:
    """Phase timings (PROBE) of `lstm train --ensemble members` per tree and --jobs; medians."""
    runs: dict[str, dict[int, list[dict]]] = {name: {1: [], 2: []} for name in trees}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            for jobs in (1, 2):
                for name, root in trees.items():  # interleaved: drift of the load hits every tree alike
                    argv = ["train", str(SAMPLE), "-q", "--model", f"{tmp}/{name}.npz", "--epochs", str(epochs)]
                    argv += ["--ensemble", str(members), "--jobs", str(jobs)]
                    out = subprocess.run(
                        [sys.executable, "-c", PROBE, root, *argv], check=True, capture_output=True, text=True
                    ).stdout
                    marks = json.loads(out.strip().splitlines()[-1])
                    assert Path(marks["lstmcli"]).resolve() == (Path(root) / "lstmcli").resolve(), marks["lstmcli"]
                    runs[name][jobs].append(marks)
    load_after = os.getloadavg()
    medians = {
        name: {
            jobs: {k: statistics.median(m[k] for m in ms) for k in PHASES if all(k in m for m in ms)}
            for jobs, ms in by_jobs.items()
        }
        for name, by_jobs in runs.items()
    }
    return {
        "members": members,
        "epochs": epochs,
        "repeats": repeats,
        "trees": trees,
        "runs": runs,
        "medians": medians,
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    c = sub.add_parser("combine", help="median vs mean vs member 0 on corpus series")
    c.add_argument("--series", default="wineind,woolyrnq,lynx,elnino,realgdp,goog")
    c.add_argument("--members", type=int, default=5)
    c.add_argument("--jobs", type=int, default=1)
    t = sub.add_parser("timing", help="--jobs 1 vs 2 wall time of lstm train --ensemble N")
    t.add_argument("--members", type=int, default=4)
    t.add_argument("--repeats", type=int, default=3)
    t.add_argument("--epochs", type=int, default=10)
    co = sub.add_parser("cost", help="wall time and file size of --ensemble 3 vs 1 on corpus training parts")
    co.add_argument("--series", default="shampoo,austres,nile,lynx,woolyrnq,wineind,realgdp,ausbeer,elnino,dax")
    co.add_argument("--repeats", type=int, default=3)
    co.add_argument("--sizes", default="3", help="ensemble sizes beside one network, e.g. 3,5")
    po = sub.add_parser("pool", help="lstm train --ensemble 3: --jobs 1 vs the default, this tree vs another")
    po.add_argument("--series", default="shampoo,austres,nile,lynx,woolyrnq,wineind,realgdp")
    po.add_argument("--repeats", type=int, default=5)
    po.add_argument("--before", help="another lstmcli tree (its root directory), run with PYTHONPATH=BEFORE")
    ph = sub.add_parser("phases", help="the parent's phases (prepare, fits, post-fit, save, CPU), per tree")
    ph.add_argument("--members", type=int, default=4)
    ph.add_argument("--repeats", type=int, default=3)
    ph.add_argument("--epochs", type=int, default=10)
    ph.add_argument("--compare", help="another lstmcli tree (its root directory) probed beside this one")
    for p in (c, t, co, po, ph):
        p.add_argument("--output", help="JSON file for the results")
    a = ap.parse_args(argv)
    if a.what == "combine":
        out = combine_study(a.series.split(","), a.members, a.jobs)
        n = a.members
        print(f"| series | member 0 (= --ensemble 1) | one member, mean of {n} | median of {n} | mean of {n} |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for r in out["series"]:
            print(
                f"| {r['series']} | {r['member0']:.3f} | {r['member_mean']:.3f} | {r['median']:.3f} | {r['mean']:.3f} |"
            )
        g = out["geomean_mae_rel_naive"]
        print(f"| geometric mean | {g['member0']:.3f} | {g['member_mean']:.3f} | {g['median']:.3f} | {g['mean']:.3f} |")
    elif a.what == "cost":
        sizes = tuple(int(n) for n in a.sizes.split(","))
        out = cost(a.series.split(","), a.repeats, sizes)
        head = ["training rows", "fit, single (s)"] + [f"fit, {n} members, --jobs 1 (s)" for n in sizes]
        head += ["lstm train, single (s)"] + [f"--ensemble {n}{j} (s)" for n in sizes for j in (" --jobs 1", "")]
        head += ["file, single (KB)"] + [f"file, --ensemble {n} (KB)" for n in sizes]
        keys = ["fit_single"] + [f"fit_ens{n}_jobs1" for n in sizes] + ["wall_single"]
        keys += [f"wall_ens{n}{j}" for n in sizes for j in ("-jobs1", "")]
        print("| series | " + " | ".join(head) + " |")
        print("| --- |" + " ---: |" * len(head))
        for r in out["series"]:
            cells = [str(r["train_rows"])] + [f"{r[k]:.2f}" for k in keys]
            cells += [f"{r[f'bytes_{k}'] / 1024:.0f}" for k in ("single", *(f"ens{n}" for n in sizes))]
            print(f"| {r['series']} | " + " | ".join(cells) + " |")
        print(f"load average before {out['loadavg_before'][0]:.1f}, after {out['loadavg_after'][0]:.1f}")
    elif a.what == "pool":
        out = pool(a.series.split(","), a.repeats, a.before)
        keys = [k for k in ("ens3-jobs1", "ens3-before", "ens3", "default-before", "default") if k in out["series"][0]]
        print("| series | training rows | " + " | ".join(keys) + " |")
        print("| --- | ---: |" + " ---: |" * len(keys))
        for r in out["series"]:
            print(f"| {r['series']} | {r['train_rows']} | " + " | ".join(f"{r[k]:.2f}" for k in keys) + " |")
    elif a.what == "phases":
        trees = {"this": str(HERE.parent)} | ({"compare": a.compare} if a.compare else {})
        out = phases(a.members, a.repeats, a.epochs, trees)
        print(f"ensemble of {a.members}, {a.epochs} epochs, medians of {a.repeats} runs (seconds)")
        print("| tree | --jobs | " + " | ".join(PHASES) + " |")
        print("| --- | ---: |" + " ---: |" * len(PHASES))
        for name, by_jobs in out["medians"].items():
            for jobs, med in by_jobs.items():
                print(f"| {name} | {jobs} | " + " | ".join(f"{med[k]:.2f}" if k in med else "-" for k in PHASES) + " |")
        for name, by_jobs in out["medians"].items():
            print(f"{name}: --jobs 1 / --jobs 2 wall x{by_jobs[1]['wall'] / by_jobs[2]['wall']:.2f}")
        print(
            f"load average before {out['loadavg_before'][0]:.1f}, after {out['loadavg_after'][0]:.1f} "
            f"on {out['cpus']} CPUs"
        )
    else:
        out = timing(a.members, a.repeats, a.epochs)
        print(
            f"ensemble of {out['members']}, {out['epochs']} epochs, {out['repeats']} runs each: "
            f"--jobs 1 median {out['median_jobs1']:.1f} s, --jobs 2 median {out['median_jobs2']:.1f} s "
            f"(x{out['speedup']:.2f}); load average before {out['loadavg_before'][0]:.1f}, "
            f"after {out['loadavg_after'][0]:.1f} on {out['cpus']} CPUs"
        )
    if a.output:
        Path(a.output).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
