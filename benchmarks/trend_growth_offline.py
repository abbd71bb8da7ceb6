"""Offline figures of benchmarks/README.md "Trending series: a growth that persists" (round 13, branch r13trend), from
trend_growth_screen.py's stored fits:

    python benchmarks/trend_growth_offline.py seeds benchmarks/results/r13trend-screen.jsonl     # rules x seeds
    python benchmarks/trend_growth_offline.py why benchmarks/results/r13trend-screen.jsonl       # 1 vs 1-5 steps
    python benchmarks/trend_growth_offline.py combine benchmarks/results/r13trend-screen-forecasts.jsonl

`seeds`: each rule's geometric mean over the series of MAE / the better of AutoARIMA and AutoETS, per seed.
`why`: where judging 0.98 against the plain fit over 1-5 validation steps picks differently from one step, and the
correlation between the validation log ratio at step h and the held-out one. `combine`: rules that average the
plain fit's and 0.98's forecasts (the fits stored with --forecasts).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import accuracy_study as study
import trend_growth_screen as tg

SEEDS = (0, 1, 2)


def _lowest(cands):
    def pick(d):
        if not all(c in d for c in cands):
            return None
        return min(cands, key=lambda c: (d[c]["val1"], cands.index(c)))

    return pick


def seeds(path: str) -> None:
    by, best = tg.load(path), tg.best_stat()
    rules = tg.rules()
    for c in (["0", "0.9@2"], ["0", "0.98@2"], ["0", "0.98", "0.9@2"], ["0", "0.98", "0.98@2"], ["1e-06"], ["0.5"]):
        rules["{" + ", ".join(c) + "} one step"] = _lowest(c)
    for c in (["0", "1e-06"], ["0", "0.98", "1e-06"], ["0", "0.5"], ["0", "0.98", "0.5"]):
        rules["{" + ", ".join(c) + "} one step"] = _lowest(c)
    names = list(dict.fromkeys(k[0] for k in by))
    print("| rule | seed 0 | seed 1 | seed 2 | mean of the seeds present |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, pick in rules.items():
        figs = []
        for s in SEEDS:
            logs = []
            for n in names:
                d = by.get((n, s), {})
                p = pick(d) if d else None
                if p is None:
                    logs = None
                    break
                logs.append(math.log(d[p]["held"] / best[n]))
            figs.append(None if logs is None else math.exp(np.mean(logs)))
        have = [x for x in figs if x is not None]
        if have:
            cells = " | ".join("–" if x is None else f"{x:.3f}" for x in figs)
            print(f"| {name} | {cells} | {np.mean(have):.3f} |")


def why(path: str, alt: str = "0.98") -> None:
    by = tg.load(path)
    names = list(dict.fromkeys(k[0] for k in by))
    differ, agree = [], 0
    for n in names:
        for s in SEEDS:
            d = by.get((n, s), {})
            if alt not in d or "0" not in d:
                continue
            one = alt if d[alt]["val1"] < d["0"]["val1"] else "0"
            five = alt if tg.ahead(d[alt], 5) < tg.ahead(d["0"], 5) else "0"
            if one == five:
                agree += 1
                continue
            differ.append((n, s, one, five, d[one]["held"], d[five]["held"], d["0"]["val_rows"]))
    right = sum(x[4] < x[5] for x in differ)
    print(f"{alt}: the same choice {agree}, different {len(differ)}, the one-step choice better held out {right}")
    for n, s, one, five, h1, h5, v in differ:
        print(f"  {n} seed {s}: one step keeps {one} ({h1:.3f}), 1-5 steps {five} ({h5:.3f}); {v} validation rows")
    for h in (1, 2, 3, 5):
        xs, ys = [], []
        for n in names:
            for s in SEEDS:
                d = by.get((n, s), {})
                if alt not in d or "0" not in d or len(d[alt]["val_steps"]) < h:
                    continue
                xs.append(math.log(d[alt]["val_steps"][h - 1] / d["0"]["val_steps"][h - 1]))
                ys.append(math.log(d[alt]["held"] / d["0"]["held"]))
        xs, ys = np.array(xs), np.array(ys)
        corr, agree_sign = np.corrcoef(xs, ys)[0, 1], np.mean(np.sign(xs) == np.sign(ys))
        print(f"step {h}: {len(xs)} pairs, correlation {corr:.2f}, the sign agrees {agree_sign:.2f}")


def combine(path: str) -> None:
    best = tg.best_stat()
    by: dict = {}
    for line in Path(path).read_text().splitlines():
        r = json.loads(line)
        by.setdefault((r["series"], r["seed"]), {})[r["variant"]] = r
    names = list(dict.fromkeys(k[0] for k in by))
    ys = {n: study.load_series(n)[0] for n in names}

    def mean(d, w):
        """(held-out MAE / naive, one-step validation MAE) of (1 - w) x the plain fit + w x 0.98's."""
        a, b = d["0"], d["0.98"]
        y = ys[a["series"]]
        origins = study.origins_of(len(y))
        fc = (1 - w) * np.array(a["fc"]) + w * np.array(b["fc"])
        actual = np.array([y[o : o + tg.H] for o in origins])
        v = (1 - w) * np.array(a["vfc"])[:, 0] + w * np.array(b["vfc"])[:, 0]
        return float(np.abs(fc - actual).mean() / a["naive"]), float(np.mean(np.abs(y[a["first"] : origins[0]] - v)))

    def lower(d):
        return d["0.98"]["held"] if d["0.98"]["val1"] < d["0"]["val1"] else d["0"]["held"]

    def within(r):
        def rule(d):
            a, b = d["0"]["val1"], d["0.98"]["val1"]
            return mean(d, 0.5)[0] if max(a, b) / min(a, b) <= r else lower(d)

        return rule

    def lowest3(d):
        h, v = mean(d, 0.5)
        c = {"0": (d["0"]["val1"], d["0"]["held"]), "0.98": (d["0.98"]["val1"], d["0.98"]["held"]), "mean": (v, h)}
        return c[min(c, key=lambda k: c[k][0])][1]

    def halfway(d):
        return mean(d, 0.75 if d["0.98"]["val1"] < d["0"]["val1"] else 0.25)[0]

    rules = {
        "{0, 0.98} one step": lower,
        "the mean, always": lambda d: mean(d, 0.5)[0],
        "the mean within 1.25x, else the lower": within(1.25),
        "the mean within 1.1x, else the lower": within(1.1),
        "the lowest one-step MAE of {0, 0.98, their mean}": lowest3,
        "halfway from the lower one to the mean": halfway,
    }
    for name, rule in rules.items():
        figs = []
        for s in SEEDS:
            logs = [math.log(rule(by[(n, s)]) / best[n]) for n in names if len(by.get((n, s), {})) == 2]
            figs.append(f"{math.exp(np.mean(logs)):.3f} ({len(logs)})")
        print(f"{name}: " + " / ".join(figs))


if __name__ == "__main__":
    {"seeds": seeds, "why": why, "combine": combine}[sys.argv[1]](sys.argv[2])
