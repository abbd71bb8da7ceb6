"""Rich renderables for `lstm train` (also the verdict `lstm predict` repeats): summary, validation table, verdict."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.table import Table

from lstmcli.render.common import FitTable, plural, price, signed_percent, user_text

if TYPE_CHECKING:
    from lstmcli.modelfile import ModelInfo, Scores, ValidationInfo


def beats_naive(validation: ValidationInfo) -> bool | None:
    """Whether the model's one-step validation MAE is below naive's (None: no comparison available)."""
    m, n = validation.model.mae, validation.naive.mae
    if not (m == m and n == n):  # NaN
        return None
    return bool(m < n)


def clearly_beats(validation: ValidationInfo, baseline: Scores | None) -> bool | None:
    """Whether the model's one-step MAE is below `baseline`'s beyond chance (its paired t, `beyond_chance`), as the
    verdict's "beats" means it; None without the baseline or its t (files before round 10)."""
    if baseline is None or baseline.t is None:
        return None
    return bool(validation.model.mae < baseline.mae and beyond_chance(validation, baseline))


def clearly_beats_naive(validation: ValidationInfo) -> bool | None:
    return clearly_beats(validation, validation.naive)


def clearly_beats_seasonal_naive(validation: ValidationInfo) -> bool | None:
    """None also without a season."""
    return clearly_beats(validation, validation.seasonal_naive)


def beyond_chance_count(validations, against=clearly_beats_naive) -> int | None:
    """How many of `validations` beat a baseline beyond chance (`against`: clearly_beats_naive or
    clearly_beats_seasonal_naive); None when none of them can say (files before round 10, or no season)."""
    judged = [b for b in map(against, validations) if b is not None]
    return sum(judged) if judged else None


def verdict_json(validation: ValidationInfo) -> dict:
    """The verdict's comparisons for --json: `beats_naive` (a lower one-step MAE) and whether it is beyond chance
    as the verdict sentence judges it (`beats_naive_beyond_chance`), the same for seasonal naive (null: no season;
    the beyond-chance keys null in files before round 10, which hold no t)."""
    return {
        "beats_naive": beats_naive(validation),
        "beats_naive_beyond_chance": clearly_beats_naive(validation),
        "beats_seasonal_naive": beats_seasonal_naive(validation),
        "beats_seasonal_naive_beyond_chance": clearly_beats_seasonal_naive(validation),
    }


def clear_wins(validations) -> str:
    """ " (2 beyond chance)": how many of the models that beat naive did so beyond chance, for the panels' counts
    ("" when no file says: models before round 10)."""
    n = beyond_chance_count(validations)
    return "" if n is None else f" ({n:,} beyond chance)"


#: fewer validation rows than this: the verdict says the sample is too small to judge (the
#: interval's rule for a calibrated band is the same size: intervals.MIN_INTERVAL_ORIGINS)
MIN_VERDICT_ROWS = 20


#: the naive forecast in words, by the data's frequency (periods.FREQUENCY_NAMES codes)
_NAIVE_WORDS = {
    "B": "tomorrow = today",
    "D": "tomorrow = today",
    "W": "next week = this week",
    "M": "next month = this month",
    "Q": "next quarter = this quarter",
    "Y": "next year = this year",
    "h": "next hour = this hour",
    "min": "next minute = this minute",
}


def naive_words(frequency: str | None) -> str:
    """The naive forecast said for the data's frequency: 'tomorrow = today' only for daily data."""
    return _NAIVE_WORDS.get(frequency or "", "the last value carried forward")


#: seasonal naive in words, by (frequency code, season)
_SEASONAL_WORDS = {
    ("M", 12): "same month last year",
    ("Q", 4): "same quarter last year",
    ("W", 52): "same week last year",
    ("D", 7): "same weekday last week",
    ("B", 5): "same weekday last week",
    ("h", 24): "same hour yesterday",
}


