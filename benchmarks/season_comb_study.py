"""Combining the season's fits instead of keeping one: every fit's forecasts, combination rules compared offline.

Round 10 (branch r10comb, issue 13). On a seasonal series `lstm train` fits up to three models (phase inputs;
phase inputs + the seasonal adjustment; the seasonal difference) and keeps the one with the lowest one-step
validation MAE; weekly data without a confirmed season fit three others (the position in the year, season 52
unconfirmed, neither). `collect` makes each of those fits on accuracy_study's training part, in process, with
what `lstm train` uses by default (TrainConfig as the CLI builds it, the auto window, the ensemble of 3 below 300
rows; the file read by `data.read_prices`, as the CLI reads it), each fit made exactly as `Forecaster.fit` makes
it (`Forecaster._fit_series` with the method), and records for each fit: its one-step validation MAE, its
one-step forecasts of the validation rows, and its forecasts from every held-out origin (`Forecaster.predict(5,
y[:origin])`, the code `lstm predict --data` runs). `rules` then scores rules that choose or combine the fits, on
the same held-out origins (MAE / naive; geometric mean over the series of the mean of the seeds' MAEs), beside
the stored statistical models (accuracy_study's --reuse files).

    PYTHONPATH=. python benchmarks/season_comb_study.py collect --series h02,jj --seeds 0,1,2 --output OUT.json
    python benchmarks/season_comb_study.py rules OUT.json [MORE.json ...] --stat STAT.json[,STAT2.json]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import accuracy_study as acc

H = acc.H


def _fits(name: str, seed: int, workdir: Path) -> tuple[dict, dict]:
    """({method: record}, series facts) of every fit the default season choice makes on `name`'s training part."""
    from lstmcli import forecast as fc
    from lstmcli.data import read_prices
    from lstmcli.ensemble import default_size
    from lstmcli.training import TrainConfig

    y, dates = acc.load_series(name)
    origins = acc.origins_of(len(y))
    train_n = origins[0]
    path = workdir / "train.csv"
    acc._write_csv(path, y[:train_n], dates[:train_n])
    series = read_prices(path)
    config = TrainConfig(window=30, seed=seed, level_input=True)  # the CLI's defaults (cli/train.py)

    def one(method: str) -> fc.Forecaster:
        f = fc.Forecaster(config, "auto", auto_window=True, ensemble=default_size(len(series.values)))
        f.config.validate()
        s = fc._as_series(series, None, None, None, "<array>", None)
        f._fit_series(s, method, None, None, None, None)
        return f

    first = one("phase")
    if first.season is None:
        fits = {"phase": first}
    elif first.season.cycle is not None:  # weekly data: the position in the year, season 52, neither
        fits = {fc.YEAR: first, fc.WEEKS: one(fc.WEEKS), fc.NO_YEAR: one(fc.NO_YEAR)}
    else:
        fits = {"phase": first, "phase+adjust": one("phase+adjust")}
        if first._difference_fits():
            fits[fc.DIFFERENCE] = one(fc.DIFFERENCE)
    out = {}
    tr = y[:train_n]
    for k, f in fits.items():
        v = f.info.validation
        vrows = np.arange(v.first_date_index, v.first_date_index + v.rows)  # price rows of the validation targets
        hist = fc.histories(tr[:, None], f.config.window, f.target, vrows - f.target.offset)
        last = vrows - 1 if f.season is not None else None
        with np.errstate(over="ignore", invalid="ignore"):
            val = f.paths(hist, 1, last_phase=last)[:, 0, 0]  # (V,)
            test = np.array([f.predict(H, y[:o], None, interval=None).values for o in origins])  # (O, H)
        out[k] = {
            "val1": v.model.mae,
            "val_fc": val.tolist(),
            "test_fc": test.tolist(),
            "season": None if f.season is None else f.season.describe(),
        }
        assert abs(float(np.mean(np.abs(val - tr[vrows]))) - v.model.mae) < 1e-9 * max(1.0, v.model.mae), (k, name)
    facts = {"val_rows": vrows.tolist(), "val_actual": tr[vrows].tolist()}
    return out, facts


