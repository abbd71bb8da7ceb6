"""Every seasonal fit `lstm train` can make, on accuracy_study's protocol, and rules that choose between them.

Round 9 (branch r9snaive, issue 13: "never worse than seasonal naive on a seasonal series"). For each
series and seed, `lstm train` (the CLI defaults, as accuracy_study runs it) fits the training part once
per fit, forced with the prototype switch `--proto method=...`:

    phase          phase inputs (with the level input on the seasonally adjusted level: round 8's (b))
    phase-plain    phase inputs, the level input on the series as it is (`--proto nolevadj`)
    phase+adjust   phase inputs and the classical seasonal adjustment
    difference     the seasonal difference: the network learns log y[t] - log y[t-m] (`--proto sdiff`)

and records what a rule may look at (the fit's one-step validation MAE, its 1..5-step validation MAE
from every validation row with 5 actual values after it, seasonal naive's on the same rows) beside
what it is judged by (MAE / naive on the held-out part: origins every 5 steps, H = 5, each forecast
with `Forecaster.predict(5, y[:origin])`, the code `lstm predict --data` runs). Rules are then
compared offline (`rules`), as benchmarks/auto_rule_study.py did for --auto in round 8.

`collect` needs the prototype switch `lstm train --proto` of commit 237657c (branch r9snaive), since
removed: run it with that commit's lstmcli on PYTHONPATH (`git archive 237657c lstmcli | tar -x -C DIR`).
`rules` reads the JSON only.

    python benchmarks/season_fit_study.py collect --series a10,ukgas --seeds 0,1,2 --output OUT.json
    python benchmarks/season_fit_study.py rules OUT.json [OUT2.json ...]
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import accuracy_study as acc

FITS = {
    "phase": "method=phase",
    "phase-plain": "method=phase,nolevadj",
    "phase+adjust": "method=phase+adjust",
    "difference": "method=difference",
}
H = acc.H


def _multi(f, p: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(len(rows), H) forecasts of price rows r..r+H-1 from the prices before r, for each r in rows."""
    from lstmcli.forecast import histories

    off, W = f.target.offset, f.config.window
    hist = histories(p[:, None], W, f.target, rows - off)  # (B, W + off, 1)
    last = rows - 1 if f.season is not None else None
    return f.paths(hist, H, last_phase=last)[:, :, 0]


