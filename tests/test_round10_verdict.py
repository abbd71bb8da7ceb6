"""A verdict on a few validation rows (round 10): under 20 rows `lstm train` said "too few to judge" even where
the model's one-step MAE was 75-87% below naive's (jj, arrivals_uk: every quarterly series under 100 rows).
Now each baseline's row stores the paired t of the model's absolute errors minus its own, row by row, and a
comparison on 8-19 rows is judged when that t is beyond Student's two-sided 5% value; otherwise the verdict says
"too few" as before, and so do files written before (no t). From 20 rows on, a lower MAE whose t is within chance
is "not clearly better" instead of "beats ... by 1.6%". Every test here fails on main c0e4a38."""

from __future__ import annotations

import numpy as np
import pytest

from lstmcli.forecast import Forecaster
from lstmcli.metrics import paired_t, t_critical
from lstmcli.modelfile import Scores, ValidationInfo
from lstmcli.render.train import MIN_TESTED_ROWS, MIN_VERDICT_ROWS, beyond_chance, verdict
from lstmcli.training import TrainConfig


def test_paired_t_is_the_mean_difference_of_absolute_errors_over_its_standard_error():
    a, b = np.array([1.0, -2.0, 0.5, 3.0, -1.0]), np.array([2.0, 2.5, -1.0, 3.5, 2.0])
    d = np.abs(a) - np.abs(b)
    assert paired_t(a, b) == pytest.approx(d.mean() / (d.std(ddof=1) / np.sqrt(5)), rel=1e-12)
    assert paired_t(b, a) == pytest.approx(-paired_t(a, b), rel=1e-12)
    assert paired_t(a[:2], b[:2]) is None  # under 3 rows
    assert paired_t(a, a + np.sign(a)) is None  # every difference -1: no spread, no test


@pytest.mark.parametrize(
    ("df", "exact"), [(2, 4.302653), (4, 2.776445), (5, 2.570582), (7, 2.364624), (10, 2.228139), (60, 2.000298)]
)
def test_t_critical_is_students_975_quantile(df, exact):
    assert t_critical(df) == pytest.approx(exact, rel=2e-3)


def test_a_baselines_t_is_saved_and_files_without_it_still_load():
    s = Scores(1.0, 1.5, 0.9, None, -3.25)
    assert s.to_dict()["t"] == -3.25 and Scores.from_dict(s.to_dict()) == s
    old = {"mae": 1.0, "rmse": 1.5, "mase": 0.9, "directional_accuracy": None}  # a file before round 10
    assert Scores.from_dict(old).t is None and "t" not in Scores.from_dict(old).to_dict()
    with pytest.raises(ValueError, match="not numbers"):
        Scores.from_dict(old | {"t": "big"})


def test_validation_stores_each_baselines_paired_t_against_the_model():
    t = np.arange(100)
    y = 100 * np.exp(0.004 * t + 0.2 * np.sin(2 * np.pi * t / 4) + np.random.default_rng(5).normal(0, 0.01, 100))
    f = Forecaster(TrainConfig(window=8, hidden=4, epochs=3, seed=0), season=4).fit(y)
    v = f.info.validation
    assert v.model.t is None
    for scores in (v.naive, v.drift, v.seasonal_naive):
        assert scores.t is not None and np.isfinite(scores.t)
    # naive's row, recomputed: the model's one-step forecasts are naive's value plus the error difference
    first, rows = v.first_date_index, v.rows
    actual, naive = y[first : first + rows], y[first - 1 : first - 1 + rows]
    model = f._one_step(y[:, None], f.info.scaler, np.arange(first - f.target.offset, first - f.target.offset + rows))
    assert np.mean(np.abs(actual - model[:, 0])) == pytest.approx(v.model.mae, rel=1e-9)
    assert v.naive.t == pytest.approx(paired_t(model[:, 0] - actual, naive - actual), rel=1e-9)


