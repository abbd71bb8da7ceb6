"""Faults during work: signals, concurrent writers, full disks, diverging training, extreme data.

Signals are sent to the real installed `lstm` command in a subprocess. The promise each test
checks is the same: a model file on disk is always complete (the previous one or a new
one), never half-written, and the user hears one clear line about what happened.
"""

from __future__ import annotations

import errno
import json
import os
import select
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import random_walk

from lstmcli import modelfile

FAST = ("--epochs", "1", "--hidden", "4", "--window", "3", "-q")


def _prices_csv(path: Path, n: int, seed: int = 0) -> Path:
    close = random_walk(n, seed, start=100, drift=0)
    path.write_text("Close\n" + "".join(f"{c:.4f}\n" for c in close))
    return path


def _daily_csv(path: Path, values) -> Path:
    days = np.busday_offset(np.datetime64("2021-03-01"), np.arange(len(values)), roll="forward")
    path.write_text("Date,Close\n" + "".join(f"{d},{float(v)!r}\n" for d, v in zip(days, values, strict=True)))
    return path


def _env() -> dict:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    env.pop("LSTM_MODEL", None)
    env.pop("LSTM_DEBUG", None)
    return env


def _start(exe: str, *args: str, cwd: Path, stdin=None) -> subprocess.Popen:
    """Start `lstm ARGS` with SIGINT at its default (a shell's background job would ignore it)."""
    return subprocess.Popen(
        [exe, *args],
        cwd=cwd,
        env=_env(),
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _wait_for(proc: subprocess.Popen, text: bytes, timeout: float = 30) -> bytes:
    """Read the process's stderr until `text` appears; return what was read."""
    seen, end = b"", time.monotonic() + timeout
    while text not in seen:
        assert time.monotonic() < end, f"no {text!r} on stderr after {timeout} s: {seen!r}"
        assert proc.poll() is None, f"exited early ({proc.returncode}): {seen + proc.stderr.read()!r}"
        ready, _, _ = select.select([proc.stderr], [], [], 0.1)
        if ready:
            seen += os.read(proc.stderr.fileno(), 65536)
    return seen


def _stop(proc: subprocess.Popen, sig: int, limit: float = 3.0) -> tuple[float, bytes, bytes]:
    """Send `sig`; return the seconds until exit, stdout and the rest of stderr."""
    t0 = time.monotonic()
    proc.send_signal(sig)
    try:
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    return time.monotonic() - t0, out, err


# ---------------------------------------------------------------------------------------
# signals


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_during_training_keeps_the_best_model_and_exits_promptly(sig, tmp_path, lstm_exe):
    _prices_csv(tmp_path / "p.csv", 3000)
    proc = _start(
        lstm_exe,
        "train",
        "p.csv",
        "--epochs",
        "1000",
        "--patience",
        "1000",
        "--hidden",
        "16",
        "-q",
        "--model",
        "m.npz",
        cwd=tmp_path,
    )
    err = _wait_for(proc, b"Read p.csv")
    time.sleep(1.2)  # well into training (~0.1 s an epoch): 1000 epochs would take minutes
    seconds, out, rest = _stop(proc, sig)
    err += rest
    name = signal.Signals(sig).name
    assert proc.returncode == 0, err
    assert seconds < 3, f"took {seconds:.1f} s to stop"
    assert f"Stopped by {name} after epoch".encode() in err and b"kept the best model so far" in err, err
    assert b"Traceback" not in err
    _, meta = modelfile.load(tmp_path / "m.npz")  # complete and valid
    assert meta["training"]["interrupted"] is True
    assert 1 <= meta["training"]["epochs_run"] < 1000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz", "p.csv"]  # no temporary file left
    assert b"Training summary" in out


def _long_training_over_a_previous_model(tmp_path, lstm_exe) -> tuple[subprocess.Popen, bytes, bytes]:
    """Train m.npz quickly, then start a long training (epochs over a second) that will replace it.

    Returns the running process once it has read its CSV, its stderr so far, and the previous
    model file's bytes.
    """
    _prices_csv(tmp_path / "p.csv", 3000)
    assert (
        subprocess.run(
            [lstm_exe, "train", "p.csv", *FAST, "--model", "m.npz"], cwd=tmp_path, env=_env(), capture_output=True
        ).returncode
        == 0
    )
    before = (tmp_path / "m.npz").read_bytes()
    _prices_csv(tmp_path / "long.csv", 20000, seed=1)
    proc = _start(
        lstm_exe, "train", "long.csv", "--hidden", "64", "--epochs", "5", "-q", "--model", "m.npz", cwd=tmp_path
    )
    err = _wait_for(proc, b"Read long.csv")
    return proc, err, before


def test_signal_in_the_first_epoch_leaves_a_loadable_model(tmp_path, lstm_exe):
    """A long first epoch, a previous model on disk: afterwards the best-so-far or the previous model loads."""
    proc, err, before = _long_training_over_a_previous_model(tmp_path, lstm_exe)
    time.sleep(0.2)  # an epoch here takes over a second
    seconds, _, rest = _stop(proc, signal.SIGINT)
    err += rest
    assert b"Traceback" not in err
    assert seconds < 3, f"took {seconds:.1f} s to stop"
    _, meta = modelfile.load(tmp_path / "m.npz")
    if proc.returncode == 0:  # stopped after the batch under way: the best model so far (epoch 1)
        assert b"Stopped by SIGINT after epoch 1;" in err, err
        assert meta["training"]["epochs_run"] == 1 and meta["data"]["rows"] == 20000
    else:  # the signal came before training began: nothing was saved
        assert proc.returncode == 130 and b"Stopped by" not in err, err
        assert (tmp_path / "m.npz").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.csv", "m.npz", "p.csv"]


def _signal_twice(tmp_path, lstm_exe, sig):
    """A long training over a previous model, sent `sig` twice: (process, seconds to stop, stderr, previous bytes)."""
    proc, err, before = _long_training_over_a_previous_model(tmp_path, lstm_exe)
    time.sleep(0.3)
    proc.send_signal(sig)
    time.sleep(0.3)  # a second Ctrl-C, not the first delivered twice (common.SAME_STOP_SECONDS)
    seconds, _, rest = _stop(proc, sig)
    return proc, seconds, err + rest, before


def test_second_ctrl_c_aborts_without_saving(tmp_path, lstm_exe):
    """Ctrl-C twice: stop now, keep the previous model as it was, exit 130."""
    proc, seconds, err, before = _signal_twice(tmp_path, lstm_exe, signal.SIGINT)
    assert proc.returncode == 130 and err.strip().endswith(b"Interrupted."), err
    assert b"Stopped by" not in err and b"Error" not in err and b"Traceback" not in err, err
    assert seconds < 3
    assert (tmp_path / "m.npz").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.csv", "m.npz", "p.csv"]


def test_ctrl_c_outside_training_exits_130_quietly(tmp_path, lstm_exe):
    """Waiting for standard input (no training yet): Ctrl-C is exit 130 and one word, no traceback."""
    proc = _start(lstm_exe, "train", "-", "-q", cwd=tmp_path, stdin=subprocess.PIPE)
    time.sleep(1.5)  # started and blocked reading stdin
    assert proc.poll() is None
    seconds, out, err = _stop(proc, signal.SIGINT)
    assert proc.returncode == 130, err
    assert err.strip() == b"Interrupted.", err
    assert out == b"" and seconds < 3
    assert not (tmp_path / "lstm-model.npz").exists()


# ---------------------------------------------------------------------------------------
# concurrent writers


def test_two_trainings_writing_one_path_leave_one_complete_model(tmp_path, lstm_exe):
    _prices_csv(tmp_path / "p.csv", 1500)
    args = ("train", "p.csv", "--epochs", "3", "--hidden", "8", "--window", "10", "-q")
    alone = {}
    for seed in ("1", "2"):  # each run alone first, to know its exact weights
        p = subprocess.run(
            [lstm_exe, *args, "--seed", seed, "--model", f"alone{seed}.npz"],
            cwd=tmp_path,
            env=_env(),
            capture_output=True,
        )
        assert p.returncode == 0, p.stderr
        alone[seed] = modelfile.load(tmp_path / f"alone{seed}.npz")[0]
    assert not np.array_equal(alone["1"]["weight_hh_l0"], alone["2"]["weight_hh_l0"])

    for _ in range(2):
        procs = [_start(lstm_exe, *args, "--seed", seed, "--model", "shared.npz", cwd=tmp_path) for seed in ("1", "2")]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        params, _ = modelfile.load(tmp_path / "shared.npz")
        matches = [s for s, a in alone.items() if all(np.array_equal(params[k], a[k]) for k in a)]
        assert len(matches) == 1, "the shared model is not exactly one of the two runs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alone1.npz", "alone2.npz", "p.csv", "shared.npz"]


