"""Mistakes a new user makes in the first minutes (round 6's new-user pass), each one `Error:` line with the fix."""

from __future__ import annotations

import pytest


def _error_line(r) -> str:
    assert r.exit_code == 2, r
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), r
    return lines[0]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        # was: "invalid value for '--days' / '-d': 'ays' is not a valid int" (-d took "ays")
        (("predict", "-days", "5"), "-days: a long option takes two dashes: --days"),
        # was: "takes no file argument (got f.csv). Give it as --data f.csv" (-o took "utput")
        (("predict", "-output", "f.csv"), "-output: a long option takes two dashes: --output"),
        (("predict", "-json"), "-json: a long option takes two dashes: --json"),  # was: unknown option -j
        (("train", "x.csv", "-epochs", "3"), "-epochs: a long option takes two dashes: --epochs"),
        (("predict", "-no-chart"), "-no-chart: a long option takes two dashes: --no-chart"),
        (("-version",), "-version: a long option takes two dashes: --version"),
    ],
)
def test_a_long_option_with_one_dash_names_the_two_dash_spelling(run, args, says):
    assert says in _error_line(run(*args))


def test_short_options_and_values_with_one_dash_are_untouched(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("predict", "-d", "3", "-o", "-")  # -d and -o are short options: no model here, so the model error
    assert "no model file" in _error_line(r).lower() or "lstm-model.npz" in _error_line(r), r
    r = run("predict", "-dq")  # not a long option of predict: Typer's own words, as before
    assert "two dashes" not in _error_line(r)


def test_a_currency_symbol_without_a_number_is_a_missing_value(tmp_path):
    """`€ ` or `$ -` (a price cell left empty after the currency) is missing, as an empty cell is: filled, counted."""
    from conftest import read_csv

    rows = "".join(f"{d:02d}.01.2024;€ {100 + d},50\n" for d in range(1, 29) if d not in (5, 9))
    text = "Date;Price (EUR)\n" + rows + "05.01.2024;€ \n09.01.2024;$ -\n"
    s = read_csv(tmp_path, text)
    assert len(s.values) == 28 and not any(v != v for v in s.values[:, 0])  # forward-filled, no NaN
    assert s.values[4, 0] == s.values[3, 0] == 104.5


def test_a_mistyped_file_name_names_the_closest_file_in_its_folder(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "daily_stock.csv").write_text("Date,Close\n2024-01-02,1\n")
    line = _error_line(run("train", "data/daily_stok.csv"))
    assert "data/daily_stok.csv: no such file" in line and "Did you mean data/daily_stock.csv?" in line, line
    line = _error_line(run("train", "nothing_like_it.csv"))  # nothing close: the plain hint, as before
    assert "no such file" in line and "Did you mean" not in line and "Check the path" in line, line
