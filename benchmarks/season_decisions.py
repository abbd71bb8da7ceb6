"""What `--season auto` decides on every development series, beside the season its spec declares (round 13).

No training: `lstm train` is run in-process on the study's training part (the rows before the first origin,
written as accuracy_study writes them) with `seasons.resolve_season` wrapped so that its first call records
the rows and frequency the fit detects on (the fit's own training part, after the validation rows are set
aside) and stops the run there. Each rule of `seasons.SEASON_TESTS` is then asked about those rows.

    PYTHONPATH=. python benchmarks/season_decisions.py [--sets corpus,macro,...] [--json OUT]

fresh5 (round 14's judge) is never read; fresh4 judged round 13 and is development data since.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import accuracy_study as st

from lstmcli import seasons
from lstmcli.cli import main as lstm_main

DEV_SETS = ("corpus", "macro", "seasonal", "phase", "phase2", "devtrend", "devseason", "daily", "fresh", "fresh2",
            "fresh3", "fresh4")  # fmt: skip


class _Seen(BaseException):  # BaseException: no `except Exception` in the CLI swallows it
    pass


def fit_rows(name: str) -> tuple[np.ndarray, str | None, int]:
    """(the rows lstm train's season detection reads, the frequency it infers, the study's training rows)."""
    y, dates = st.load_series(name)
    train_n = st.origins_of(len(y))[0]
    seen: dict = {}
    real = seasons.resolve_season

    def spy(requested, values, frequency, *rest):
        seen.update(values=np.array(values, dtype=np.float64), frequency=frequency)
        raise _Seen

    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "train.csv"
        st._write_csv(csv, y[:train_n], dates[:train_n])
        seasons.resolve_season = spy
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                lstm_main(["train", str(csv), "--model", str(Path(tmp) / "m.npz"), "-q"])
        except (_Seen, SystemExit):
            pass
        finally:
            seasons.resolve_season = real
    if not seen:
        return np.array([]), None, train_n
    return seen["values"], seen["frequency"], train_n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default=",".join(DEV_SETS))
    ap.add_argument("--json", help="write the rows as JSON here")
    a = ap.parse_args()
    sets = a.sets.split(",")
    if "fresh5" in sets:
        ap.error("fresh5 is round 14's judge: not read here")
    rows = []
    tests = list(seasons.SEASON_TESTS)
    print("| set | series | freq | declared | study rows | fit rows | " + " | ".join(tests) + " |")
    print("| --- | --- | --- | ---: | ---: | ---: |" + " --- |" * len(tests))
    for s in sets:
        series = st.CORPUS_SPEC if s == "corpus" else st.CHECK_SETS[s]
        for sp in series:
            values, freq, train_n = fit_rows(sp.name)
            out = {"set": s, "series": sp.name, "declared": sp.season, "freq": freq, "study_rows": train_n,
                   "fit_rows": len(values)}  # fmt: skip
            cells = []
            for t in tests:
                if freq == "B":
                    m, why = 1, "business days: not looked for"
                elif len(values) == 0:
                    m, why = 1, "the fit stopped before the season"
                else:
                    m, why = seasons.detect_season(values, freq, test=t)
                out[t] = {"season": m, "reason": why}
                cells.append(f"{m if m > 1 else '-'}: {why}")
            rows.append(out)
            print(f"| {s} | {sp.name} | {freq} | {sp.season} | {train_n} | {len(values)} | " + " | ".join(cells) + " |")
    for t in tests:
        found = [r for r in rows if r[t]["season"] > 1]
        miss = [r["series"] for r in rows if r["declared"] > 1 and r[t]["season"] == 1]
        false = [r["series"] for r in rows if r["declared"] == 1 and r[t]["season"] > 1]
        print(f"\n{t}: {len(found)} seasons found; {len(miss)} misses ({', '.join(miss)}); "
              f"{len(false)} false ({', '.join(false)})")  # fmt: skip
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