def seasonal_naive_words(frequency: str | None, season: int) -> str:
    """Seasonal naive said for the data's frequency and season: 'same month last year', else by its lag."""
    return _SEASONAL_WORDS.get((frequency or "", season), f"the value {season} steps back")


def beats_seasonal_naive(validation: ValidationInfo) -> bool | None:
    """Whether the one-step validation MAE is below seasonal naive's (None: no season, or no comparison)."""
    s = validation.seasonal_naive
    if s is None or not (validation.model.mae == validation.model.mae and s.mae == s.mae):
        return None
    return bool(validation.model.mae < s.mae)


def verdict(validation: ValidationInfo, frequency: str | None = None) -> tuple[str, str]:
    """(style, sentence) comparing the model's one-step MAE with naive's on validation, and a
    seasonal model's with seasonal naive's: beating naive is not enough on a seasonal series.

    `frequency` (the data's, e.g. info.data.frequency) names the naive forecasts in their words. A lower MAE
    counts as beating a baseline only where its paired t (Scores.t) puts the difference beyond chance: under
    MIN_VERDICT_ROWS rows the verdict otherwise says the rows are too few to judge, from there on that the model
    is not clearly better. A higher MAE is a loss at any t (trusting the baseline is then the safe advice).
    """
    style, sentence = _naive_verdict(validation, frequency)
    m, n, s = validation.model.mae, validation.naive.mae, validation.seasonal_naive
    if s is None or not (n > 0 and s.mae > 0 and m == m):
        return style, sentence
    rows, rel_n, rel = validation.rows, (m - n) / n * 100, (m - s.mae) / s.mae * 100
    words = seasonal_naive_words(frequency, validation.season or 0)
    few = rows < MIN_VERDICT_ROWS
    if few:
        clear_n, clear_s = beyond_chance(validation, validation.naive), beyond_chance(validation, s)
        if not (clear_n or clear_s):
            # too few rows for either comparison: say both figures, not naive's alone (seasonal naive is the
            # bar that matters on a seasonal series)
            return "yellow", (
                f"{rows} validation rows are too few to judge the model against the naive forecast "
                f"(one-step MAE {signed_percent(rel_n)}) or seasonal naive ({signed_percent(rel)}); "
                "more rows (or a larger --val-fraction) would tell."
            )
        if not clear_s:  # naive's comparison is clear (either way), seasonal naive's is not
            t = "" if s.t is None else f", t = {_t(s)}"  # no t: a file before round 10
            return ("yellow" if style == "green" else style), (
                f"{sentence[:-1]}; {_same_errors(words)}."
                if _tied(validation, s)
                else f"{sentence[:-1]}; against seasonal naive (one-step MAE {signed_percent(rel)}{t}) {rows} rows are "
                "too few to judge."
            )
        if not clear_n:  # only seasonal naive's comparison is clear
            if rel > 0:
                return "bold red", (
                    f"The model's one-step MAE is {rel:.1f}% worse than seasonal naive's ({_few_rows(validation, s)})."
                    f" Trust '{words}' over this forecast."
                )
            return "yellow", (
                f"The model beats seasonal naive by {-rel:.1f}% ({_few_rows(validation, s)}); against the naive "
                f"forecast (one-step MAE {signed_percent(rel_n)}) {rows} rows are too few to judge."
            )
    if style != "green":
        return style, sentence
    beats = f"The model beats the naive forecast by {-rel_n:.1f}%"
    note = _few_rows(validation, validation.naive, s) if few else ""
    if rel < -1 and not few and _chance(validation, s):
        return "yellow", (
            f"{beats}; its one-step MAE is {-rel:.1f}% below seasonal naive's, but over {rows} validation rows that "
            f"could be chance (t = {_t(s)}): it is not clearly better than '{words}'."
        )
    if rel < -1:
        return "green", f"{beats} and seasonal naive by {-rel:.1f}% (one-step MAE on validation{'; ' * few}{note})."
    if _tied(validation, s):
        return "yellow", f"{beats}, but {_same_errors(words)}."
    if rel <= 1:
        tie = signed_percent(rel)
        return "yellow", f"{beats}, but only ties seasonal naive ({tie} MAE): it adds little over '{words}'."
    return "bold red", (
        f"{beats}, but NOT seasonal naive: its one-step MAE is {rel:.1f}% worse than '{words}'"
        + (f" ({note})" if few else "")
        + f". Trust '{words}' over this forecast."
    )


