"""The geometric mean of MAE / best of (AutoARIMA, AutoETS) over a whole set whose series' figures come from several
runs: each series takes the first source (FILE:PREFIX) that has it (PREFIX, PREFIX-s1, PREFIX-s2: seeds 0/1/2).

    python benchmarks/geo_sources.py NEW.json:v R/r11shrink-fresh2.json:guard R/r11growth-fresh2-rest.json:new \
        R/r11fresh2-main.json:lstm

Prints the geo-mean of the 3-seed mean MAE / best, each seed's, and which source each series came from.
(geo_mixed.py does this for one base and one variant with the same prefix in every base file.)
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

SEEDS = ("", "-s1", "-s2")


def main(argv: list[str]) -> int:
    sources = []
    for arg in argv:
        path, prefix = arg.rsplit(":", 1)
        series = json.loads(Path(path).read_text())["series"]
        runs = {s["series"]: {r["method"]: r for r in s["methods"]} for s in series}
        sources.append((Path(path).name, prefix, runs))
    names = list(dict.fromkeys(n for _, _, runs in sources for n in runs))
    logs, seed_logs, used = [], [[], [], []], {}
    for name in names:
        src = next((s for s in sources if all(s[1] + k in s[2].get(name, {}) for k in SEEDS)), None)
        if src is None:
            continue
        stat = next(runs[name] for _, _, runs in sources if name in runs and "autoarima" in runs[name])
        best = min(stat[k]["mae"] for k in ("autoarima", "autoets") if stat.get(k, {}).get("mae") is not None)
        maes = [src[2][name][src[1] + k]["mae"] for k in SEEDS]
        logs.append(math.log(sum(maes) / 3 / best))
        for i, m in enumerate(maes):
            seed_logs[i].append(math.log(m / best))
        used[name] = f"{src[0]}:{src[1]}"
    geo = math.exp(sum(logs) / len(logs))
    seeds = " / ".join(f"{math.exp(sum(s) / len(s)):.3f}" for s in seed_logs)
    print(f"{len(logs)} series: {geo:.3f}; {seeds}")
    for name, src in used.items():
        print(f"  {name}: {src}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