def collect(names: list[str], seeds: list[int], output: Path) -> None:
    done = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            y, _ = acc.load_series(name)
            origins = acc.origins_of(len(y))
            actual = np.array([y[o : o + H] for o in origins])  # (O, H)
            naive_po = np.abs(actual - y[np.array(origins) - 1][:, None]).mean(axis=1)  # (O,)
            rec = {"series": name, "rows": len(y), "origins": origins, "actual": actual.tolist()}
            rec["naive_mae"] = float(naive_po.mean())
            rec["seeds"] = {}
            for seed in seeds:
                t0 = time.perf_counter()
                fits, facts = _fits(name, seed, Path(tmp))
                rec["seeds"][str(seed)] = {"fits": fits, **facts, "seconds": time.perf_counter() - t0}
                a = np.array(rec["actual"])
                print(
                    name,
                    seed,
                    {
                        k: (round(float(np.abs(np.array(f["test_fc"]) - a).mean()) / rec["naive_mae"], 3))
                        for k, f in fits.items()
                    },
                    f"{time.perf_counter() - t0:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
            done.append(rec)
            output.write_text(json.dumps(done))


# ----------------------------------------------------------------------------- rules


def _select(fits: dict) -> np.ndarray:
    """Today's rule: the lowest one-step validation MAE (a tie: the earlier fit)."""
    keys = list(fits)
    k = min(keys, key=lambda k: (fits[k]["val1"], keys.index(k)))
    return np.array(fits[k]["test_fc"])


def _stack(fits: dict, keys=None) -> np.ndarray:
    return np.stack([np.array(fits[k]["test_fc"]) for k in keys or fits])  # (K, O, H)


def _within(factor: float, how: str = "mean", weekly: bool = True):
    """The mean (median, or inverse-MAE weighted mean: `how`) of the fits whose one-step validation MAE is within
    `factor` of the best's; `weekly` False: weekly data's fits (the position in the year...) are still selected."""

    def rule(fits: dict) -> np.ndarray:
        if not weekly and "season 52" in fits:
            return _select(fits)
        best = min(f["val1"] for f in fits.values())
        keys = [k for k, f in fits.items() if f["val1"] <= factor * best]
        s = _stack(fits, keys)
        if how == "inverse":
            w = np.array([fits[k]["val1"] ** -1 for k in keys])
            return np.tensordot(w / w.sum(), s, axes=1)
        return s.mean(0) if how == "mean" else np.median(s, 0)

    return rule


def _inverse(power: float):
    def rule(fits: dict) -> np.ndarray:
        w = np.array([f["val1"] ** -power for f in fits.values()])
        return np.tensordot(w / w.sum(), _stack(fits), axes=1)

    return rule


def _val_best_of(fits: dict, act: np.ndarray) -> np.ndarray:
    """Whichever of (each fit, the median, the mean of all) has the lowest one-step validation MAE on `act`."""
    val = {k: np.array(f["val_fc"]) for k, f in fits.items()}
    test = {k: np.array(f["test_fc"]) for k, f in fits.items()}
    if len(fits) > 1:
        vs, ts = np.stack(list(val.values())), _stack(fits)
        val |= {"median": np.median(vs, 0), "mean": vs.mean(0)}
        test |= {"median": np.median(ts, 0), "mean": ts.mean(0)}
    keys = list(val)
    k = min(keys, key=lambda k: (float(np.mean(np.abs(val[k] - act))), keys.index(k)))
    return test[k]


def _guarded(guard: str, factor: float = 1.25):
    """Round 11: the mean within `factor` (weekly data's fits selected), with a guard against combining a fit that
    ties on validation and is much worse held out (`ctx`: the validation rows' actual values and seasonal naive's
    forecasts of them, `_context`):
    "snaive": only the other fits whose one-step validation MAE is below seasonal naive's;
    "snaive-t": only the other fits that beat seasonal naive on validation beyond chance (paired t, as the verdict:
    render.train.beyond_chance), "comb-t": the combination only when it beats seasonal naive beyond chance, else
    the kept fit; "kind": never a difference fit with a non-difference fit (the kept fit's kind decides);
    "shrink": halfway between the kept fit and the combination; "shrink-snaive": the same, and the kept fit alone
    unless that blend's one-step validation MAE is below seasonal naive's; "val": the combination only when its one-step
    validation MAE is below the kept fit's; "corr": the combination only when every other fit's validation errors
    correlate >= 0.9 with the kept fit's."""

    def rule(fits: dict, ctx: dict) -> np.ndarray:
        if "season 52" in fits:
            return _select(fits)
        keys = list(fits)
        best = min(keys, key=lambda k: (fits[k]["val1"], keys.index(k)))
        act, sn = ctx["act"], ctx["snaive"]
        err = {k: np.array(fits[k]["val_fc"]) - act for k in keys}
        others = [k for k in keys if k != best and fits[k]["val1"] <= factor * fits[best]["val1"]]
        if guard == "snaive":
            others = [k for k in others if fits[k]["val1"] < np.mean(np.abs(sn - act))]
        elif guard == "snaive-t":
            others = [k for k in others if _beats_beyond_chance(err[k], sn - act)]
        elif guard == "kind":
            others = [k for k in others if (k == "difference") == (best == "difference")]
        elif guard == "corr" and any(np.corrcoef(err[k], err[best])[0, 1] < 0.9 for k in others):
            others = []
        chosen = [best, *others]
        if guard == "shrink-snaive":  # halfway; the kept fit alone unless that is below seasonal naive on validation
            w = _shrink_weights(len(chosen))
            comb_err = np.tensordot(w, np.stack([err[k] for k in chosen]), axes=1)
            if not np.mean(np.abs(comb_err)) < np.mean(np.abs(sn - act)):
                return np.array(fits[best]["test_fc"])
            return np.tensordot(w, _stack(fits, chosen), axes=1)
        if guard in ("comb-t", "val"):
            comb_err = np.mean([err[k] for k in chosen], 0)
            ok = (
                _beats_beyond_chance(comb_err, sn - act)
                if guard == "comb-t"
                else np.mean(np.abs(comb_err)) < np.mean(np.abs(err[best]))
            )
            if not ok:
                chosen = [best]
        s = _stack(fits, chosen).mean(0)
        if guard == "shrink":
            return 0.5 * np.array(fits[best]["test_fc"]) + 0.5 * s
        return s

    return rule


def _shrink_weights(n: int) -> np.ndarray:
    """Halfway between the kept fit (first) and the mean of all n: weights 1/2 + 1/(2n), then 1/(2n) each."""
    w = np.full(n, 0.5 / n)
    w[0] += 0.5
    return w


def _beats_beyond_chance(errors: np.ndarray, baseline: np.ndarray) -> bool:
    """Lower one-step MAE than the baseline's beyond chance, as `lstm train`'s verdict judges it
    (render.train.beyond_chance: at least 8 rows, more than 1% apart, |t| at Student's two-sided 5%)."""
    from lstmcli.metrics import paired_t, t_critical

    m, b = float(np.mean(np.abs(errors))), float(np.mean(np.abs(baseline)))
    t = paired_t(errors, baseline)
    if t is None or len(errors) < 8 or not b > 0 or abs(m - b) / b * 100 <= 1:
        return False
    return m < b and abs(t) >= t_critical(len(errors) - 1)


RULES = {
    "select (today)": _select,
    "median": lambda fits: np.median(_stack(fits), 0),
    "mean": lambda fits: _stack(fits).mean(0),
    "mean within 1.1x": _within(1.1),
    "mean within 1.25x": _within(1.25),
    "mean within 1.5x": _within(1.5),
    "mean within 1.2x": _within(1.2),
    "mean within 1.3x": _within(1.3),
    "inverse within 1.25x": _within(1.25, "inverse"),
    "mean within 1.25x, weekly selected": _within(1.25, weekly=False),
    "inverse MAE": _inverse(1.0),
    "inverse MAE^2": _inverse(2.0),
    "val-best of fits/median/mean": None,  # _val_best_of: needs the validation rows' actual values
}
#: round 11's guarded combinations (they read the validation rows: `_context`)
GUARDED = {
    "guard: others below snaive on val": _guarded("snaive"),
    "guard: others beat snaive beyond chance": _guarded("snaive-t"),
    "guard: combination beats snaive beyond chance": _guarded("comb-t"),
    "guard: no difference with non-difference": _guarded("kind"),
    "guard: halfway to the kept fit": _guarded("shrink"),
    "guard: combination's val below the kept's": _guarded("val"),
    "guard: val errors correlate >= 0.9": _guarded("corr"),
    "guard: halfway, kept unless below snaive on val": _guarded("shrink-snaive"),
}


def _context(name: str, fits: dict, sd: dict) -> dict:
    """What a guarded rule reads besides the fits: the validation rows' actual values and seasonal naive's
    forecasts of them (the value one season back, as `Forecaster._validate` scores it; the season from the fits'
    descriptions, the series from accuracy_study)."""
    act = np.array(sd["val_actual"])
    seasons = [re.match(r"season (\d+)", f["season"] or "") for f in fits.values()]
    m = next((int(x.group(1)) for x in seasons if x), None)
    if m is None:
        return {"act": act, "snaive": None}
    y, _ = acc.load_series(name)
    return {"act": act, "snaive": y[np.array(sd["val_rows"]) - m]}


def rules(paths: list[str], stat: list[str], only: list[str] | None = None) -> None:
    data = [s for p in paths for s in json.loads(Path(p).read_text())]
    best_stat, snaive = {}, {}
    for sp in stat:
        for s in json.loads(Path(sp).read_text())["series"]:
            m = {r["method"]: r for r in s["methods"]}
            if "autoarima" in m and "mae" in m["autoarima"]:
                best_stat[s["series"]] = min(m[k]["mae"] for k in ("autoarima", "autoets"))
            if "mae_naive" in m.get("snaive", {}):
                snaive[s["series"]] = m["snaive"]["mae_naive"]
    names = only or [*RULES, *GUARDED]
    print("| series | fits | snaive | " + " | ".join(names) + " |")
    print("| --- | ---: | ---: |" + " ---: |" * len(names))
    logs = {k: [] for k in names}
    seed_logs = {k: {} for k in names}
    beats = dict.fromkeys(names, 0)
    for s in data:
        a = np.array(s["actual"])
        cells = []
        nfits = max(len(sd["fits"]) for sd in s["seeds"].values())
        for k in names:
            maes = []
            for seed, sd in s["seeds"].items():
                fits = sd["fits"]
                if len(fits) == 1:
                    f = _select(fits)
                elif k in GUARDED:
                    f = GUARDED[k](fits, _context(s["series"], fits, sd))
                elif RULES[k] is None:
                    f = _val_best_of(fits, np.array(sd["val_actual"]))
                else:
                    f = RULES[k](fits)
                mae = float(np.abs(f - a).mean())
                maes.append(mae)
                ref = best_stat.get(s["series"], s["naive_mae"])
                seed_logs[k].setdefault(seed, []).append(math.log(mae / ref))
            mean = float(np.mean(maes))
            logs[k].append(math.log(mean / best_stat.get(s["series"], s["naive_mae"])))
            if s["series"] in snaive and mean / s["naive_mae"] < snaive[s["series"]]:
                beats[k] += 1
            cells.append(f"{mean / s['naive_mae']:.3f}")
        sn = f"{snaive[s['series']]:.3f}" if s["series"] in snaive else "–"
        print(f"| {s['series']} | {nfits} | {sn} | " + " | ".join(cells) + " |")
    ref = "best statistical model" if all(s["series"] in best_stat for s in data) else "best stat. model (or naive)"

    def g(v):
        return f"{math.exp(sum(v) / len(v)):.3f}"

    print(
        f"| **geo-mean MAE / {ref}** ({len(data)}) | | | "
        + " | ".join(f"**{g(logs[k])}**; " + " / ".join(g(v) for v in seed_logs[k].values()) for k in names)
        + " |"
    )
    print(f"| below seasonal naive (of {len(snaive)}) | | | " + " | ".join(str(beats[k]) for k in names) + " |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--series", required=True)
    c.add_argument("--seeds", default="0,1,2")
    c.add_argument("--output", required=True)
    r = sub.add_parser("rules")
    r.add_argument("files", nargs="+")
    r.add_argument("--stat", default="", help="comma-separated accuracy_study JSON files with autoarima/autoets")
    r.add_argument("--rules", default="", help="rule names separated by ; (default: every rule)")
    a = ap.parse_args(argv)
    if a.cmd == "rules":
        rules(a.files, [p for p in a.stat.split(",") if p], [k for k in a.rules.split(";") if k] or None)
        return 0
    collect(a.series.split(","), [int(x) for x in a.seeds.split(",")], Path(a.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
