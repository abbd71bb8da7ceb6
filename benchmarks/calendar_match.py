"""What naming the data's exchange calendar costs `lstm train` on a 10-year daily file (issue 12).

Each run is a fresh process (as `lstm train` is) timing `calendars.data_note` on the NYSE's sessions
2015-01-02..2024-12-31 (2,516 rows, 92 closed weekdays): `cold` with an empty cache folder (the
calendars' holidays are built and written), `warm` with the cache file there. Prints the median of
--runs of each, in ms.

    .venv/bin/python benchmarks/calendar_match.py --runs 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

CHILD = r"""
import time, warnings
import numpy as np, pandas as pd
warnings.simplefilter("ignore")
days = np.load(DAYS)
from lstmcli.calendars import data_note
t = time.perf_counter()
text, match = data_note(days.astype("datetime64[s]"), "B", "train")
print((time.perf_counter() - t) * 1000, match.name if match else None)
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    runs = ap.parse_args().runs
    import warnings

    import exchange_calendars as xcals
    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = xcals.get_calendar("XNYS", start="2015-01-02", end="2024-12-31").sessions
    days = np.asarray(s.tz_localize(None) if s.tz else s).astype("datetime64[D]")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "days.npy")
        np.save(path, days)
        child = CHILD.replace("DAYS", repr(path))
        times: dict[str, list[float]] = {"cold": [], "warm": []}
        for i in range(runs):
            cache = os.path.join(tmp, f"cache{i}")
            for kind in ("cold", "warm"):  # the first run of a folder builds, the second reads
                env = {**os.environ, "LSTMCLI_CACHE_DIR": cache}
                out = subprocess.run([sys.executable, "-c", child], env=env, capture_output=True, text=True, check=True)
                ms, name = out.stdout.split()
                times[kind].append(float(ms))
        for kind, ts in times.items():
            spread = f"min {min(ts):.1f}, max {max(ts):.1f}"
            print(f"{kind}: median {statistics.median(ts):.1f} ms over {runs} runs ({spread}); match {name}")


if __name__ == "__main__":
    main()
