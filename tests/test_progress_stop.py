"""The progress bar after Ctrl-C: it keeps the planned total and says it stopped, never a rewritten total."""

from __future__ import annotations

import io
import signal
import subprocess
import time

from rich.console import Console

from lstmcli.cli.common import ProgressBar, StopFlag


def _bar(console, total=59, **kw):
    before = "train {task.completed:>5.0f}/{task.total:.0f} series"
    return ProgressBar(console, False, total=total, before=before, bar_width=10, after="failed 0", **kw)


def _final_line(text: str) -> str:
    return [ln for ln in text.replace("\r", "\n").splitlines() if "series" in ln][-1]


def test_a_bar_stopped_by_ctrl_c_keeps_its_total_and_says_stopped():
    buf = io.StringIO()
    with StopFlag() as stop, _bar(Console(file=buf, width=100)) as bar:
        bar.update(18)
        stop.requested = "SIGINT"  # what the first Ctrl-C does
    line = _final_line(buf.getvalue())
    assert "18/59 series" in line and "stopped" in line and "ETA" not in line, line


def test_a_bar_that_ends_early_without_a_stop_still_ends_full():
    """Early stopping (epochs) is an end, not an interruption: the bar ends full, as before."""
    buf = io.StringIO()
    with StopFlag(), _bar(Console(file=buf, width=100), total=60) as bar:
        bar.update(23)
    line = _final_line(buf.getvalue())
    assert "23/23 series" in line and "stopped" not in line, line


def test_a_second_ctrl_c_leaves_the_bar_honest_too():
    buf = io.StringIO()
    try:
        with _bar(Console(file=buf, width=100)) as bar:
            bar.update(7)
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    line = _final_line(buf.getvalue())
    assert "7/59 series" in line and "stopped" in line, line


def test_ctrl_c_during_a_panel_train_leaves_the_bar_at_the_series_done(lstm_exe, tmp_path):
    """As a user sees it: SIGINT to `lstm train panel.csv` (stderr to a pipe prints the bar's final state)."""
    from test_panel import long_text, write

    tickers = tuple((f"T{k:02d}", 50.0 + k) for k in range(60))
    path = write(tmp_path, long_text(n=200, tickers=tickers))
    cmd = [lstm_exe, "train", str(path), "--model", str(tmp_path / "m.npz"), "--epochs", "30", "--patience", "30"]
    p = subprocess.Popen([*cmd, "--jobs", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={"NO_COLOR": "1"})
    time.sleep(8)  # start-up, reading, and a few series
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    text = err.decode()
    assert p.returncode == 0, text
    kept = int(text.split("Stopped by SIGINT: kept the ")[1].split()[0])
    line = _final_line(text.split("Stopped by SIGINT")[0])
    assert f"{kept}/60 series" in line and "stopped" in line, line
