"""Which damped growth, chosen how, on series without a season? (round 13, branch r13trend)

    python benchmarks/trend_growth_screen.py SERIES,... SEEDS VARIANTS >> benchmarks/results/r13trend-screen.jsonl

For every series, seed and variant: `lstm train` on the study's training part (a subprocess, as the accuracy
study runs it; `--damped-growth PHI` forces one factor, 0 is the fit without it), then one JSON line with the
held-out MAE / naive (the study's figure), the season the fit found, the one-step validation MAE the fit records
(val1) and the validation MAE of each step 1..5 from every validation origin (`val_steps`: step h scored on the
origins whose h-th step is still a validation row, as `growth.ahead_mae`), so that choice rules between the
variants are compared offline (`--table`). A variant is `PHI` or `PHI@HALF_LIFE` (the half-life patched into
lstmcli.growth for the fit and the forecasts; the option's own runs use the real flags).

    python benchmarks/trend_growth_screen.py --table benchmarks/results/r13trend-screen.jsonl [SEEDS]

With --forecasts each line also holds the held-out forecasts (fc), the validation forecasts from every validation
origin (vfc, from data row `first`) and naive's held-out MAE, for rules that average two fits' forecasts.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import accuracy_study as study

H = 5
RESULTS = Path(__file__).resolve().parent / "results"
FORECASTS = False
STAT_FILES = (
    "r9-final-corpus.json",
    "r8check-stat.json",
    "r9trend-devtrend-stat.json",
    "r10fresh-defaults.json",
    "r10fresh-defaults2.json",
    "r11fresh2-main.json",
    "r12fresh3-main.json",
)
WRAP = (
    "import sys, lstmcli.growth as g; g.HALF_LIFE = float(sys.argv.pop(1)); "
    "from lstmcli.cli import main; sys.exit(main())"
)


def _variant(v: str) -> tuple[float, float]:
    phi, _, hl = v.partition("@")
    return float(phi), float(hl or 4.0)


def fits(names: list[str], seeds: list[int], variants: list[str]) -> None:
    import lstmcli.growth as growth
    from lstmcli.forecast import Forecaster

    for name in names:
        y, dates = study.load_series(name)
        origins, actual, naive = study.held_out(y)
        n = origins[0]
        with tempfile.TemporaryDirectory() as tmp:
            csv = Path(tmp) / "train.csv"
            study._write_csv(csv, y[:n], dates[:n])
            for seed in seeds:
                for v in variants:
                    phi, hl = _variant(v)
                    model = Path(tmp) / "m.npz"
                    cmd = [sys.executable, "-c", WRAP, str(hl), "train", str(csv), "--model", str(model), "-q"]
                    cmd += ["--seed", str(seed), "--damped-growth", f"{phi:g}"]
                    p = subprocess.run(cmd, capture_output=True, text=True)
                    if p.returncode != 0:
                        print(json.dumps(dict(series=name, seed=seed, variant=v, error=p.stderr[-300:])), flush=True)
                        continue
                    growth.HALF_LIFE = hl
                    f = Forecaster.load(model)
                    fc = np.array([f.predict(H, y[:o], None, interval=None).values for o in origins])
                    err = np.abs(fc - actual)
                    first = f.info.validation.first_date_index
                    vfc = np.array([f.predict(H, y[:o], None, interval=None).values for o in range(first, n)])
                    steps = []
                    for h in range(H):
                        rows = np.arange(first, n - h)  # origins whose step h+1 is a validation row
                        if len(rows) == 0:
                            break
                        steps.append(float(np.mean(np.abs(y[rows + h] - vfc[: len(rows), h]))))
                    growth.HALF_LIFE = 4.0
                    rec = dict(
                        series=name,
                        seed=seed,
                        variant=v,
                        held=float(err.mean() / naive),
                        held_by_h=(err.mean(axis=0) / naive).tolist(),
                        season=None if f.season is None else f.season.length,
                        val_rows=n - first,
                        val1=f.info.validation.model.mae,
                        val_steps=steps,
                        target=str(f.target),
                        window=f.config.window,
                    )
                    if FORECASTS:  # the forecasts themselves, for rules that combine two fits (--forecasts)
                        rec.update(naive=float(naive), fc=fc.tolist(), vfc=vfc.tolist(), first=int(first))
                    print(json.dumps(rec), flush=True)


def best_stat() -> dict[str, float]:
    best = {}
    for fn in STAT_FILES:
        path = RESULTS / fn
        if not path.exists():
            continue
        for s in json.loads(path.read_text())["series"]:
            m = {r["method"]: r for r in s["methods"]}
            if "autoarima" in m and "mae_naive" in m["autoarima"] and "mae_naive" in m.get("autoets", {}):
                best.setdefault(s["series"], min(m["autoarima"]["mae_naive"], m["autoets"]["mae_naive"]))
    return best


def load(path: str) -> dict:
    by: dict = {}
    for line in Path(path).read_text().splitlines():
        if line.startswith("{"):
            r = json.loads(line)
            if "error" not in r:
                by.setdefault((r["series"], r["seed"]), {})[r["variant"]] = r
    return by


def ahead(r: dict, steps: int) -> float:
    s = r["val_steps"][:steps]
    return float(np.mean(s)) if s else r["val1"]


def rules() -> dict:
    """name -> pick(d) over the variants of one (series, seed); None when a variant it needs is missing."""

    def lowest(cands, score):
        def pick(d):
            if not all(c in d for c in cands):
                return None
            vals = {c: score(d[c]) for c in cands}
            return min(cands, key=lambda c: (vals[c], cands.index(c)))  # a tie: the earlier candidate

        return pick

    out = {}
    for v in ("0", "0.9", "0.98", "1", "0.9@8", "0.98@8", "0.9@2", "1@2", "0.9@1", "1@1"):
        out[v] = lambda d, v=v: v if v in d else None
    out["cur: {0, 0.9} one step"] = lowest(["0", "0.9"], lambda r: r["val1"])
    for cands in (["0", "0.9", "0.98"], ["0", "0.9", "1"], ["0", "0.9", "0.98", "1"], ["0", "0.98"], ["0", "1"]):
        c = "{" + ", ".join(cands) + "}"
        out[f"{c} one step"] = lowest(cands, lambda r: r["val1"])
        for k in (2, 3, 5):
            out[f"{c} 1-{k} ahead"] = lowest(cands, lambda r, k=k: ahead(r, k))
    for alt in ("0.98", "1", "0.98@8", "1@2", "0.9@2"):
        out[f"{{0, {alt}}} one step"] = lowest(["0", alt], lambda r: r["val1"])
        for margin in (1.02, 1.05, 1.1):  # the damped fit unless the plain one is better by more than the margin

            def prefer(d, alt=alt, margin=margin):
                if not all(c in d for c in ("0", alt)):
                    return None
                return alt if d[alt]["val1"] < margin * d["0"]["val1"] else "0"

            out[f"{{0, {alt}}} one step, {alt} unless 0 is {margin:g}x better"] = prefer
    # two stages: round 11's one-step choice between 0 and 0.9, then a longer-lived growth only if it beats the
    # one-step winner over 1-5 steps ahead (and, "both", one step too)
    for alt in ("0.98", "1"):
        for k in (3, 5):

            def two(d, alt=alt, k=k):
                if not all(c in d for c in ("0", "0.9", alt)):
                    return None
                w = "0" if not d["0.9"]["val1"] < d["0"]["val1"] else "0.9"
                return alt if ahead(d[alt], k) < ahead(d[w], k) else w

            def both(d, alt=alt, k=k):
                if not all(c in d for c in ("0", "0.9", alt)):
                    return None
                w = "0" if not d["0.9"]["val1"] < d["0"]["val1"] else "0.9"
                better = ahead(d[alt], k) < ahead(d[w], k) and d[alt]["val1"] < d[w]["val1"]
                return alt if better else w

            out[f"cur, then {alt} if better 1-{k} ahead"] = two
            out[f"cur, then {alt} if better 1-{k} ahead and one step"] = both
    return out


def table(path: str, seeds: list[int]) -> None:
    by = load(path)
    best = best_stat()
    names = list(dict.fromkeys(k[0] for k in by))
    names = [n for n in names if all((n, s) in by for s in seeds)]
    nos = [n for n in names if all(by[(n, s)].get("0", {}).get("season") is None for s in seeds)]
    print(f"series without a season on every seed ({len(nos)}): {', '.join(nos)}")
    print(f"series with a season on a seed (left out): {', '.join(n for n in names if n not in nos)}\n")
    rs = rules()
    print("| rule | " + " | ".join(nos) + " | geo-mean / best stat |")
    print("| --- | " + " | ".join("---:" for _ in nos) + " | ---: |")
    for rname, pick in rs.items():
        cells, logs, ok = [], [], True
        for n in nos:
            picks = [pick(by[(n, s)]) for s in seeds]
            if any(p is None for p in picks):
                ok = False
                break
            mean = float(np.mean([by[(n, s)][p]["held"] for s, p in zip(seeds, picks, strict=True)]))
            logs.append(math.log(mean / best[n]) if n in best else 0.0)
            tag = "" if "one step" not in rname and "ahead" not in rname else " (" + "/".join(picks) + ")"
            cells.append(f"{mean:.3f}{tag}")
        if ok:
            print(f"| {rname} | " + " | ".join(cells) + f" | {math.exp(np.mean(logs)):.3f} |")
    missing = [n for n in nos if n not in best]
    if missing:
        print(f"\n(no stored AutoARIMA/AutoETS, counted as 1.0: {missing})")


if __name__ == "__main__":
    FORECASTS = "--forecasts" in sys.argv
    sys.argv = [a for a in sys.argv if a != "--forecasts"]
    if sys.argv[1] == "--table":
        table(sys.argv[2], [int(s) for s in (sys.argv[3] if len(sys.argv) > 3 else "0").split(",")])
    else:
        fits(sys.argv[1].split(","), [int(s) for s in sys.argv[2].split(",")], sys.argv[3].split(","))
