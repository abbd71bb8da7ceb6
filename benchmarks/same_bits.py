"""Does a speed-up keep every bit? `lstm train` + `lstm predict --json` under two trees, byte for byte.

Round 14 (branch r14speed). For each series and seed, runs `lstm train FILE --seed S --model m.npz [extra]` and then
`lstm predict --model m.npz --days D --json` under a base tree (`git archive REF`, default main) and under the new
one (this checkout's files, or `--new-ref`), each with PYTHONPATH set to its tree, OPENBLAS_NUM_THREADS=1 and the
same Python, and compares: the train summary (stdout), the predict JSON, and every file inside the model (.npz: each
array's bytes, and the metadata with its "created" time blanked). Prints one key=value line per run and a total.

    python benchmarks/same_bits.py                                   # the 4 default series, seeds 0 and 1
    python benchmarks/same_bits.py --seeds 0 1 2 --extra "--jobs 1" benchmarks/corpus/wineind.csv
    python benchmarks/same_bits.py --ref main --new-ref r14speed     # two commits
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SERIES = (  # the README's sample, a seasonal quarterly, a long weekly, a short yearly series
    "sample_data/daily_stock.csv",
    "benchmarks/corpus/ausbeer.csv",
    "benchmarks/corpus/gasoline.csv",
    "benchmarks/corpus/nile.csv",
)


def tree(ref: str, into: Path) -> str:
    """`git archive ref` of this repository unpacked into `into`."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return str(into)


def model_files(path: Path) -> dict[str, bytes]:
    """Every file inside the model (.npz), the metadata's "created" time blanked."""
    with zipfile.ZipFile(path) as z:
        return {n: re.sub(rb'"created": ?"[^"]*"', b'"created": ""', z.read(n)) for n in sorted(z.namelist())}


def run(code: str, csv: Path, seed: int, days: int, out: Path, extra: list[str]) -> dict[str, object]:
    """The summary, the predict JSON and the model's files of one train + predict with `code` on the path."""
    env = {**os.environ, "PYTHONPATH": code, "OPENBLAS_NUM_THREADS": "1", "COLUMNS": "100"}
    out.mkdir(parents=True, exist_ok=True)
    model = out / "m.npz"
    model.unlink(missing_ok=True)  # a model file already there changes the summary's words
    cli = [sys.executable, "-m", "lstmcli"]
    train = [*cli, "train", str(csv), "--seed", str(seed), "--model", "m.npz", *extra]
    summary = subprocess.run(train, cwd=out, env=env, capture_output=True, text=True, check=True).stdout
    predict = [*cli, "predict", "--model", "m.npz", "--days", str(days), "--json"]
    forecast = subprocess.run(predict, cwd=out, env=env, capture_output=True, text=True, check=True).stdout
    return {"summary": summary, "predict": forecast, **model_files(model)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("series", nargs="*", help="CSV files (default: the README's sample and three corpus series)")
    ap.add_argument("--ref", default="main", help="the base code: a git ref of this repository (default main)")
    ap.add_argument("--new-ref", default=None, help="the new code: a git ref too (default: this checkout's files)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    ap.add_argument("--days", type=int, default=12, help="predict --days (default 12)")
    ap.add_argument("--extra", default="", help="more lstm train options for both, e.g. '--jobs 1'")
    args = ap.parse_args()
    files = [Path(s).resolve() for s in args.series] or [REPO / s for s in SERIES]
    same_runs = files_compared = 0
    with tempfile.TemporaryDirectory() as tmp:
        base = tree(args.ref, Path(tmp, "base"))
        new = tree(args.new_ref, Path(tmp, "new")) if args.new_ref else str(REPO)
        print(f"base={args.ref} new={args.new_ref or REPO} seeds={args.seeds} extra={args.extra!r}", flush=True)
        for csv in files:
            for seed in args.seeds:
                a = run(base, csv, seed, args.days, Path(tmp, "out-base"), args.extra.split())
                b = run(new, csv, seed, args.days, Path(tmp, "out-new"), args.extra.split())
                differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
                same_runs += not differ
                files_compared += len(a.keys() | b.keys())
                print(
                    f"series={csv.name} seed={seed} compared={len(a.keys() | b.keys())} "
                    f"identical={'yes' if not differ else 'NO'} differ={','.join(differ) or '-'}",
                    flush=True,
                )
    print(f"identical_runs={same_runs}/{len(files) * len(args.seeds)} files_compared={files_compared}")


if __name__ == "__main__":
    main()
