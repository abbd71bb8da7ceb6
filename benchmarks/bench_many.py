"""Many series at once: wall time and series/s of `lstm train`, `predict` and `backtest` on one long CSV.

Writes `--series` synthetic series (default 500) of `--rows` daily rows (default 2,500) into
one long CSV (`Date,Ticker,Close`): geometric random walks with drift; every 5th series with
a weekly season; every 25th short (10 rows: too short to train, skipped); every 50th broken
(no numbers: skipped). Then runs the installed `lstm` command as a user would:

    train     --jobs 1, --jobs 2 and (when dask is installed) a 2-worker LocalCluster, side by side
    predict   --days 5 for every series of the panel model, beside one `lstm predict` of one series
    backtest  --jobs 1 and --jobs 2 (and the LocalCluster)

and prints key=value lines: the median wall seconds of `--repeat` interleaved runs, series/s,
the ratio of --jobs 2 to --jobs 1, Dask to --jobs 2, and the peak RSS of the `lstm` process
(VmHWM, read from /proc while it runs: the
parent only, not its workers); and the median CPU seconds of every process a run used (`lstm`,
its pool workers, the Dask workers, this process with the LocalCluster's scheduler and nannies):
steadier than wall time on a shared machine. Then a projection: series per hour per core, and
hours for 100,000 series on 100 cores. `--epochs` (default: lstm's) shortens each fit for a quick
run; `--runs jobs2,dask` times only those variants (no predict and no projection without jobs1);
`--compare DIR` adds `base_dask`, the Dask run with DIR's lstmcli as the `lstm` client.

    python benchmarks/bench_many.py --series 50 --rows 500 --epochs 5     # a quick run
    python benchmarks/bench_many.py                                        # the issue's 500 x 2,500

`--phases` measures where the parent `lstm` process spends its time instead (see `probe`): the
single-series read that finds a panel, the panel read, the pool's start, the fits, the save,
and the parent's own CPU seconds outside the fits (less noise-sensitive on a shared machine
than wall ratios). `--compare DIR` runs every probe also with the lstmcli package in DIR first
on PYTHONPATH (e.g. `git archive main lstmcli | tar -x -C /tmp/main`), interleaved:

    python benchmarks/bench_many.py --phases --compare /tmp/main --series 20 --rows 500 --epochs 10
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _lstm() -> str:
    exe = Path(sys.executable).parent / "lstm"
    if not exe.exists():
        sys.exit(f"the lstm command is not installed next to {sys.executable}; pip install -e . first")
    return str(exe)


def write_panel(path: Path, n_series: int, rows: int, seed: int = 0) -> dict:
    """The long CSV; returns how many series of each kind it holds."""
    import numpy as np  # here: a --probe process must set one BLAS thread before NumPy loads

    rng = np.random.default_rng(seed)
    dates = np.busday_offset(np.datetime64("2015-01-02"), np.arange(rows), roll="forward").astype(str)
    kinds = {"walk": 0, "seasonal": 0, "short": 0, "broken": 0}
    with path.open("w") as f:
        f.write("Date,Ticker,Close\n")
        for k in range(n_series):
            name = f"S{k:05d}"
            x = 50 * np.exp(np.cumsum(rng.normal(rng.uniform(-2e-4, 6e-4), rng.uniform(0.005, 0.02), rows)))
            n = rows
            if k % 50 == 49:
                kinds["broken"] += 1
                f.writelines(f"{d},{name},\n" for d in dates[:n])
                continue
            if k % 25 == 24:
                kinds["short"] += 1
                n = 10
            elif k % 5 == 4:
                kinds["seasonal"] += 1
                x = x * (1 + 0.03 * np.sin(2 * np.pi * np.arange(rows) / 5))
            else:
                kinds["walk"] += 1
            f.writelines(f"{d},{name},{v:.4f}\n" for d, v in zip(dates[:n], x[:n], strict=True))
    return kinds


def timed(cmd: list[str], cwd: Path, env: dict | None = None, also: list[int] = ()) -> tuple[float, float, float]:
    """(wall seconds, peak RSS in MB of the process itself, CPU seconds), polling /proc/PID/status for VmHWM.

    CPU seconds: of the process, its descendants (pool workers) and the processes `also` (a Dask cluster's
    workers), plus this process's own (a LocalCluster's scheduler and nannies live here) over the run;
    read with psutil every 50 ms (nan without psutil). Less sensitive to a busy machine than wall time."""
    try:
        import psutil
    except ImportError:
        psutil = None
    t0 = time.perf_counter()
    p = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})}
    )
    peak = 0.0
    status = Path(f"/proc/{p.pid}/status")
    cpu: dict[int, float] = {}  # pid -> CPU seconds last seen
    fixed = {pid: psutil.Process(pid) for pid in [os.getpid(), *also]} if psutil else {}
    cpu0 = {pid: sum(q.cpu_times()[:2]) for pid, q in fixed.items()}
    while p.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        except OSError:
            pass
        if psutil:
            try:
                tree = psutil.Process(p.pid)
                for q in [tree, *tree.children(recursive=True)]:
                    cpu[q.pid] = max(cpu.get(q.pid, 0.0), sum(q.cpu_times()[:2]))
            except psutil.Error:
                pass
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode()
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{err[-2000:]}")
    total = sum(cpu.values()) + sum(sum(q.cpu_times()[:2]) - cpu0[pid] for pid, q in fixed.items())
    return wall, peak, total if psutil else float("nan")


# ---------------------------------------------------------------------------------------
# --phases: where the parent `lstm` process spends its wall time, phase by phase


def probe(argv: list[str]) -> None:
    """Run `lstm ARGV` in this (fresh) process with timers around its phases; print one JSON line on stderr.

    Phases: `sniff` (the single-series read that finds a file of several series), `read` (cutting
    the panel into series), `first` (from the start of the fit phase to the first series back, less
    that series' own seconds: pool and worker start), `fit` (the whole fit/backtest phase), `save`
    (the model file), and `total` (the command, from interpreter start). `serial` = total - fit +
    first: what the parent does while no series is being fitted. `cpu`: the parent's own CPU seconds
    (not its workers').
    `tasks`: the sum of the series' own seconds (measured inside each task): when two workers make each
    task slower than one process does (shared caches, memory, a busy machine), no parent can fix that.
    """
    import json
    import resource

    for var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):  # as `lstm` does, before NumPy loads
        os.environ.setdefault(var, "1")
    t_start = time.perf_counter()
    import lstmcli.cli as cli
    from lstmcli import panel, panel_data, parallel
    from lstmcli.cli import common

    spans: dict[str, float] = {}
    marks: dict[str, float] = {}

    def timed_fn(owner, name: str, key: str) -> None:
        real = getattr(owner, name)

        def wrapper(*a, **k):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return real(*a, **k)
            finally:
                spans[key] = spans.get(key, 0.0) + time.perf_counter() - t0
                spans[key + "_cpu"] = spans.get(key + "_cpu", 0.0) + time.process_time() - c0

        setattr(owner, name, wrapper)

    from lstmcli.cli import backtest as cli_backtest
    from lstmcli.cli import train as cli_train

    for owner in (common, cli_train, cli_backtest):
        timed_fn(owner, "read_series", "sniff")
    timed_fn(panel_data, "read_panel", "read")
    timed_fn(panel.Panel, "save", "save")
    real_run = parallel.run

    def run(fn, tasks, jobs=1, *a, **k):
        marks.setdefault("fit_start", time.perf_counter())
        marks.setdefault("fit_cpu0", time.process_time())
        for item in real_run(fn, tasks, jobs, *a, **k):
            result = item[1]  # a FitOutcome (train) or a row of scores (backtest): its task's own seconds
            seconds = getattr(result, "seconds", None) if not isinstance(result, dict) else result.get("seconds")
            if "first" not in marks:  # the pool's start: until the first result, less that task's own time
                marks["first"] = time.perf_counter() - (seconds or 0.0)
            spans["tasks"] = spans.get("tasks", 0.0) + (seconds or 0.0)
            yield item
        marks["fit_end"] = time.perf_counter()
        marks["fit_cpu"] = time.process_time() - marks["fit_cpu0"]

    parallel.run = run
    status = 0
    try:
        cli.main(argv)
    except SystemExit as e:
        status = e.code or 0
    total = time.perf_counter() - t_start + _interpreter_start()
    fit = marks.get("fit_end", 0.0) - marks.get("fit_start", 0.0)
    first = marks.get("first", 0.0) - marks.get("fit_start", 0.0)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    out = {k: round(v, 3) for k, v in spans.items()}
    out |= dict(first=round(first, 3), fit=round(fit, 3), total=round(total, 3))
    cpu = ru.ru_utime + ru.ru_stime
    out |= dict(serial=round(total - fit + first, 3), cpu=round(cpu, 3), status=status)
    out |= dict(fit_cpu=round(marks.get("fit_cpu", 0.0), 3), serial_cpu=round(cpu - marks.get("fit_cpu", 0.0), 3))
    sys.stderr.write("PHASES " + json.dumps(out) + "\n")


def _interpreter_start() -> float:
    """Seconds from this process's start to now, minus what perf_counter measured since main: the interpreter's
    own start-up (read from /proc: process start time in clock ticks since boot)."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        start = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19]) / ticks
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return max(0.0, uptime - start - (time.perf_counter() - _T0))
    except (OSError, ValueError, IndexError):
        return 0.0


_T0 = time.perf_counter()


def _descendants() -> list[int]:
    """The pids of this process's descendants (a LocalCluster's worker processes)."""
    import psutil

    return [q.pid for q in psutil.Process().children(recursive=True)]


def _spin(n: int) -> float:
    """A fixed piece of pure CPU work (no memory traffic); its wall seconds."""
    t = time.perf_counter()
    s = 0
    for i in range(n):
        s += i
    return time.perf_counter() - t


def capacity(n: int = 4_000_000) -> float:
    """How many cores two processes really get now: 2 x (seconds of the work alone) / (seconds of each of
    two copies at once). 2.0 on two idle cores; ~1 when other work holds one of them (then no --jobs 2
    can be 2x faster, whatever lstm does)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, [n // 10] * 2))  # both workers started
        alone = statistics.median(pool.submit(_spin, n).result() for _ in range(3))
        together = statistics.median(list(pool.map(_spin, [n, n])))
    return 2 * alone / together


def phases(csv: Path, args, cwd: Path) -> None:
    """Median phase seconds of train and backtest with --jobs 1 and --jobs 2 (interleaved runs), side by side."""
    import json

    fit = ["--epochs", str(args.epochs)] if args.epochs else []
    trees = {"new": None} if args.compare is None else {"base": str(Path(args.compare).resolve()), "new": None}
    rows: dict[str, list[dict]] = {}
    for _ in range(args.repeat):  # interleaved: drift of a shared machine hits every variant alike
        for verb in args.verbs.split(","):
            for jobs in ("1", "2"):
                for tree, where in trees.items():
                    out = ["--model", str(cwd / f"ph{jobs}.npz")] if verb == "train" else ["--days", str(args.days)]
                    cmd = [sys.executable, __file__, "--probe", verb, str(csv), *fit, *out, "--jobs", jobs, "-q"]
                    env = {**os.environ, **({"PYTHONPATH": where} if where else {})}  # `where`: another lstmcli
                    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
                    line = [x for x in p.stderr.splitlines() if x.startswith("PHASES ")]
                    if p.returncode != 0 or not line:
                        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-2000:]}")
                    rows.setdefault(f"{tree}_{verb}_jobs{jobs}", []).append(json.loads(line[-1][7:]))
                    print(f"# probe {tree} {verb} --jobs {jobs}: {line[-1][7:]}", flush=True)
    keys = ("total", "serial", "serial_cpu", "sniff_cpu", "read_cpu", "save_cpu", "first", "fit", "fit_cpu")
    print("phase medians (s):        " + " ".join(f"{k:>9}" for k in keys))
    for name, runs in sorted(rows.items(), key=lambda kv: kv[0].split("_", 1)[1]):
        med = {k: statistics.median(r.get(k, 0.0) for r in runs) for k in keys}
        print(f"{name:>24}: " + " ".join(f"{med[k]:9.2f}" for k in keys))
    for tree in trees:
        for verb in args.verbs.split(","):
            one, two = rows[f"{tree}_{verb}_jobs1"], rows[f"{tree}_{verb}_jobs2"]
            ratio = statistics.median(r["total"] for r in one) / statistics.median(r["total"] for r in two)
            s1 = statistics.median(r["serial_cpu"] for r in one)
            s2 = statistics.median(r["serial_cpu"] for r in two)
            print(
                f"{tree}_{verb}: speedup_jobs2_over_jobs1={ratio:.2f} (wall medians) "
                f"parent_serial_cpu_s jobs1={s1:.2f} jobs2={s2:.2f} "
                f"fits_cpu_s_jobs1={statistics.median(r['fit_cpu'] for r in one):.2f}"
            )


PREDICTS = {  # the commands a user runs on the panel model, timed beside one `lstm predict` of one series
    "all": [],  # the table
    "json": ["--json"],
    "csv": ["--output", "forecast.csv"],  # the long CSV, and the table
}


def predict_bench(exe: str, csv: Path, cwd: Path, args, fit: list[str], models: dict[str, Path], trainable: int):
    """`lstm predict --days D` of every series of each panel model in `models` ({tree: path}; tree "base" runs
    with the lstmcli of --compare first on PYTHONPATH), as the table, --json and --output CSV, and of one
    series' model, interleaved `--repeat` times; the medians and their ratios to one series' predict."""
    env = {tree: {"PYTHONPATH": str(Path(args.compare).resolve())} if tree == "base" else None for tree in models}
    one = cwd / "one.npz"
    timed([exe, "train", str(csv), "--series", "S00000", *fit, "--model", str(one), "-q"], cwd)
    walls: dict[str, list[float]] = {}
    peaks: dict[str, float] = {}
    days = ["--days", str(args.days)]
    for _ in range(args.repeat):  # interleaved: drift of a shared machine hits every variant alike
        for tree, model in models.items():
            for name, extra in PREDICTS.items():
                wall, rss, _ = timed([exe, "predict", *days, "--model", str(model), *extra], cwd, env[tree])
                walls.setdefault(f"{tree}_{name}", []).append(wall)
                peaks[tree] = max(peaks.get(tree, 0.0), rss)
            wall, _, _ = timed([exe, "predict", *days, "--model", str(one)], cwd, env[tree])
            walls.setdefault(f"{tree}_one", []).append(wall)
            print(f"# predict {tree}: " + " ".join(f"{k}={v[-1]:.2f}s" for k, v in walls.items() if k.startswith(tree)))
    med = {k: statistics.median(v) for k, v in walls.items()}
    for tree, model in models.items():
        label = "" if len(models) == 1 else f"{tree}_"
        size = model.stat().st_size
        print(
            " ".join(f"{label}predict_{k}_s={med[f'{tree}_{k}']:.2f}" for k in (*PREDICTS, "one"))
            + f" ({args.repeat} runs, medians)"
        )
        print(
            " ".join(f"{label}predict_{k}_over_one={med[f'{tree}_{k}'] / med[f'{tree}_one']:.2f}" for k in PREDICTS)
            + f" {label}predict_peak_rss_mb={peaks[tree]:.0f} {label}model_file_mb={size / 1e6:.2f}"
            f" {label}model_kb_per_series={size / 1e3 / trainable:.1f}"
        )
        rounds = {  # each run over the one-series run of its own round: less sensitive to a drifting load
            k: [a / b for a, b in zip(walls[f"{tree}_{k}"], walls[f"{tree}_one"], strict=True)] for k in PREDICTS
        }
        print(
            " ".join(f"{label}predict_{k}_over_one_per_round={statistics.median(v):.2f}" for k, v in rounds.items())
            + " (median of "
            + ", ".join(f"{r:.2f}" for r in rounds["all"])
            + " for all)"
        )


def predict_only(exe: str, csv: Path, cwd: Path, args, fit: list[str], trainable: int) -> None:
    """--verbs predict: the panel trained once (--jobs 2, not timed; by --compare's lstmcli when given, then
    saved again by this one: the same models in this version's file format), then `predict_bench`."""
    base = cwd / ("base.npz" if args.compare else "new.npz")
    env = {"PYTHONPATH": str(Path(args.compare).resolve())} if args.compare else None
    wall, _, _ = timed([exe, "train", str(csv), *fit, "--model", str(base), "--jobs", "2", "-q"], cwd, env)
    print(f"# trained the panel in {wall:.0f}s", flush=True)
    models = {"new": base}
    if args.compare:
        models = {"base": base, "new": cwd / "new.npz"}
        code = "import sys; from lstmcli.panel import Panel; Panel.load(sys.argv[1]).save(sys.argv[2])"
        subprocess.run([sys.executable, "-c", code, str(base), str(models["new"])], check=True)
    predict_bench(exe, csv, cwd, args, fit, models, trainable)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--probe":
        return probe(sys.argv[2:])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=500)
    ap.add_argument("--rows", type=int, default=2500)
    ap.add_argument("--epochs", type=int, default=None, help="epochs per fit [default: lstm's]")
    ap.add_argument("--days", type=int, default=5)
    ap.add_argument("--no-dask", action="store_true", help="skip the LocalCluster runs")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each variant, interleaved; medians reported")
    ap.add_argument(
        "--phases", action="store_true", help="only the parent's phases (read, pool start, fit, save) of train/backtest"
    )
    ap.add_argument(
        "--compare",
        metavar="DIR",
        help="with --phases: also run each probe with the lstmcli package of DIR (e.g. a `git archive` of main) "
        "first on PYTHONPATH; labelled base and new. With --verbs predict: predict with both, side by side "
        "(the panel trained by DIR's lstmcli, and that file saved again by this one). With train/backtest: also "
        "a Dask run whose lstm process (the client) uses DIR's lstmcli (base_dask)",
    )
    ap.add_argument(
        "--verbs",
        default="train,backtest",
        help="the verbs to time (or, with --phases, to probe); `predict` alone: train once (--jobs 2, untimed), "
        "then time only predict",
    )
    ap.add_argument(
        "--runs",
        default="jobs1,jobs2,dask",
        help="the variants to time (without jobs1: no predict and no projection); --compare DIR adds base_dask",
    )
    args = ap.parse_args()
    if args.phases:
        with tempfile.TemporaryDirectory() as tmp:
            csv = Path(tmp) / "panel.csv"
            kinds = write_panel(csv, args.series, args.rows)
            load = ",".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"series={args.series} rows={args.rows} kinds={kinds} epochs={args.epochs} load={load}")
            print(f"cores_for_two_processes={capacity():.2f} (2.00 on two idle cores)", flush=True)
            phases(csv, args, Path(tmp))
            print(f"load_after={','.join(f'{x:.1f}' for x in os.getloadavg())}")
            print(f"cores_for_two_processes_after={capacity():.2f}")
        return
    exe = _lstm()
    fit = ["--epochs", str(args.epochs)] if args.epochs else []
    verbs = args.verbs.split(",")
    if verbs != ["predict"] and (not verbs or not set(verbs) <= {"train", "backtest"}):
        ap.error("--verbs: train and/or backtest; or predict alone")
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        csv = cwd / "panel.csv"
        kinds = write_panel(csv, args.series, args.rows)
        load = ",".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"series={args.series} rows={args.rows} kinds={kinds} csv_mb={csv.stat().st_size / 1e6:.1f} load={load}")
        print(f"cores_for_two_processes={capacity():.2f} (2.00 on two idle cores)", flush=True)
        trainable = args.series - kinds["short"] - kinds["broken"]
        if verbs == ["predict"]:
            return predict_only(exe, csv, cwd, args, fit, trainable)

        cluster, also = None, []
        if not args.no_dask and "dask" in args.runs:
            try:
                from distributed import LocalCluster

                cluster = LocalCluster(processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None)
                also = _descendants()  # its worker processes: their CPU counts in the Dask runs
            except ImportError:
                print("dask=absent (pip install 'lstmcli[dask]' to compare)")
        runs = {k: ["--jobs", k[4:]] for k in ("jobs1", "jobs2") if k in args.runs}
        base = {"PYTHONPATH": str(Path(args.compare).resolve())} if args.compare else None
        if cluster is not None:
            runs["dask"] = ["--dask", cluster.scheduler_address]
            if base:  # the `lstm` process (the Dask client) from DIR; the workers run this tree's task code
                runs["base_dask"] = runs["dask"]
        walls: dict[str, list[float]] = {}
        cpus: dict[str, list[float]] = {}
        peaks: dict[str, float] = {}
        for _ in range(args.repeat):  # interleaved: drift of a shared machine hits every variant alike
            for verb in verbs:
                for name, how in runs.items():
                    model = ["--model", str(cwd / f"{name}.npz")] if verb == "train" else []
                    extra = ["--days", str(args.days)] if verb == "backtest" else []
                    env, cluster_pids = (base if name.startswith("base") else None), (also if "dask" in name else [])
                    cmd = [exe, verb, str(csv), *fit, *extra, *model, *how, "-q"]
                    wall, rss, cpu = timed(cmd, cwd, env, cluster_pids)
                    walls.setdefault(f"{verb}_{name}", []).append(wall)
                    cpus.setdefault(f"{verb}_{name}", []).append(cpu)
                    print(f"# run {verb}_{name} {wall:.1f}s cpu {cpu:.1f}s", flush=True)  # partial results kept
                    peaks[f"{verb}_{name}"] = max(peaks.get(f"{verb}_{name}", 0.0), rss)
        med = {k: statistics.median(v) for k, v in walls.items()}
        mcpu = {k: statistics.median(v) for k, v in cpus.items()}
        for verb in verbs:
            for name in runs:
                k = f"{verb}_{name}"
                print(
                    f"{k}_s={med[k]:.1f} (runs {', '.join(f'{w:.1f}' for w in walls[k])}) "
                    f"{k}_series_per_s={trainable / med[k]:.2f} {k}_peak_rss_mb={peaks[k]:.0f} {k}_cpu_s={mcpu[k]:.1f}"
                )
            ratios = []
            if "jobs1" in runs and "jobs2" in runs:
                ratios.append(f"{verb}_speedup_jobs2_over_jobs1={med[f'{verb}_jobs1'] / med[f'{verb}_jobs2']:.2f}")
            for name in ("dask", "base_dask") if "jobs2" in runs else ():
                if name in runs:
                    ratios.append(f"{verb}_{name}_over_jobs2={med[f'{verb}_{name}'] / med[f'{verb}_jobs2']:.2f}")
                    ratios.append(f"(cpu {mcpu[f'{verb}_{name}'] / mcpu[f'{verb}_jobs2']:.2f})")
            print(" ".join(ratios))
        if cluster is not None:
            cluster.close()
        print(f"cores_for_two_processes_after={capacity():.2f}")
        if "jobs1" not in runs or "train" not in verbs:  # predict and the projection read the --jobs 1 model and time
            return

        predict_bench(exe, csv, cwd, args, fit, {"new": cwd / "jobs1.npz"}, trainable)
        per_core_hour = trainable / med["train_jobs1"] * 3600
        print(
            f"projection_series_per_hour_per_core={per_core_hour:,.0f} "
            f"projection_hours_100k_series_100_cores={100_000 / (per_core_hour * 100):.2f}"
        )


if __name__ == "__main__":
    main()