def _v(rows: int, model: float, naive: float, t_naive: float | None, snaive=None, t_snaive=None) -> ValidationInfo:
    s = lambda mae, t=None, da=50.0: Scores(mae, mae, mae, da, t)  # noqa: E731
    season = {} if snaive is None else {"seasonal_naive": s(snaive, t_snaive), "season": 4}
    return ValidationInfo(rows, 1.0, 80, s(model), s(naive, t_naive, None), s(naive, None), **season)


def test_a_clear_difference_on_a_few_rows_is_judged():
    style, sentence = verdict(_v(11, 0.25, 1.0, -6.1))
    assert style == "green"
    assert sentence == (
        "The model beats the naive forecast by 75.0% (one-step MAE on validation; "
        "11 validation rows are few, but the difference is beyond chance: t = -6.1)."
    )
    style, sentence = verdict(_v(11, 1.4, 1.0, 3.2), "D")
    assert style == "bold red" and sentence == (
        "The model does NOT beat the naive forecast: its one-step MAE is 40.0% worse (11 validation rows are "
        "few, but the difference is beyond chance: t = +3.2). Trust 'tomorrow = today' over this forecast."
    )


@pytest.mark.parametrize(
    "v",
    [
        _v(11, 0.6, 1.0, -2.1),  # below t_critical(10) = 2.23: could be chance
        _v(MIN_TESTED_ROWS - 1, 0.25, 1.0, -9.0),  # too few rows for any test
        _v(11, 0.25, 1.0, None),  # a file written before round 10: no t
        _v(11, 0.995, 1.0, -9.0),  # within 1%: a tie whatever t says
    ],
)
def test_an_unclear_difference_on_a_few_rows_is_still_too_few(v):
    style, sentence = verdict(v)
    assert style == "yellow" and sentence.startswith(f"{v.rows} validation rows are too few to judge")
    assert not beyond_chance(v, v.naive)


def test_on_twenty_rows_and_more_a_lower_mae_within_chance_is_not_clearly_better():
    """frozenjuice and pepper_black (fresh check set): "beats the naive forecast by 2.1%" / "by 1.6%" on 48 rows,
    and both lost to naive on every held-out seed; goog's 1.6% on 194 rows has t = -1.5. A clear lead keeps its
    green verdict, a file without t its old one, and a loss stays a loss at any t."""
    assert verdict(_v(48, 0.984, 1.0, -0.2), "M") == (
        "yellow",
        "The model's one-step MAE is 1.6% below naive's, but over 48 validation rows that could be chance "
        "(t = -0.2): it is not clearly better than 'next month = this month'.",
    )
    clear = "The model beats the naive forecast by 40.0% (one-step MAE on validation)."
    assert verdict(_v(MIN_VERDICT_ROWS, 0.6, 1.0, -5.0)) == ("green", clear)
    assert verdict(_v(MIN_VERDICT_ROWS, 0.6, 1.0, None)) == ("green", clear)  # a file written before round 10
    assert verdict(_v(48, 1.05, 1.0, 0.3))[0] == "bold red"
    seasonal = verdict(_v(29, 0.35, 1.0, -6.0, 0.418, -1.1), "Q")
    assert seasonal == (
        "yellow",
        "The model beats the naive forecast by 65.0%; its one-step MAE is 16.3% below seasonal naive's, but over "
        "29 validation rows that could be chance (t = -1.1): it is not clearly better than 'same quarter last year'.",
    )
    assert verdict(_v(29, 0.35, 1.0, -6.0, 0.418, -2.5), "Q")[0] == "green"