def _snaive(p: np.ndarray, rows: np.ndarray, m: int) -> np.ndarray:
    """(len(rows), H) seasonal naive forecasts of rows r..r+H-1 from the prices before r."""
    return np.stack([p[rows + h - m * (h // m + 1)] for h in range(H)], axis=1)


def collect_one(name: str, seeds: list[int], workdir: Path) -> dict:
    from lstmcli.forecast import Forecaster

    y, dates = acc.load_series(name)
    n = len(y)
    origins = acc.origins_of(n)
    train_n = origins[0]
    spec = acc.BY_NAME[name]
    train_csv = workdir / "train.csv"
    acc._write_csv(train_csv, y[:train_n], dates[:train_n])
    actual = np.array([y[o : o + H] for o in origins])  # (O, H)
    naive_po = np.abs(actual - y[np.array(origins) - 1][:, None]).mean(axis=1)  # (O,)
    out: dict = {"series": name, "rows": n, "origins": len(origins), "season": spec.season, "seeds": {}}
    if spec.season > 1:
        sn = acc.baseline("snaive", y, train_n, origins, spec.season).forecasts
        out["snaive_test"] = float(np.abs(sn - actual).mean() / naive_po.mean())
    for seed in seeds:
        fits = {}
        for fit, proto in FITS.items():
            model = workdir / f"{fit}.npz"
            cmd = [acc._lstm_exe(), "train", str(train_csv), "--model", str(model), "-q", "--seed", str(seed)]
            t0 = time.perf_counter()
            r = subprocess.run([*cmd, "--proto", proto], capture_output=True, text=True)
            sec = time.perf_counter() - t0
            if r.returncode != 0:
                fits[fit] = {"error": (r.stderr or r.stdout).strip().splitlines()[-1][:300]}
                continue
            f = Forecaster.load(model)
            v = f.info.validation
            rec: dict = {"seconds": sec, "val1": v.model.mae, "window": f.config.window}
            rec["season"] = (
                None if f.season is None else {k: x for k, x in f.season.to_dict().items() if k != "indices"}
            )
            tr = y[:train_n]
            vrows = np.arange(v.first_date_index, v.first_date_index + v.rows)
            mrows = vrows[vrows + H - 1 < train_n]
            with np.errstate(over="ignore", invalid="ignore"):
                if len(mrows):  # else too few validation rows for 5 steps: rules fall back on the one-step MAE
                    act = np.stack([tr[mrows + h] for h in range(H)], 1)
                    rec["valH"] = np.abs(_multi(f, tr, mrows) - act).mean(0).tolist()
                fc = np.array([f.predict(H, y[:o], None, interval=None).values for o in origins])  # (O, H)
            rec["test"] = float(np.abs(fc - actual).mean() / naive_po.mean())
            rec["test_by_h"] = (np.abs(fc - actual).mean(0) / naive_po.mean()).tolist()
            if f.season is not None and "val_snaive1" not in out:
                m = f.season.length
                out["m"] = m
                out["val_snaive1"] = float(np.mean(np.abs(tr[vrows] - tr[vrows - m])))
                if len(mrows):
                    sn = _snaive(tr, mrows, m)
                    out["val_snaiveH"] = np.abs(sn - np.stack([tr[mrows + h] for h in range(H)], 1)).mean(0).tolist()
            fits[fit] = rec
            if f.season is None:  # no season found: every forced fit is the same
                break
        out["seeds"][str(seed)] = fits
        print(
            name,
            seed,
            {k: (round(x["test"], 3), round(x["val1"], 4)) for k, x in fits.items() if "test" in x},
            file=sys.stderr,
            flush=True,
        )
    return out


# ----------------------------------------------------------------------------- rules


def _default(fits: dict, s: dict) -> str:
    """Today's defaults: phase inputs, or the adjustment when its one-step validation MAE is lower."""
    if "phase+adjust" not in fits:
        return "phase"
    return "phase+adjust" if fits["phase+adjust"]["val1"] < fits["phase"]["val1"] else "phase"


def _lowest(keys, crit):
    def rule(fits: dict, s: dict) -> str:
        if "phase+adjust" not in fits:
            return "phase"
        ok = [k for k in keys if k in fits and "test" in fits[k]]
        return min(ok, key=lambda k: (crit(fits[k], s), ok.index(k)))

    return rule


def _val1(r, s):
    return r["val1"]


def _valH(r, s):
    return float(np.mean(r["valH"])) if "valH" in r else r["val1"]


def _guard(base, crit, snaive_crit):
    """`base`'s pick, but the seasonal difference when the pick's validation error is above seasonal naive's."""

    def rule(fits: dict, s: dict) -> str:
        k = base(fits, s)
        if "difference" in fits and "test" in fits["difference"] and crit(fits[k], s) > snaive_crit(s):
            return "difference"
        return k

    return rule


RULES = {
    "defaults (phase | adjust, 1-step)": _default,
    "+ difference (1-step)": _lowest(["phase", "phase+adjust", "difference"], _val1),
    "+ plain level (1-step)": _lowest(["phase", "phase+adjust", "phase-plain"], _val1),
    "+ both (1-step)": _lowest(["phase", "phase+adjust", "phase-plain", "difference"], _val1),
    "defaults, 1..5-step": _lowest(["phase", "phase+adjust"], _valH),
    "+ difference (1..5-step)": _lowest(["phase", "phase+adjust", "difference"], _valH),
    "+ both (1..5-step)": _lowest(["phase", "phase+adjust", "phase-plain", "difference"], _valH),
    "defaults + guard (1-step)": _guard(_default, _val1, lambda s: s["val_snaive1"]),
    "defaults + guard (1..5-step)": _guard(
        _default, _valH, lambda s: float(np.mean(s["val_snaiveH"])) if "val_snaiveH" in s else s["val_snaive1"]
    ),
    "always difference": lambda fits, s: "difference" if "difference" in fits else "phase",
    "always phase-plain": lambda fits, s: "phase-plain" if "phase-plain" in fits else "phase",
}


def rules(paths: list[str], seeds: list[str] | None = None) -> None:
    data = [s for p in paths for s in json.loads(Path(p).read_text())]
    names = list(RULES)
    print("| series | snaive | " + " | ".join(names) + " |")
    print("| --- | ---: |" + " --- |" * len(names))
    geo = {k: [] for k in names}
    beats = {k: 0 for k in names}
    picks = {k: {} for k in names}
    for s in data:
        cells = []
        for k in names:
            vals = []
            for sd, fits in s["seeds"].items():
                if seeds and sd not in seeds:
                    continue
                pick = RULES[k](fits, s) if len(fits) > 1 else next(iter(fits))
                picks[k][pick] = picks[k].get(pick, 0) + 1
                vals.append(fits[pick]["test"])
            mean = float(np.mean(vals))
            geo[k].append(math.log(mean))
            if "snaive_test" in s and mean < s["snaive_test"]:
                beats[k] += 1
            cells.append(f"{mean:.3f}")
        sn = f"{s['snaive_test']:.3f}" if "snaive_test" in s else "–"
        print(f"| {s['series']} | {sn} | " + " | ".join(cells) + " |")
    n = len(data)
    print("| **geo-mean MAE / naive** | | " + " | ".join(f"**{math.exp(np.mean(geo[k])):.3f}**" for k in names) + " |")
    print(f"| below seasonal naive (of {n}) | | " + " | ".join(str(beats[k]) for k in names) + " |")
    print()
    for k in names:
        print(f"{k}: picks {picks[k]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--series", required=True)
    c.add_argument("--seeds", default="0,1,2")
    c.add_argument("--output", required=True)
    r = sub.add_parser("rules")
    r.add_argument("files", nargs="+")
    r.add_argument("--seeds")
    a = ap.parse_args(argv)
    if a.cmd == "rules":
        rules(a.files, a.seeds.split(",") if a.seeds else None)
        return 0
    seeds = [int(x) for x in a.seeds.split(",")]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in a.series.split(","):
            out.append(collect_one(name, seeds, Path(tmp)))
            Path(a.output).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
