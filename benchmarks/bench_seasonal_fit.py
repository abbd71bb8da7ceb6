"""Wall time of `lstm train` with the defaults: a git ref's code (main) side by side with this checkout's.

Round 13 (branch r13speed): a fit's own forecasts are made once (`Forecaster._own_paths`). This times the
default `lstm train FILE --seed S` of each series under both trees, interleaved run by run (base, new, base,
new, ...; the order flips every round so neither always runs first), and prints the median wall time of each
and their ratio (new / base) as key=value lines, then the medians' geometric mean ratio. The base tree is
`git archive REF` of this repository, unpacked into a temporary folder; both run with PYTHONPATH set to their
tree, OPENBLAS_NUM_THREADS=1 and the same Python, so only the code differs. Wall time includes the start-up
(imports, about 0.7 s), as a user sees it.

It also checks that both trees saved the same model (every array, and the metadata but its "created" time)
and printed the same summary: a speed-up that changed a bit is no speed-up.

    python benchmarks/bench_seasonal_fit.py                          # the default series, 5 runs each
    python benchmarks/bench_seasonal_fit.py --runs 7 --ref main benchmarks/corpus/wineind.csv
    python benchmarks/bench_seasonal_fit.py --new-ref r13speed       # a commit, not the files being edited
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SERIES = (  # seasonal (monthly, quarterly, weekly) and one without a season
    "sample_data/monthly_seasonal.csv",
    "benchmarks/corpus/wineind.csv",
    "benchmarks/corpus/ausbeer.csv",
    "benchmarks/corpus/woolyrnq.csv",
    "benchmarks/corpus/gasoline.csv",
    "sample_data/daily_stock.csv",
)


def _tree(ref: str, into: str) -> str:
    """`git archive ref` unpacked into `into`."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", into], input=archive, check=True)
    return into


def _model_digest(path: Path) -> str:
    """A digest of the model file's arrays and metadata, its "created" time left out."""
    h = hashlib.sha256()
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            h.update(name.encode())
            h.update(re.sub(rb'"created": ?"[^"]*"', b'"created": ""', z.read(name)))
    return h.hexdigest()


def _train(code: str, csv: Path, seed: int, out: Path, extra: list[str]) -> tuple[float, str, str]:
    """(wall seconds, summary text, model digest) of one `lstm train` with `code` on the path."""
    env = {**os.environ, "PYTHONPATH": code, "OPENBLAS_NUM_THREADS": "1", "COLUMNS": "100"}
    model = out / "m.npz"
    model.unlink(missing_ok=True)  # a model file already there changes the summary's words
    cmd = [sys.executable, "-m", "lstmcli", "train", str(csv), "--seed", str(seed), "--model", "m.npz", *extra]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=out, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    return wall, done.stdout, _model_digest(model)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("series", nargs="*", help="CSV files (default: a few seasonal ones and one without a season)")
    ap.add_argument("--ref", default="main", help="the base code: a git ref of this repository (default main)")
    ap.add_argument("--new-ref", default=None, help="the new code: a git ref too (default: this checkout's files)")
    ap.add_argument("--runs", type=int, default=5, help="runs of each tree per series (default 5)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--extra", default="", help="more lstm train options for both, e.g. '--jobs 1'")
    args = ap.parse_args()
    files = [Path(s) for s in args.series] or [REPO / s for s in SERIES]
    extra = args.extra.split()
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "base").mkdir()
        base = _tree(args.ref, str(Path(tmp, "base")))
        new = str(REPO)
        if args.new_ref:
            Path(tmp, "new").mkdir()
            new = _tree(args.new_ref, str(Path(tmp, "new")))
        print(f"base={args.ref} new={args.new_ref or REPO} runs={args.runs} seed={args.seed} extra={args.extra!r}")
        for csv in files:
            times: dict[str, list[float]] = {"base": [], "new": []}
            seen: dict[str, set] = {"base": set(), "new": set()}
            for r in range(args.runs):
                order = ("base", "new") if r % 2 == 0 else ("new", "base")
                for which in order:
                    out = Path(tmp, f"out-{which}")
                    out.mkdir(exist_ok=True)
                    wall, text, digest = _train(base if which == "base" else new, csv.resolve(), args.seed, out, extra)
                    times[which].append(wall)
                    seen[which].add((text, digest))
            same = seen["base"] == seen["new"] and len(seen["base"]) == 1
            if not same:  # say what differed: the summaries (their first differing line) or the models
                texts = sorted({t for which in seen for t, _ in seen[which]})
                models = {which: len({d for _, d in seen[which]}) for which in seen}
                lines = [t.splitlines() for t in texts[:2]]
                pairs = zip(*lines, strict=False) if len(lines) == 2 else ()
                first = next(((a, b) for a, b in pairs if a != b), None)
                print(f"differs: {len(texts)} summaries, models per tree {models}, first differing line {first}")
            b, n = statistics.median(times["base"]), statistics.median(times["new"])
            ratios.append(n / b)
            print(
                f"series={csv.name} base_median_s={b:.3f} new_median_s={n:.3f} ratio={n / b:.3f} "
                f"identical={'yes' if same else 'NO'} base_s={','.join(f'{t:.2f}' for t in times['base'])} "
                f"new_s={','.join(f'{t:.2f}' for t in times['new'])}",
                flush=True,
            )
    print(f"geomean_ratio={math.exp(statistics.fmean(math.log(r) for r in ratios)):.3f} series={len(ratios)}")


if __name__ == "__main__":
    main()