#: under MIN_VERDICT_ROWS validation rows a comparison is judged only from this many rows on, and only when
#: its paired t is beyond a two-sided 5% test (round 10: 11 quarters 75% better than naive was "too few")
MIN_TESTED_ROWS = 8


def beyond_chance(validation: ValidationInfo, baseline: Scores) -> bool:
    """On a few validation rows: is the model's one-step MAE more than 1% from `baseline`'s, with a paired t
    (`Scores.t`) beyond Student's two-sided 5% value for the rows? False without a t (files before round 10)."""
    from lstmcli.metrics import t_critical

    m, b, t, rows = validation.model.mae, baseline.mae, baseline.t, validation.rows
    if t is None or rows < MIN_TESTED_ROWS or not b > 0 or abs(m - b) / b * 100 <= 1:
        return False
    return abs(t) >= t_critical(rows - 1)


def _chance(validation: ValidationInfo, baseline: Scores) -> bool:
    """A lower MAE than `baseline`'s that its paired t cannot tell from chance (False without a t: files before
    round 10 keep their verdict). On 20 rows and more such a model is "not clearly better"; under 20 the rows are
    too few."""
    return baseline.t is not None and not beyond_chance(validation, baseline)


def _tied(validation: ValidationInfo, baseline: Scores) -> bool:
    """The model's one-step validation errors are `baseline`'s on every row (no paired t: every difference is 0), as
    when its forecast is seasonal naive's (`--season-fits shrink-snaive`) or naive's (`--naive-fits shrink-naive`)."""
    return baseline.t is None and validation.rows >= 3 and math.isclose(validation.model.mae, baseline.mae)


def _same_errors(words: str) -> str:
    """What an exact tie with seasonal naive means, in words (not "t = -")."""
    return f"its one-step errors on validation are seasonal naive's on every row: it adds nothing over '{words}'"


def _t(scores: Scores) -> str:
    return "-" if scores.t is None else f"{scores.t:+.1f}"


def _few_rows(validation: ValidationInfo, *baselines: Scores) -> str:
    """`11 validation rows are few, but the difference is beyond chance: t = -6.1` (both ...: t = a and b)."""
    what = "the difference is" if len(baselines) == 1 else "both differences are"
    ts = " and ".join(_t(b) for b in baselines)
    return f"{validation.rows} validation rows are few, but {what} beyond chance: t = {ts}"


def _naive_verdict(validation: ValidationInfo, frequency: str | None) -> tuple[str, str]:
    """(style, sentence) comparing the model's one-step MAE with naive's on validation."""
    m, n = validation.model.mae, validation.naive.mae
    if not (m == m and n == n):  # NaN
        return "yellow", "No validation comparison is available."
    if n == 0:
        return (
            ("green", "The model matches the naive forecast exactly.")
            if m == 0
            else ("red", "The naive forecast is perfect on validation; the model is worse.")
        )
    rel = (m - n) / n * 100
    if _tied(validation, validation.naive):  # its forecast is naive's (--naive-fits shrink-naive): said so
        return "yellow", (
            f"The model's one-step errors on validation are naive's on every row: it forecasts "
            f"'{naive_words(frequency)}' and adds nothing over it."
        )
    few = validation.rows < MIN_VERDICT_ROWS
    if few and not beyond_chance(validation, validation.naive):  # a few rows: +-10% is luck as often as skill
        return "yellow", (
            f"{validation.rows} validation rows are too few to judge the model against the naive forecast "
            f"(one-step MAE {signed_percent(rel)}); more rows (or a larger --val-fraction) would tell."
        )
    note = _few_rows(validation, validation.naive) if few else ""
    if rel < -1 and not few and _chance(validation, validation.naive):
        return "yellow", (
            f"The model's one-step MAE is {-rel:.1f}% below naive's, but over {validation.rows} validation rows that "
            f"could be chance (t = {_t(validation.naive)}): it is not clearly better than '{naive_words(frequency)}'."
        )
    if rel < -1:
        on = f"one-step MAE on validation{'; ' * few}{note}"
        return "green", f"The model beats the naive forecast by {-rel:.1f}% ({on})."
    if rel <= 1:
        return "yellow", (
            f"The model is about as good as the naive forecast ({signed_percent(rel)} MAE): it adds little "
            f"over '{naive_words(frequency)}'."
        )
    return "bold red", (
        f"The model does NOT beat the naive forecast: its one-step MAE is {rel:.1f}% worse"
        + (f" ({note})" if few else "")
        + f". Trust '{naive_words(frequency)}' over this forecast."
    )