# ---------------------------------------------------------------------------------------
# disk full, read-only destination


@pytest.fixture
def trained(tmp_path, run, monkeypatch):
    """A folder with prices.csv and a trained model.npz; returns (folder, model bytes)."""
    monkeypatch.chdir(tmp_path)
    _prices_csv(tmp_path / "prices.csv", 80)
    r = run("train", "prices.csv", *FAST, "--model", "model.npz")
    assert r.exit_code == 0, r
    return tmp_path, (tmp_path / "model.npz").read_bytes()


def _assert_one_error_after_read(r, *fragments: str) -> None:
    assert r.exit_code == 2, r
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("Read ") and lines[1].startswith("Error: "), r
    for f in fragments:
        assert f in lines[1], (f, lines[1])
    assert "Traceback" not in r.stderr + r.stdout


def _assert_one_error_before_read(r, *fragments: str) -> None:
    """A destination that takes no file is refused before the data is read (round 14): one Error line."""
    assert r.exit_code == 2, r
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), r
    for f in fragments:
        assert f in lines[0], (f, lines[0])
    assert "Traceback" not in r.stderr + r.stdout


def test_disk_full_while_writing_keeps_the_previous_model(trained, run, monkeypatch):
    folder, before = trained

    def full(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(np, "savez", full)
    r = run("train", "prices.csv", *FAST, "--seed", "3", "--model", "model.npz")
    _assert_one_error_after_read(
        r,
        "cannot save the model to model.npz: No space left on device",
        "Free some disk space or choose another --model path; any previous model there is unchanged",
    )
    assert (folder / "model.npz").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["model.npz", "prices.csv"]


def test_disk_full_at_the_rename_keeps_the_previous_model(trained, run, monkeypatch):
    folder, before = trained

    def full(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", full)
    r = run("train", "prices.csv", *FAST, "--seed", "3", "--model", "model.npz")
    _assert_one_error_after_read(r, "No space left on device")
    assert (folder / "model.npz").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["model.npz", "prices.csv"]


@pytest.mark.parametrize(
    ("code", "says"),
    [
        (errno.EROFS, "cannot save the model to model.npz: Read-only file system"),
        (errno.EACCES, "cannot save the model to model.npz: no permission to write in ."),
    ],
)
def test_read_only_destination_keeps_the_previous_model(code, says, trained, run, monkeypatch):
    """chmod 0o555 does not stop root (these tests may run as root), so the create itself fails."""
    folder, before = trained

    def refuse(*a, **k):
        raise (PermissionError if code == errno.EACCES else OSError)(code, os.strerror(code))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    r = run("train", "prices.csv", *FAST, "--seed", "3", "--model", "model.npz")
    _assert_one_error_before_read(r, says, "Choose another --model path")
    assert (folder / "model.npz").read_bytes() == before


def test_unwritable_folder_for_real(trained, run):
    """/proc takes no new files even for root: a real failing create, not a simulated one."""
    if not Path("/proc/self").exists():
        pytest.skip("no /proc here")
    r = run("train", "prices.csv", *FAST, "--model", "/proc/model.npz")
    _assert_one_error_before_read(r, "cannot save the model to /proc/model.npz: cannot create files in /proc")


def test_forecast_output_write_failure_is_one_line(trained, run, monkeypatch):
    folder, _ = trained
    (folder / "fc.csv").write_text("previous forecast\n")

    def full(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", full)
    r = run("predict", "--model", "model.npz", "--no-chart", "--output", "fc.csv")
    assert r.exit_code == 2, r
    assert r.stderr.strip().splitlines()[-1] == (
        "Error: cannot write fc.csv: No space left on device. "
        "Free some disk space or choose another --output path; "
        "any previous file there is unchanged."
    )
    assert (folder / "fc.csv").read_text() == "previous forecast\n"
    assert sorted(p.name for p in folder.iterdir()) == ["fc.csv", "model.npz", "prices.csv"]  # no temporary file


# ---------------------------------------------------------------------------------------
# divergence


def test_diverging_training_stops_with_a_hint_and_saves_nothing(trained, run):
    """Gradient clipping keeps --lr 10 finite; --lr 1e30 makes the loss infinite."""
    folder, before = trained
    r = run("train", "prices.csv", *FAST, "--lr", "1e30", "--model", "model.npz")
    _assert_one_error_after_read(
        r, "training diverged: the ", "in epoch 1; no model was saved", "Lower --lr (now 1e+30)"
    )
    assert "Warning" not in r.stderr
    assert (folder / "model.npz").read_bytes() == before
    r = run("train", "prices.csv", *FAST, "--lr", "1e30", "--model", "new.npz")
    assert r.exit_code == 2 and not (folder / "new.npz").exists()


def test_blown_up_but_finite_weights_count_as_diverged(trained, run):
    """--lr 1e8: every loss stays finite, but the validation loss is ~1e16 (a guess of 0 scores ~1)."""
    folder, before = trained
    r = run("train", "prices.csv", *FAST, "--lr", "1e8", "--model", "model.npz")
    _assert_one_error_after_read(
        r, "training diverged: the validation loss became", "e+1", "no model was saved", "Lower --lr (now 1e+08)"
    )
    assert (folder / "model.npz").read_bytes() == before


@pytest.mark.filterwarnings("error")
def test_forecasts_running_off_to_infinity_count_as_diverged(trained, run, monkeypatch):
    """The last line of defence: finite weights whose price forecasts overflow (exp of a huge log-return)."""
    from lstmcli import training

    folder, before = trained
    monkeypatch.setattr(training, "DIVERGED_LOSS", float("inf"))
    r = run(
        "train",
        "prices.csv",
        "--epochs",
        "3",
        "--hidden",
        "4",
        "--window",
        "3",
        "-q",
        "--lr",
        "1e8",
        "--model",
        "model.npz",
        "--ensemble",
        "1",  # one network, trained in this process (where the patch applies)
    )
    _assert_one_error_after_read(
        r,
        "training diverged: the model's forecasts run off to infinity; no model was saved",
        "Lower --lr (now 1e+08) or use --target diff",
    )
    assert (folder / "model.npz").read_bytes() == before


@pytest.mark.filterwarnings("error")
def test_large_lr_either_trains_finite_weights_or_stops_cleanly(trained, run):
    folder, _ = trained
    for lr in ("10", "1e4", "1e8"):
        r = run(
            "train",
            "prices.csv",
            "--epochs",
            "3",
            "--hidden",
            "4",
            "--window",
            "3",
            "-q",
            "--lr",
            lr,
            "--model",
            f"lr{lr}.npz",
        )
        assert r.exit_code in (0, 2), r
        if r.exit_code == 0:
            modelfile.load(folder / f"lr{lr}.npz")  # refuses non-finite weights
        else:
            assert "training diverged" in r.stderr and not (folder / f"lr{lr}.npz").exists()


def test_divergence_in_the_installed_command_prints_no_warnings(tmp_path, lstm_exe):
    _prices_csv(tmp_path / "p.csv", 80)
    p = subprocess.run(
        [lstm_exe, "train", "p.csv", *FAST, "--lr", "1e30"], cwd=tmp_path, env=_env(), capture_output=True
    )
    assert p.returncode == 2
    lines = p.stderr.decode().strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("Error: training diverged"), lines
    assert not (tmp_path / "lstm-model.npz").exists()


# ---------------------------------------------------------------------------------------
# extreme but valid data: no NaN, no warnings


_WALK = random_walk(120, start=1, drift=0)
_SPIKE = 100 * _WALK
_SPIKE[60] = 1e7
EXTREME = {
    "around 1e-6": 1e-6 * _WALK,
    "around 1e9": 1e9 * _WALK,
    "constant": np.full(120, 5.0),
    "one huge spike": _SPIKE,
    "tiny steps on a big level": 1e6 + 1e-3 * np.arange(120),
}


@pytest.mark.filterwarnings("error")  # any RuntimeWarning (overflow, divide, invalid) fails the test
@pytest.mark.parametrize("target", ["log-return", "diff", "level"])
@pytest.mark.parametrize("name", sorted(EXTREME))
def test_extreme_but_valid_data_trains_without_nan_or_warnings(name, target, run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _daily_csv(tmp_path / "p.csv", EXTREME[name])
    r = run("train", "p.csv", "--epochs", "2", "--hidden", "4", "--window", "3", "-q", "--target", target)
    assert r.exit_code == 0, r
    assert "Warning" not in r.stderr, r
    params, meta = modelfile.load(tmp_path / "lstm-model.npz")  # finite weights, checked on load
    assert all(np.isfinite(v).all() for v in params.values())
    assert np.isfinite(meta["training"]["best_val_loss"])
    p = run("predict", "--days", "3", "--json")
    assert p.exit_code == 0, p
    values = [row["forecast"] for row in json.loads(p.stdout)["forecast"]]
    assert np.isfinite(values).all(), values
    assert "RuntimeWarning" not in p.stderr


def test_extreme_data_in_the_installed_command_with_warnings_as_errors(tmp_path, lstm_exe):
    _daily_csv(tmp_path / "p.csv", EXTREME["one huge spike"])
    env = {**_env(), "PYTHONWARNINGS": "error"}
    for args in (("train", "p.csv", *FAST, "--target", "level"), ("predict", "--days", "2", "--json")):
        p = subprocess.run([lstm_exe, *args], cwd=tmp_path, env=env, capture_output=True)
        assert p.returncode == 0, p.stderr
        assert b"Warning" not in p.stderr and b"Traceback" not in p.stderr, p.stderr


# ---------------------------------------------------------------------------------------
# determinism


def test_same_seed_same_weights_and_forecast_across_processes(tmp_path, lstm_exe):
    _prices_csv(tmp_path / "p.csv", 400)
    args = ("train", "p.csv", "--epochs", "3", "--hidden", "8", "--window", "10", "-q", "--seed", "7")
    outputs = []
    for name in ("a.npz", "b.npz", "c.npz"):
        extra = ("--seed", "8") if name == "c.npz" else ()
        p = subprocess.run([lstm_exe, *args, *extra, "--model", name], cwd=tmp_path, env=_env(), capture_output=True)
        assert p.returncode == 0, p.stderr
        f = subprocess.run(
            [lstm_exe, "predict", "--model", name, "--days", "5", "--json"],
            cwd=tmp_path,
            env=_env(),
            capture_output=True,
        )
        assert f.returncode == 0, f.stderr
        forecast = json.loads(f.stdout)
        forecast.pop("model")
        outputs.append((modelfile.load(tmp_path / name)[0], forecast))
    (a, fa), (b, fb), (c, _) = outputs
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].tobytes() == b[k].tobytes(), k  # bit-identical
    assert fa == fb
    assert not all(np.array_equal(a[k], c[k]) for k in a)  # and the seed does matter


def test_same_seed_same_weights_in_process(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _prices_csv(tmp_path / "p.csv", 200)
    for name in ("a.npz", "b.npz"):
        r = run(
            "train",
            "p.csv",
            "--epochs",
            "2",
            "--hidden",
            "6",
            "--window",
            "5",
            "-q",
            "--seed",
            "3",
            "--target",
            "diff",
            "--model",
            name,
        )
        assert r.exit_code == 0, r
    a, b = modelfile.load(tmp_path / "a.npz")[0], modelfile.load(tmp_path / "b.npz")[0]
    assert all(a[k].tobytes() == b[k].tobytes() for k in a)
