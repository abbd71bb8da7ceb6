"""Why do the defaults lose to seasonal naive held out? (round 14, branch r14snaive)

    python benchmarks/snaive_diagnosis.py SERIES,... SEEDS [FLAGS...] >> benchmarks/results/r14snaive-diag.jsonl

For every series and seed: `lstm train` (today's defaults, plus FLAGS) on the study's training part, as
accuracy_study.py runs it (a subprocess), then one JSON line holding

- the held-out forecasts from the study's origins (H = 5): the model's as it forecasts (`fc`), the network's alone
  (`net`: the same model with seasonal naive's weight set to 0, i.e. the season fits' blend before the fallback),
  seasonal naive's (`sn`, the study's formula, the declared season) and the actuals (`act`);
- the same from every validation origin of the fit (`vfc`, `vnet`, `vsn`, `vact`: H steps from each validation row,
  NaN past the training part), so that rules can be replayed offline;
- what the fit chose (season, target, window, the snaive blend's weight and validation MAEs, the kept season fit).

    python benchmarks/snaive_diagnosis.py --table benchmarks/results/r14snaive-diag.jsonl

With --earlier (before SERIES) the series is cut at the study's first origin and the same protocol runs on what is
left (fit on its first 80%, origins over its last 20%): an earlier block of origins, inside the training part, to
ask whether the network lost to seasonal naive before the held-out part too (what judging on origins spread over
the whole training part would see).

prints per series: held-out MAE / naive of the model, the network alone, seasonal naive and their mean; the same
ratios (model / seasonal naive) on validation over steps 1..5; the held-out and validation signed bias (mean of
forecast - actual over all (origin, step) pairs, in units of seasonal naive's held-out MAE), and how much of the
model's held-out error a per-origin level shift would remove (the "level" share: the model's MAE after each
origin's mean error is subtracted, over its MAE).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import accuracy_study as study

H = 5


def _snaive(y: np.ndarray, o: int, m: int) -> np.ndarray:
    h = np.arange(1, H + 1)
    return y[o - m : o][(h - 1) % m]


def fits(names: list[str], seeds: list[int], flags: list[str], earlier: bool = False) -> None:
    from lstmcli.forecast import Forecaster

    for name in names:
        spec = study.BY_NAME[name]
        m = spec.season
        y, dates = study.load_series(name)
        if earlier:  # the training part alone, as if it were the whole series
            cut = study.origins_of(len(y))[0]
            y, dates = y[:cut], dates[:cut]
        origins, act, naive = study.held_out(y)
        n = origins[0]
        with tempfile.TemporaryDirectory() as tmp:
            csv = Path(tmp) / "train.csv"
            study._write_csv(csv, y[:n], dates[:n])
            for seed in seeds:
                model = Path(tmp) / "m.npz"
                cmd = [sys.executable, "-m", "lstmcli", "train", str(csv), "--model", str(model), "-q"]
                cmd += ["--seed", str(seed), *flags]
                p = subprocess.run(cmd, capture_output=True, text=True)
                if p.returncode != 0:
                    print(json.dumps(dict(series=name, seed=seed, error=p.stderr[-300:])), flush=True)
                    continue
                f = Forecaster.load(model)

                def fc_from(rows, f=f, y=y):
                    return np.array([f.predict(H, y[:o], None, interval=None).values for o in rows])

                fc = fc_from(origins)
                first = f.info.validation.first_date_index
                vrows = list(range(first, n))
                vfc = fc_from(vrows)
                w = f.snaive_weight
                f.snaive_weight = 0.0
                net, vnet = fc_from(origins), fc_from(vrows)
                f.snaive_weight = w
                sn = np.array([_snaive(y, o, m) for o in origins])
                vsn = np.array([_snaive(y, o, m) for o in vrows])
                vact = np.array([[y[o + h] if o + h < n else np.nan for h in range(H)] for o in vrows])
                blend = f.info.snaive_blend
                sf = f.info.season_fits
                rec = dict(
                    series=name,
                    seed=seed,
                    flags=flags,
                    earlier=earlier,
                    season=m,
                    lstm_season=None if f.season is None else f.season.length,
                    method=None
                    if f.season is None
                    else (
                        "difference"
                        if f.season.difference
                        else ("phase+adjust" if f.season.adjust is not None else "phase")
                    ),
                    combined=None if sf is None else list(sf.methods),
                    target=str(f.target),
                    window=f.config.window,
                    growth=f.config.damped_growth,
                    blend=None if blend is None else blend.to_dict(),
                    train_rows=n,
                    first=int(first),
                    naive=naive,
                    act=act.tolist(),
                    fc=fc.tolist(),
                    net=net.tolist(),
                    sn=sn.tolist(),
                    vact=vact.tolist(),
                    vfc=vfc.tolist(),
                    vnet=vnet.tolist(),
                    vsn=vsn.tolist(),
                    choices=f.choices,
                )
                print(json.dumps(rec), flush=True)


def load(path: str) -> list[dict]:
    out = []
    for line in Path(path).read_text().splitlines():
        if line.startswith("{"):
            r = json.loads(line)
            if "error" not in r:
                for k in ("act", "fc", "net", "sn", "vact", "vfc", "vnet", "vsn"):
                    r[k] = np.array(r[k], dtype=float)
                out.append(r)
    return out


def origin_mae(f: np.ndarray, a: np.ndarray) -> float:
    """Each origin's MAE over its steps inside the data, averaged over the origins (as the fit's _steps_maes)."""
    e = np.abs(f - a)
    ok = np.isfinite(e)
    keep = ok.sum(axis=1) > 0
    return float(np.mean(np.where(ok, e, 0).sum(axis=1)[keep] / ok.sum(axis=1)[keep]))


def table(path: str) -> None:
    print(
        "| series | seed | m | fit | w | held fc | net | snaive | mean | val rows | val net/sn 1 | val net/sn 1-5 "
        "| held net/sn 1 | held net/sn 1-5 | held bias net | held bias sn | val bias net | level share |"
    )
    print("| --- " * 18 + "|")
    for r in load(path):
        nv = r["naive"]
        mean = (r["net"] + r["sn"]) / 2
        held = [origin_mae(x, r["act"]) / nv for x in (r["fc"], r["net"], r["sn"], mean)]
        ok = np.isfinite(r["vact"][:, 0])
        v1 = np.mean(np.abs(r["vnet"][ok, 0] - r["vact"][ok, 0])) / np.mean(np.abs(r["vsn"][ok, 0] - r["vact"][ok, 0]))
        v5 = origin_mae(r["vnet"], r["vact"]) / origin_mae(r["vsn"], r["vact"])
        h1 = np.mean(np.abs(r["net"][:, 0] - r["act"][:, 0])) / np.mean(np.abs(r["sn"][:, 0] - r["act"][:, 0]))
        h5 = origin_mae(r["net"], r["act"]) / origin_mae(r["sn"], r["act"])
        snm = origin_mae(r["sn"], r["act"])
        bias_net = float(np.mean(r["net"] - r["act"])) / snm
        bias_sn = float(np.mean(r["sn"] - r["act"])) / snm
        vsnm = origin_mae(r["vsn"], r["vact"])
        vbias = float(np.nanmean(r["vnet"] - r["vact"])) / vsnm
        err = r["net"] - r["act"]
        level = origin_mae(err - err.mean(axis=1, keepdims=True), 0 * err) / origin_mae(err, 0 * err)
        w = 0 if r["blend"] is None else r["blend"]["weight"]
        print(
            f"| {r['series']} | {r['seed']} | {r['lstm_season']} | {r['method']}{'+c' if r['combined'] else ''} "
            f"| {w:g} | " + " | ".join(f"{x:.3f}" for x in held) + f" | {int(ok.sum())} | {v1:.2f} | {v5:.2f} "
            f"| {h1:.2f} | {h5:.2f} | {bias_net:+.2f} | {bias_sn:+.2f} | {vbias:+.2f} | {level:.2f} |"
        )


if __name__ == "__main__":
    if sys.argv[1] == "--table":
        table(sys.argv[2])
    else:
        earlier = sys.argv[1] == "--earlier"
        args = sys.argv[2:] if earlier else sys.argv[1:]
        fits(args[0].split(","), [int(s) for s in args[1].split(",")], args[2:], earlier)
