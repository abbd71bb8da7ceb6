"""The training progress line fits a narrow terminal on one line (round 13): at 40-60 columns Rich folded the text
after the bar ("loss 0.1234 val 0.5678 best 0.4567 (epoch 10)", --auto's "lowest MASE ... last done: ...") into a
column of words under it. Now the line shows the fullest of its texts that fits: without the best epoch, without
the training loss, the validation loss alone, or none (the bar then takes the room). Every test here fails on main."""

from __future__ import annotations

import io

import pytest
from conftest import invoke_main, random_walk
from rich.console import Console
from typer.testing import CliRunner

from lstmcli.cli.auto import candidate_bar, candidate_fields


def _lines(text: str, word: str) -> list[str]:
    """The progress lines of `text` (each redraw on its own line) from the first that holds `word` to the end."""
    lines = [ln.rstrip() for ln in text.replace("\r", "\n").splitlines() if ln.strip()]
    first = next(k for k, ln in enumerate(lines) if word in ln)
    return lines[first:]


@pytest.mark.parametrize("width", [40, 50, 60, 80])
def test_lstm_train_progress_line_is_one_line_at_any_width(tmp_path, monkeypatch, width):
    csv = tmp_path / "p.csv"
    csv.write_text("Close\n" + "".join(f"{v:.4f}\n" for v in random_walk(200, seed=1, start=3000.0)))
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("NO_COLOR", "1")
    args = ("train", str(csv), "--model", str(tmp_path / "m.npz"), "--epochs", "3", "--ensemble", "1", "-j", "1")
    code, _, err = invoke_main(CliRunner(), args)
    assert code == 0, err
    bar = _lines(err, "epoch")[0]  # the bar's last frame (stderr is not a terminal: printed once, at its end)
    assert "epoch   3/3" in bar and bar.endswith("ETA 0:00:00") and len(bar) < width, err
    if width >= 50:
        assert " val " in bar, bar
    if width >= 80:
        assert " loss " in bar and "(epoch " in bar, bar
    following = err.replace("\r", "\n").split(bar, 1)[1].splitlines()[1:2]
    assert not (following and following[0].startswith(" ")), err  # nothing folded under the bar


@pytest.mark.parametrize("width", [40, 50, 60])
def test_the_auto_candidate_bar_is_one_line_at_narrow_widths(width):
    buf = io.StringIO()
    with candidate_bar(Console(file=buf, width=width), False) as bar:
        bar.update(0.4, **candidate_fields(5, 12, "log-return w24 h32", 0.8123))
    lines = _lines(buf.getvalue(), "--auto")
    assert len(lines) == 1 and len(lines[0]) < width and "5/12" in lines[0], buf.getvalue()
