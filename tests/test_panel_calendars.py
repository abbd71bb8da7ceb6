"""A panel without --calendar: ONE Note naming the exchange calendar its series' closed weekdays match (issue 14),
not one per series; each series keeps its own match in the model file (lstm inspect --series shows it).
The CLI tests skip where exchange_calendars (lstmcli[calendars]) is absent; panel_note's wording does not need it."""

from __future__ import annotations

import json

import numpy as np
from test_calendars import _fixed_holidays_removed, _hide_exchange_calendars, _sessions

from lstmcli.calendars import panel_note
from lstmcli.panel import Panel

FAST = ("--epochs", "2", "--hidden", "4", "--window", "10", "--jobs", "1")


def _long_csv(tmp_path, days_by_series: dict[str, np.ndarray]) -> str:
    """A long file Date,Ticker,Close: each series a seeded random walk on its own days."""
    lines = ["Date,Ticker,Close"]
    for k, (sid, days) in enumerate(days_by_series.items()):
        prices = 50 * np.exp(np.cumsum(np.random.default_rng(k).normal(0, 0.01, len(days))))
        lines += [f"{d},{sid},{p:.2f}" for d, p in zip(days, prices, strict=True)]
    path = tmp_path / "panel.csv"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Note:")]


def test_a_panel_of_nyse_series_gets_one_note_and_each_series_keeps_its_match(run, tmp_path):
    ny = _sessions("XNYS", "2019-01-02", "2024-12-31")
    csv = _long_csv(tmp_path, {"AAPL": ny, "MSFT": ny, "GOOG": ny[200:]})
    model = str(tmp_path / "m.npz")
    r = run("train", csv, *FAST, "-m", model)
    assert r.exit_code == 0, r
    [note] = [n for n in _notes(r.stderr) if "closed weekdays" in n]  # one for the panel, not one per series
    assert "the closed weekdays of all 3 series match XNYS (e.g. AAPL:" in note, note
    assert "add --calendar XNYS to skip its holidays" in note, note
    panel = Panel.load(model)
    for sid in ("AAPL", "MSFT", "GOOG"):
        match = panel.members[sid].info.data.calendar_match
        assert match["name"] == "XNYS" and match["matched"] == match["closed"], (sid, match)
        assert panel.members[sid].info.data.calendar is None  # named, not applied: the user chooses
    shown = run("inspect", "-m", model, "--series", "GOOG").stdout
    assert "match XNYS" in shown and "--calendar XNYS" in shown
    r = run("backtest", csv, *FAST, "--days", "2", "--refit", "never")
    assert r.exit_code == 0, r
    [note] = [n for n in _notes(r.stderr) if "closed weekdays" in n]
    assert "all 3 series match XNYS" in note and "lstm train --calendar XNYS dates forecasts" in note, note
    r = run("train", csv, *FAST, "-m", model, "--calendar", "XNYS")  # chosen: nothing more to say
    assert r.exit_code == 0 and not [n for n in _notes(r.stderr) if "closed weekdays" in n], r
    assert Panel.load(model).members["AAPL"].info.data.calendar_match is None


def test_series_of_different_exchanges_are_said_to_differ(run, tmp_path):
    ny, london = _sessions("XNYS", "2019-01-02", "2024-12-31"), _sessions("XLON", "2019-01-02", "2024-12-31")
    everyday = _sessions("XNYS", "2019-01-02", "2024-12-31")
    full = np.arange(everyday[0], everyday[-1] + 1)
    csv = _long_csv(tmp_path, {"AAPL": ny, "MSFT": ny, "VOD": london, "FULL": full[np.is_busday(full)]})
    r = run("backtest", csv, *FAST, "--days", "2", "--refit", "never")
    assert r.exit_code == 0, r
    [note] = [n for n in _notes(r.stderr) if "closed weekdays" in n]
    assert "match different exchanges (series: XNYS 2, XLON 1; 1 match none)" in note, note
    assert "--series A,B --calendar XNYS" in note, note
    r = run("backtest", csv, *FAST, "--days", "2", "--refit", "never", "--json")  # no Note; no key in the rows
    assert r.exit_code == 0 and "Note:" not in r.stderr, r
    assert all("calendar_finding" not in s for s in json.loads(r.stdout)["series"])


def test_a_global_network_gets_the_note_too(run, tmp_path):
    ny = _sessions("XNYS", "2019-01-02", "2024-12-31")
    csv, model = _long_csv(tmp_path, {"AAPL": ny, "MSFT": ny[100:]}), str(tmp_path / "g.npz")
    r = run("train", csv, *FAST[:-2], "--global", "-m", model)
    assert r.exit_code == 0, r
    [note] = [n for n in _notes(r.stderr) if "closed weekdays" in n]
    assert "all 2 series match XNYS" in note, note
    assert Panel.load(model).members["MSFT"].info.data.calendar_match["name"] == "XNYS"


def test_without_the_calendars_extra_one_hint_for_the_panel(run, tmp_path, monkeypatch):
    _hide_exchange_calendars(monkeypatch)
    days = _fixed_holidays_removed()
    csv, model = _long_csv(tmp_path, {"A": days, "B": days, "C": days}), str(tmp_path / "m.npz")
    r = run("train", csv, *FAST, "-m", model)
    assert r.exit_code == 0, r
    hints = [n for n in _notes(r.stderr) if "lstmcli[calendars]" in n]
    assert len(hints) == 1 and "all 3 series have no rows on weekdays that look like holidays" in hints[0], r.stderr
    assert Panel.load(model).members["A"].info.data.calendar_match is None


def _match(name: str, closed: int = 40, matched: int = 40, holidays: int = 41, also=()) -> dict:
    return {
        "match": {"name": name, "closed": closed, "matched": matched, "holidays": holidays}
        | ({"also": list(also)} if also else {})
    }


def test_panel_note_wording():
    """The Note from the series' findings alone (no exchange_calendars needed)."""
    same = {"A": _match("XPAR", also=("XAMS", "XBRU")), "B": _match("XPAR"), "C": None}
    note = panel_note({k: v for k, v in same.items() if v}, 3, "train")
    assert note.startswith("the closed weekdays of 2 of the 3 series match XPAR (e.g. A: 40 of its 40 closed")
    assert "; so do XAMS, XBRU)" in note and note.endswith("add --calendar XPAR to skip its holidays")
    many = {f"S{k}": _match(n) for k, n in enumerate(["XLON"] * 3 + ["XNYS"] * 3 + ["XTKS", "XHKG", "XASX", "XSES"])}
    note = panel_note(many, 12, "backtest")
    assert "(series: XNYS 3, XLON 3, XTKS 1, XHKG 1, 2 more; 2 match none)" in note, note  # ties: COMPARED's order
    two = panel_note({"A": _match("XNYS"), "B": _match("XLON")}, 2, "train")
    assert "(series: XNYS 1, XLON 1): --calendar dates every series" in two, two  # none left: not counted
    unmatched = {"A": {"holidays": 12, "installed": True, "compared": 28}}
    assert panel_note(unmatched, 2, "train") == (
        "the closed weekdays of 1 of the 2 series look like holidays but match none of the 28 exchange calendars "
        "compared: forecasts are dated as business days (Monday to Friday)"
    )
    assert panel_note({}, 5, "train") is None
