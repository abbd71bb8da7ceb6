"""Ensembles of different windows (`--ensemble-windows`): each member alone beside the median, on held-out origins.

    OPENBLAS_NUM_THREADS=1 python benchmarks/ensemble_windows_study.py \\
        --series woolyrnq,shampoo,austres,lynx,realgdp,wineind,nile,cpi --seeds 0,1,2 \\
        --output benchmarks/results/r10mix-members.json
    python benchmarks/ensemble_windows_study.py --summarise benchmarks/results/r10mix-members.json

Each series under accuracy_study.py's protocol (fitted once on the rows before the first held-out origin,
forecasting H = 5 steps from every origin), fitted with the library as `lstm train` fits it (auto window,
season auto, the level input) twice per seed: `--ensemble 3` (seeds only) and `--ensemble 3 --ensemble-windows`
(ensemble.member_windows: on a seasonal series whole seasons near 0.8 W and 1.2 W; the first rule, W/2 and 2W on
every series, is in branch r10mix's history up to eddb7be, benchmarks/README.md "Ensembles of different windows").
For each: held-out MAE / naive of every member alone and of the median (the figure accuracy_study.py reports for
that fit). Prints a markdown table; the JSON keeps every number. `--factors 1,0.75,1.25` measures other factors
than ensemble.WINDOW_FACTORS (set in this process only: the windows a fit gets are stored with it, so nothing else
depends on the factors).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from accuracy_study import CORPUS_SPEC, H, load_series, origins_of
from auto_topk_study import FREQ, held_out

from lstmcli import ensemble
from lstmcli.ensemble import combine
from lstmcli.forecast import Forecaster
from lstmcli.training import TrainConfig


def member_scores(fc: Forecaster, y: np.ndarray, origins) -> tuple[list[float], float]:
    """(each member's held-out MAE, the median's) of a fitted ensemble, from the study's origins."""
    W, off = fc.history_window, fc.target.offset
    prices = y[:, None]
    origins = np.asarray(origins)
    hist = np.stack([prices[o - W - off : o] for o in origins])  # (O, W + off, 1)
    last = origins - 1 if fc.season is not None else None
    actual = y[origins[:, None] + np.arange(H)[None, :]]  # (O, H)
    with np.errstate(over="ignore", invalid="ignore"):
        paths = fc.member_paths(hist, H, last_phase=last)  # each (O, H, F)
    each = [float(np.mean(np.abs(p[:, :, 0] - actual))) for p in paths]
    together = float(np.mean(np.abs(combine(paths, fc.combine)[:, :, 0] - actual)))
    return each, together


def summarise(results: Path, stat: Path) -> None:
    """Geometric means over series of MAE / best of (AutoARIMA, AutoETS) of the stored run `stat`: the median of
    each kind of ensemble and each member position alone, per seed and over the seeds' mean MAE."""
    best = {}
    for s in json.loads(stat.read_text())["series"]:
        m = {r["method"]: r.get("mae_naive") for r in s["methods"]}
        best[s["series"]] = min(v for k, v in m.items() if k in ("autoarima", "autoets") and v is not None)
    rows = json.loads(results.read_text())["rows"]
    series = sorted({r["series"] for r in rows}, key=[r["series"] for r in rows].index)
    seeds = sorted({r["seed"] for r in rows})

    def geo(values: dict[str, float]) -> float:
        return float(np.exp(np.mean([np.log(values[s] / best[s]) for s in series])))

    print("| what | mean of seeds | " + " / ".join(f"seed {s}" for s in seeds) + " |")
    print("| --- | ---: | --- |")
    for label, pick in [
        ("seeds only: median", lambda r: r["seeds"]["median"]),
        *[(f"seeds only: member {k} alone", lambda r, k=k: r["seeds"]["members"][k]) for k in range(3)],
        ("windows: median", lambda r: r["windows"]["median"]),
        *[(f"windows: member {k} alone", lambda r, k=k: r["windows"]["members"][k]) for k in range(3)],
    ]:
        by = {(r["series"], r["seed"]): pick(r) for r in rows}
        mean = geo({s: float(np.mean([by[s, k] for k in seeds])) for s in series})
        each = [geo({s: by[s, k] for s in series}) for k in seeds]
        print(f"| {label} | **{mean:.3f}** | " + " / ".join(f"{e:.3f}" for e in each) + " |")


def single_windows(args, windows: list[int]) -> int:
    """One network (`--ensemble 1 --window W`) per window and seed: held-out MAE / naive."""
    specs = {s.name: s for s in CORPUS_SPEC}
    rows = []
    for name in args.series.split(","):
        y, _ = load_series(name)
        origins = origins_of(len(y))
        _, naive = held_out(y, origins)
        for w in windows:
            scores = []
            for seed in (int(s) for s in args.seeds.split(",")):
                fc = Forecaster(TrainConfig(window=w, seed=seed), auto_window=True)
                fc.fit(y[: origins[0]], frequency=FREQ.get(specs[name].freq))
                scores.append(member_scores(fc, y, origins)[1] / naive)
            rows.append({"series": name, "window": w, "mae_naive": scores})
            each = " / ".join(f"{x:.3f}" for x in scores)
            print(f"| {name} | {w} | {np.mean(scores):.3f}; {each} |", flush=True)
    if args.output:
        args.output.write_text(json.dumps({"single_windows": rows}, indent=1) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--series")
    ap.add_argument("--summarise", type=Path, help="a results JSON of this script: print its geometric means")
    ap.add_argument("--stat", type=Path, default=Path(__file__).parent / "results" / "accuracy-2026-11-29.json")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--output", type=Path)
    ap.add_argument("--factors", help="member k's window = W x factor k (default: ensemble.WINDOW_FACTORS)")
    ap.add_argument("--single-windows", help="instead: one network per window given (e.g. 15,22,30,38) and seed")
    args = ap.parse_args(argv)
    if args.summarise:
        summarise(args.summarise, args.stat)
        return 0
    if args.factors:
        ensemble.WINDOW_FACTORS = tuple(float(f) for f in args.factors.split(","))
    if args.single_windows:
        return single_windows(args, [int(w) for w in args.single_windows.split(",")])
    specs = {s.name: s for s in CORPUS_SPEC}
    seeds = [int(s) for s in args.seeds.split(",")]
    rows = []
    for name in args.series.split(","):
        spec = specs[name]
        y, _ = load_series(name)
        origins = origins_of(len(y))
        train_n = origins[0]
        _, naive = held_out(y, origins)
        for seed in seeds:
            out = {"series": name, "seed": seed, "train_rows": train_n, "factors": list(ensemble.WINDOW_FACTORS)}
            for label, windows in (("seeds", False), ("windows", True)):
                fc = Forecaster(TrainConfig(seed=seed), auto_window=True, ensemble=3, jobs=1, ensemble_windows=windows)
                fc.fit(y[:train_n], frequency=FREQ.get(spec.freq))
                each, together = member_scores(fc, y, origins)
                out[label] = {
                    "windows": list(fc.windows or (fc.config.window,) * 3),
                    "members": [e / naive for e in each],
                    "median": together / naive,
                    "val_mae_median": fc.info.validation.model.mae,
                }
            rows.append(out)
            s, w = out["seeds"], out["windows"]
            print(
                f"| {name} | {seed} | {train_n} | {', '.join(f'{m:.3f}' for m in s['members'])} | {s['median']:.3f} "
                f"| {', '.join(map(str, w['windows']))} | {', '.join(f'{m:.3f}' for m in w['members'])} "
                f"| {w['median']:.3f} |",
                flush=True,
            )
    if args.output:
        args.output.write_text(json.dumps({"rows": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