def validation_table(validation: ValidationInfo, column: str, frequency: str | None = None) -> Table:
    """One-step-ahead errors on the validation part: model, naive, drift and a seasonal model's seasonal
    naive (the naive forecasts named by `frequency`)."""
    rows = validation.rows
    table = FitTable(
        title=f"One-step-ahead error in {user_text(repr(column))}, last {rows:,} rows (validation)",
        title_justify="left",
    )
    table.add_column("forecast")
    for col in ("MAE", "RMSE", "MASE", "moves right"):  # "moves"/"right": 4 columns narrower than "direction"
        table.add_column(col, justify="right")
    keys = ("model", "naive", *(("seasonal_naive",) if validation.seasonal_naive is not None else ()), "drift")
    best = min(keys, key=lambda k: getattr(validation, k).mae)
    labels = {
        "model": "LSTM (this model)",
        "naive": f"naive ({naive_words(frequency)})",
        "drift": "drift (naive + trend)",
        "seasonal_naive": f"seasonal naive ({seasonal_naive_words(frequency, validation.season or 0)})",
    }
    for key in keys:
        v = getattr(validation, key)
        da = v.directional_accuracy
        mark = " *" if key == best else ""
        table.add_row(
            labels[key] + mark,
            price(v.mae),
            price(v.rmse),
            f"{v.mase:.3f}",
            "-" if da is None else f"{da:.0f}%",
        )
    # not "MASE < 1 beats naive": the scale is naive's error on the training part, and a model
    # can score below 1 there while losing to naive on these rows (seen with --lr 10)
    table.caption = "* lowest MAE. MASE scales MAE by naive's MAE in training."
    return table


