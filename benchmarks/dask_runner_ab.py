"""Two Dask runners side by side on ONE 2-worker LocalCluster: CPU seconds of the whole cluster, less noisy than wall.

    git archive ebe4184 lstmcli | tar -x -C /tmp/main        # the runner to compare with (lstmcli/dask_runner.py)
    python benchmarks/dask_runner_ab.py /tmp/main --series 24 --rows 1000 --epochs 5 --repeat 6

Fits the series of bench_many's panel with `panel.fit_task` through the old runner (DIR's
lstmcli/dask_runner.py), this tree's runner and `parallel.run(jobs=2)`, in alternating order
(old, new, jobs2, then reversed), on a cluster warmed up first (lstmcli imported on its workers).
Per run: wall seconds and the CPU seconds of this process (the scheduler, the nannies, the
client) plus the two worker processes (every thread: the task's, the event loop's, the profiler's).
The workers run this tree's task code in both Dask runs: only the runner (the client side, and
what it asks of the workers) differs.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path


def main() -> None:
    for var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", help="a folder holding the lstmcli package whose dask_runner.py is compared")
    ap.add_argument("--series", type=int, default=24)
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=6)
    args = ap.parse_args()

    import psutil
    from bench_many import capacity, write_panel
    from distributed import LocalCluster

    from lstmcli import dask_runner, parallel
    from lstmcli.panel import Panel, fit_task
    from lstmcli.panel_data import read_panel
    from lstmcli.training import TrainConfig

    spec = importlib.util.spec_from_file_location("old_dask_runner", Path(args.old) / "lstmcli" / "dask_runner.py")
    old = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(old)
    runners = {"old": old, "new": dask_runner}
    csv = Path(f"/tmp/dask-runner-ab-{os.getpid()}.csv")
    write_panel(csv, args.series, args.rows)
    tasks = Panel(TrainConfig(epochs=args.epochs)).tasks_for(read_panel([str(csv)]).series)
    csv.unlink()
    print(f"series={args.series} rows={args.rows} epochs={args.epochs} load={os.getloadavg()[0]:.1f}")
    print(f"cores_for_two_processes={capacity():.2f} (2.00 on two idle cores)", flush=True)
    cluster = LocalCluster(processes=True, n_workers=2, threads_per_worker=1, dashboard_address=":0")
    procs = [psutil.Process(), *psutil.Process().children(recursive=True)]

    def cpu() -> float:
        return sum(sum(p.cpu_times()[:2]) for p in procs)

    list(dask_runner.connect(cluster.scheduler_address)(fit_task, tasks[:4]))  # lstmcli imported on the workers
    walls: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}
    modes = ["old", "new", "jobs2"]
    for r in range(args.repeat):
        for mode in modes if r % 2 == 0 else modes[::-1]:
            c0, t0 = cpu(), time.perf_counter()
            if mode == "jobs2":  # its workers are not in `procs`: wall only
                list(parallel.run(fit_task, tasks, 2))
            else:
                list(runners[mode].connect(cluster.scheduler_address)(fit_task, tasks, 2))
            walls.setdefault(mode, []).append(time.perf_counter() - t0)
            cpus.setdefault(mode, []).append(cpu() - c0 if mode != "jobs2" else float("nan"))
            print(f"# {mode}: wall={walls[mode][-1]:.2f} cpu={cpus[mode][-1]:.2f}", flush=True)
    cluster.close()
    for mode in modes:
        print(f"{mode}_wall_s={statistics.median(walls[mode]):.2f} {mode}_cpu_s={statistics.median(cpus[mode]):.2f}")
    pairs = list(zip(cpus["old"], cpus["new"], strict=True))
    print(f"new_cpu_below_old_in={sum(n < o for o, n in pairs)}/{len(pairs)} runs")
    print(f"cores_for_two_processes_after={capacity():.2f}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