def test_a_seasonal_model_on_a_few_rows_is_judged_against_each_baseline_it_clearly_differs_from():
    both = verdict(_v(14, 0.2, 1.0, -8.0, 0.5, -4.0), "Q")
    assert both == (
        "green",
        "The model beats the naive forecast by 80.0% and seasonal naive by 60.0% (one-step MAE on validation; "
        "14 validation rows are few, but both differences are beyond chance: t = -8.0 and -4.0).",
    )
    naive_only = verdict(_v(14, 0.2, 1.0, -8.0, 0.25, -1.9), "Q")
    assert naive_only == (
        "yellow",
        "The model beats the naive forecast by 80.0% (one-step MAE on validation; 14 validation rows are few, "
        "but the difference is beyond chance: t = -8.0); against seasonal naive (one-step MAE -20.0%, t = -1.9) "
        "14 rows are too few to judge.",
    )
    worse = verdict(_v(14, 0.4, 1.0, -8.0, 0.2, 5.0), "Q")
    assert worse[0] == "bold red" and worse[1] == (
        "The model beats the naive forecast by 60.0%, but NOT seasonal naive: its one-step MAE is 100.0% worse "
        "than 'same quarter last year' (14 validation rows are few, but both differences are beyond chance: "
        "t = -8.0 and +5.0). Trust 'same quarter last year' over this forecast."
    )
    snaive_worse_only = verdict(_v(14, 0.9, 1.0, -0.4, 0.5, 4.0), "Q")
    assert snaive_worse_only == (
        "bold red",
        "The model's one-step MAE is 80.0% worse than seasonal naive's (14 validation rows are few, but the "
        "difference is beyond chance: t = +4.0). Trust 'same quarter last year' over this forecast.",
    )
    snaive_better_only = verdict(_v(14, 0.9, 1.0, -0.4, 1.8, -4.0), "Q")
    assert snaive_better_only[0] == "yellow" and snaive_better_only[1].startswith(
        "The model beats seasonal naive by 50.0% (14 validation rows are few, but the difference is beyond "
        "chance: t = -4.0); against the naive forecast (one-step MAE -10.0%) 14 rows are too few to judge."
    )
    neither = verdict(_v(14, 0.9, 1.0, -0.4, 0.95, -0.3), "Q")
    assert neither[1].startswith("14 validation rows are too few to judge the model against the naive forecast")


@pytest.mark.parametrize(("frequency", "m", "mae"), [("M", 12, 1696.90), ("Q", 4, 7.2099)])
def test_the_validation_table_keeps_each_forecasts_name_on_one_line_at_80_columns(frequency, m, mae):
    """wineind (monthly, errors in the thousands) and arrivals_uk (quarterly) folded "seasonal naive (same month
    last year)" onto two lines at 80 columns: the "direction right" header held its column at 9 characters. It
    reads "moves right" ("moves" / "right": 5). Fails on main c0e4a38."""
    import io

    from rich.console import Console

    from lstmcli.render.train import validation_table

    s = lambda v: Scores(v, v * 1.3, 0.351, 50.0)  # noqa: E731
    v = ValidationInfo(29, 1.0, 100, s(mae), Scores(mae * 2.8, mae * 4.2, 0.992, None), s(mae * 2.8), s(mae * 1.2), m)
    out = io.StringIO()
    Console(file=out, width=80).print(validation_table(v, "Value", frequency))
    words = "same month last year" if frequency == "M" else "same quarter last year"
    assert f"seasonal naive ({words})" in out.getvalue()
    assert "moves" in out.getvalue() and max(len(line) for line in out.getvalue().splitlines()) <= 80


