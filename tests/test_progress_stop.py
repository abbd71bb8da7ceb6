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


def test_one_stop_delivered_twice_is_one_stop_and_a_second_ctrl_c_still_aborts():
    """Round 13: `timeout -s INT 3 lstm train --auto` (and `timeout 60 ...`'s SIGTERM) signals lstm and then its
    process group, lstm included, ~1 ms apart: the second delivery aborted ("Interrupted.", nothing saved) where one
    Ctrl-C keeps the best so far, about half the time. A repeat within SAME_STOP_SECONDS is the same stop; a later
    one is the user's second Ctrl-C. Fails on main (the second kill raised KeyboardInterrupt)."""
    import os

    from lstmcli.cli.common import SAME_STOP_SECONDS

    with StopFlag() as stop:
        os.kill(os.getpid(), signal.SIGINT)  # the handler runs before os.kill returns to the next line
        os.kill(os.getpid(), signal.SIGINT)
        assert stop.requested == "SIGINT"
        time.sleep(SAME_STOP_SECONDS + 0.05)
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.5)  # (the handler runs at the next bytecode at the latest)
        except KeyboardInterrupt:
            aborted = True
        else:
            aborted = False
    assert aborted