def training_summary(info: ModelInfo, model_path: str, choices: dict | None = None) -> Table:
    """What was trained on what: data, settings, training run; `choices` says why auto settings were chosen."""
    choices = choices or {}
    d, c, t = info.data, info.config, info.training
    table = FitTable(title="Training summary", title_justify="left", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value")
    from lstmcli.periods import FREQUENCY_NAMES

    span = f"{d.first_date[:10]} .. {d.last_date[:10]}" if d.first_date else "no dates"
    freq = FREQUENCY_NAMES.get(d.frequency or "", "")
    table.add_row("data", f"{user_text(d.source)}: {d.rows:,} rows, {span}" + (f" ({freq})" if freq else ""))
    cols = info.columns
    table.add_row("column", user_text(repr(cols[0]) + (f" + features {', '.join(cols[1:])}" if len(cols) > 1 else "")))
    table.add_row(
        "split",
        f"{t.train_windows:,} training windows, {t.val_windows:,} validation windows "
        f"(chronological, last {c.val_fraction:.0%})",
    )
    table.add_row(
        "model",
        f"{plural(c.layers, 'layer')} of {plural(c.hidden, 'LSTM unit')}, window {c.window}"
        + (f" ({choices['window']})" if "window" in choices else "")
        + (f", plus a linear part on the last {c.ar} values (--ar)" if c.ar else "")
        + (", reads each row's level vs the window's mean (off: --no-level-input)" if c.level_input else "")
        + f", learns {learns_words(info)}"
        + (f" ({choices['target']})" if "target" in choices else "")
        + (
            f", direct forecasts ({info.horizon} steps at once)"
            if info.horizon_strategy == "direct"
            else f", {info.horizon_strategy} forecasts"
        )
        + f", batch {c.batch_size}",
    )
    if info.season is not None or "season" in choices:  # what was chosen and why, as for the target
        table.add_row("season", choices.get("season") or info.season.describe())
    if "naive" in choices or (info.snaive_blend is not None and info.snaive_blend.naive):  # --naive-fits
        table.add_row("naive", choices.get("naive") or info.snaive_blend.describe())
    if c.damped_growth or "growth" in choices:  # --damped-growth (growth.py), and with auto why it was (not) kept
        own = f"damped growth {c.damped_growth:g} per step, toward {c.damped_toward}"
        table.add_row("growth", choices.get("growth") or own)
    how = training_how(info, "interrupted by Ctrl-C")
    table.add_row(
        "training",
        f"{t.epochs_run} of {c.epochs} epochs ({how}); best epoch {t.best_epoch}, "
        f"validation loss {t.best_val_loss:.4f} (scaled MSE)",
    )
    if t.refit_epochs is not None:
        table.add_row("refit", refit_text(info))
    table.add_row("seed", str(c.seed))
    if info.ensemble is not None:
        table.add_row("ensemble", ensemble_text(info) + (f" ({choices['ensemble']})" if "ensemble" in choices else ""))
    table.add_row("saved", user_text(model_path))
    return table


def learns_words(info: ModelInfo) -> str:
    """What the network learns, for the summary's model row: the target, or a seasonal difference's change over
    a season (its target says only log or not: "log-return" would contradict the season row)."""
    if info.season is not None and info.season.difference:
        return f"{info.season.change_words(info.target)} steps"
    return info.target.value


def training_how(info: ModelInfo, interrupted: str = "interrupted") -> str:
    """How the training row's fit ended. An ensemble's row is its first kept member's, which finished whole (a
    member stopped by Ctrl-C is dropped): its `interrupted` flag says members were dropped, as the ensemble row does."""
    t = info.training
    if t.interrupted and info.ensemble is None:
        return interrupted
    return "early stop" if t.stopped_early else "all epochs"


def refit_text(info: ModelInfo) -> str:
    """What --refit-all did, for train's summary and inspect (callers show it when `refit_epochs` is set)."""
    t = info.training
    each = " (each member its own best epoch count; member 0's shown)" if info.ensemble is not None else ""
    return (
        f"the saved model was trained again on all {t.refit_windows:,} windows (training + validation) "
        f"for {t.refit_epochs} epochs (as many optimizer steps as the fit took to its best epoch, "
        f"{t.best_epoch}){each}; "
        "the validation scores and intervals are the early-stopped "
        "fit's (out of sample for it)"
    )


def ensemble_text(info: ModelInfo) -> str:
    """ "ensemble of 5 (median), seeds 0..4, best epochs 12, 9, ...": one line for train's summary and inspect."""
    e = info.ensemble
    seeds = list(e.seeds)
    run = seeds == list(range(seeds[0], seeds[0] + len(seeds)))
    text = f"ensemble of {len(seeds)} ({e.combine})"
    if len(seeds) == 1:
        text += f", seed {seeds[0]}"
    else:
        text += f", seeds {seeds[0]}..{seeds[-1]}" if run else f", seeds {', '.join(map(str, seeds))}"
    text += f"; best epochs {', '.join(map(str, e.best_epochs))}"
    if e.requested > len(seeds):
        stopped = e.requested - len(seeds)
        were = "was" if stopped == 1 else "were"
        text += f"; {stopped} of the {e.requested} members asked for {were} stopped (Ctrl-C)"
    return text + f"; the training row is member {seeds[0] - info.config.seed}'s" if len(seeds) > 1 else text