def test_a_panels_counts_say_how_many_beat_naive_beyond_chance(run, tmp_path):
    """`lstm train` / `lstm predict` on a panel counted "3 of 3 beat the naive forecast" by MAE alone, where the
    single-series verdict now says "not clearly better" for a lead within chance: the counts say how many of the
    wins are beyond chance, and `--json`'s totals have `beats_naive_beyond_chance` (null for a panel file written
    before round 10: tests/data/panel_v2.npz). Fails on main c0e4a38."""
    import json
    import re
    from pathlib import Path

    t = np.arange(90)
    rng = np.random.default_rng(2)
    lines = ["Date,Ticker,Close"]
    for name, y in (
        ("SMOOTH", 100 + 10 * np.sin(t / 6) + 0.2 * t),  # a smooth cycle: the model beats naive by far
        ("WALK", 100 * np.exp(np.cumsum(rng.normal(0, 0.02, 90)))),  # a random walk: no model beats naive clearly
    ):
        lines += [f"{np.datetime64('2020-01-01') + k},{name},{float(v)!r}" for k, v in enumerate(y)]
    (tmp_path / "p.csv").write_text("\n".join(lines) + "\n")
    model = str(tmp_path / "p.npz")
    r = run("train", str(tmp_path / "p.csv"), "--model", model, "--epochs", "15", "--ensemble", "1")
    assert r.exit_code == 0, r
    text = " ".join(r.stdout.split())
    m = re.search(r"(\d) of 2 beat the naive forecast \((\d) beyond chance\) on validation", text)
    assert m and int(m.group(2)) <= int(m.group(1)), text
    predicted = " ".join(run("predict", "--model", model, "--days", "3").stdout.split())
    assert f"beat the naive forecast ({m.group(2)} beyond chance) on validation (one-step MAE)" in predicted
    doc = json.loads(run("train", str(tmp_path / "p.csv"), "--model", model, "--epochs", "15", "--json").stdout)
    assert 0 <= doc["totals"]["beats_naive_beyond_chance"] <= doc["totals"]["beats_naive"]
    old = Path(__file__).parent / "data" / "panel_v2.npz"
    before = " ".join(run("predict", "--model", str(old), "--days", "2").stdout.split())
    assert "beat the naive forecast on validation (one-step MAE)" in before and "beyond chance" not in before


def test_a_model_whose_errors_are_seasonal_naives_says_so_not_t_dash():
    """Round 13: a model whose one-step validation errors are seasonal naive's on every row (its forecast is
    seasonal naive's under --season-fits shrink-snaive) has no paired t against it; the verdict said
    "against seasonal naive (one-step MAE +0.0%, t = -) 12 rows are too few to judge". A file before round 10
    (no t, not tied) drops the t rather than print "-". Fails on main."""
    tied = "its one-step errors on validation are seasonal naive's on every row: it adds nothing over "
    few = verdict(_v(12, 0.2, 1.0, -8.0, 0.2, None), "Q")
    assert few == (
        "yellow",
        "The model beats the naive forecast by 80.0% (one-step MAE on validation; 12 validation rows are few, but "
        f"the difference is beyond chance: t = -8.0); {tied}'same quarter last year'.",
    )
    many = verdict(_v(30, 0.2, 1.0, -8.0, 0.2, None), "Q")
    assert many == ("yellow", f"The model beats the naive forecast by 80.0%, but {tied}'same quarter last year'.")
    old = verdict(_v(12, 0.2, 1.0, -8.0, 0.25, None), "Q")[1]
    assert (
        old.endswith("against seasonal naive (one-step MAE -20.0%) 12 rows are too few to judge.")
        and "t = -)" not in old
    )


def test_a_difference_that_rounds_to_zero_reads_0_0_percent_not_minus_0_0():
    """A model 0.04% below naive said "(-0.0% MAE)"; the train verdict, --auto's leaderboard and the backtest's tie
    share one rule now (render.common.signed_percent). Fails on bdff09e (no signed_percent; "-0.0%")."""
    from lstmcli.render.common import signed_percent

    assert [signed_percent(v) for v in (-0.04, 0.0, -0.0, 0.04, 2.5, -0.3)] == [
        "0.0%",
        "0.0%",
        "0.0%",
        "0.0%",
        "+2.5%",
        "-0.3%",
    ]
    _, sentence = verdict(_v(40, 0.99996, 1.0, -0.1))
    assert "(0.0% MAE)" in sentence and "-0.0%" not in sentence, sentence
