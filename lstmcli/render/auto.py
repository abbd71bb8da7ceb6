"""Rich renderables for `--auto`: the verdict of the selection and the leaderboard (train, inspect, predict)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from lstmcli.leaderboard import TIE_PERCENT
from lstmcli.render.common import FitTable, plural, price, signed_percent, user_text

if TYPE_CHECKING:
    from lstmcli.leaderboard import SelectionInfo
    from lstmcli.modelfile import ValidationInfo


def _setup(sel: SelectionInfo) -> str:
    return f"{sel.horizon}-step MASE from {plural(sel.origins, 'origin')} in the training part"


def _rule_sentence(sel: SelectionInfo) -> bool:
    """The rule kept another than the lowest score and words it as a sentence of its own ("The lowest score (...)
    is not lower ..."); files before round 9 word it "lstm train's defaults, kept: ...", shown as they were."""
    return bool(sel.rule) and sel.lowest is not sel.winner and "The lowest score (" in sel.rule


def held_out_win(validation: ValidationInfo | None, baseline: str) -> bool:
    """Whether the model beats `baseline` (a leaderboard name) on the held-out validation rows beyond chance, as
    the validation verdict says it (render.train.clearly_beats); False without validation, its scores or their t."""
    if validation is None:
        return False
    from lstmcli.leaderboard import DRIFT, NAIVE, SEASONAL_NAIVE
    from lstmcli.render.train import clearly_beats

    scores = {NAIVE: validation.naive, SEASONAL_NAIVE: validation.seasonal_naive, DRIFT: validation.drift}.get(baseline)
    return clearly_beats(validation, scores) is True


def _held_out_figures(validation: ValidationInfo, baseline: str, said: str) -> str:
    """Where a held-out win over `baseline` is shown: `said` (the validation verdict, which compares with naive and
    seasonal naive), or for drift, which that verdict never names, its own figures."""
    from lstmcli.leaderboard import DRIFT

    d = validation.drift
    if baseline != DRIFT or d is None or d.t is None:
        return said
    return (
        f"one-step MAE {price(validation.model.mae)} against drift's {price(d.mae)} over "
        f"{plural(validation.rows, 'validation row')}, t = {d.t:+.1f}"
    )


def verdict(sel: SelectionInfo, validation: ValidationInfo | None = None) -> tuple[str, str, bool]:
    """(style, sentence, say it first): how the chosen configuration did against the baselines in selection.

    "Say it first" when a baseline was as good or better: the summary must open with it, and
    the forecast is the LSTM's own (never a baseline's numbers under the model's name). With `validation`, a
    baseline the model beats there beyond chance is not "trusted over this model's": the sentence says both.
    """
    w = sel.winner
    losers = sel.not_beaten
    if losers:
        b = losers[0]

        def rel(e) -> str:
            return signed_percent(100 * (e.mase / b.mase - 1)) if b.mase else f"{b.name} is exact there"

        low = sel.lowest
        if _rule_sentence(sel):  # the rule's own words (round 9 on)
            said = (
                f"--auto kept {user_text(w.name)}, which did not beat the {b.name} forecast by more than "
                f"{TIE_PERCENT:g}% in selection: {_setup(sel)} {w.mase:.3f} against {b.name}'s {b.mase:.3f} "
                f"({rel(w)}). {user_text(sel.rule)}. "
            )
        elif sel.rule and low is not w:  # the lowest score may beat the baseline; the kept one does not
            near = "" if (w.settings or {}).get("auto_window") else "the one nearest "  # a file from before: nearest
            said = (
                f"The configuration --auto kept, {user_text(w.name)} ({near}lstm train's defaults: no "
                f"other scored clearly lower), did not beat the {b.name} forecast by more "
                f"than {TIE_PERCENT:g}% in selection: {_setup(sel)} {w.mase:.3f} against {b.name}'s {b.mase:.3f} "
                f"({rel(w)}); the lowest, {user_text(low.name)}, scored {low.mase:.3f} ({rel(low)}), a difference "
                "within the noise of the origins. "
            )
        else:
            said = (
                f"No configuration beat the {b.name} forecast by more than {TIE_PERCENT:g}% in selection: the best, "
                f"{user_text(w.name)}, scored {_setup(sel)} {w.mase:.3f} against {b.name}'s {b.mase:.3f} ({rel(w)}). "
            )
        if held_out_win(validation, b.name):  # tas_takings: 7 origins in selection, 9 rows beyond chance
            return (
                "yellow",
                (
                    f"{said}On the held-out validation rows, which the selection never read, the model does beat the "
                    f"{b.name} forecast beyond chance "
                    f"({_held_out_figures(validation, b.name, 'one-step MAE: the validation verdict')})."
                ),
                True,
            )
        return "bold red", f"{said}Trust the {b.name} forecast over this model's.", True
    naive = sel.baseline("naive")
    rel = f", {100 * (1 - w.mase / naive.mase):.1f}% below naive's {naive.mase:.3f}" if naive and naive.mase else ""
    snaive = sel.baseline("seasonal naive")  # a seasonal series' bar (issue 13): beaten here, or the verdict is red
    if rel and snaive is not None and snaive.mase:
        rel += f" and {100 * (1 - w.mase / snaive.mase):.1f}% below seasonal naive's {snaive.mase:.3f}"
    if _rule_sentence(sel):  # kept by the rule, not the lowest score: why, a sentence of its own
        return (
            "green",
            f"--auto kept {user_text(w.name)}: {_setup(sel)} {w.mase:.3f}{rel}. {user_text(sel.rule)}.",
            False,
        )
    why = f" ({user_text(sel.rule)})" if sel.rule else ""  # a file from before round 9 words its rule so
    return "green", f"--auto chose {user_text(w.name)}: {_setup(sel)} {w.mase:.3f}{rel}{why}.", False


def predict_label(sel: SelectionInfo | None, validation: ValidationInfo | None = None) -> str | None:
    """The line `lstm predict` prints above the forecast when --auto found no configuration better than a baseline
    (yellow, and no "No better than", when the held-out validation rows say the model beats it beyond chance)."""
    if sel is None or not sel.not_beaten:
        return None
    b = sel.not_beaten[0]
    if held_out_win(validation, b.name):
        return (
            f"[yellow]--auto found no configuration that beat the {b.name} forecast in selection ({_setup(sel)}), "
            "but on the held-out validation rows the model beats it beyond chance "
            f"({_held_out_figures(validation, b.name, 'the verdict below')}).[/]"
        )
    if sel.rule and sel.lowest is not sel.winner:
        return (
            f"[bold red]No better than {b.name}: the configuration --auto kept did not beat the {b.name} forecast "
            f"in selection ({_setup(sel)}), and no other was better than it beyond the noise; this is an LSTM's "
            "forecast, not a better one.[/]"
        )
    return (
        f"[bold red]No better than {b.name}: --auto found no configuration that beat the {b.name} forecast "
        f"in selection ({_setup(sel)}); this is the best LSTM, not a better forecast.[/]"
    )


def leaderboard_table(sel: SelectionInfo, top: int = 5) -> Table:
    """The `top` configurations (and the chosen one) beside every baseline, best first, with their scores."""
    table = FitTable(title=f"--auto leaderboard: {_setup(sel)} (lower is better)", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("configuration")
    table.add_column("MASE", justify="right")
    table.add_column("MAE", justify="right")
    table.add_column("vs naive", justify="right")
    table.add_column("fit s", justify="right")
    table.add_column("epochs", justify="right")
    naive = sel.baseline("naive")
    rank = 0
    for k, e in enumerate(sel.board):
        if e.kind == "lstm":
            rank += 1
            if rank > top and k != sel.chosen:
                continue
        name = user_text(e.name)  # the marker goes beside the rank: a wrapped name could leave it on a line alone
        vs = (
            signed_percent(100 * (e.mase / naive.mase - 1))
            if e.mase is not None and naive is not None and naive.mase and e is not naive
            else "-"
        )
        table.add_row(
            (f"{rank} *" if k == sel.chosen else f"{rank}  ") if e.kind == "lstm" else "",
            name if e.kind == "lstm" else f"[italic]{e.name}[/]",
            "-" if e.mase is None else f"{e.mase:.3f}",
            "-" if e.mae is None else price(e.mae),
            vs,
            "-" if e.seconds is None else f"{e.seconds:.1f}",
            "-" if e.epochs is None else str(e.epochs),
        )
    how = {None: "", "budget": " (the --budget ran out)", "interrupted": " (stopped by Ctrl-C)"}[sel.stopped]
    season = f"Season {sel.season}" if sel.season > 1 else "No season"  # a sentence of its own in the caption
    table.caption = (
        f"* chosen, then refitted on all the data. {sel.tried} of {sel.candidates} configurations ran{how}, "
        f"in {sel.seconds:.0f} s (budget {sel.budget:g} s). Each was fitted on the first {sel.fit_rows:,} rows "
        f"and forecast from rows {sel.fit_rows:,}..{sel.rows - sel.horizon:,}; the {sel.rows:,} rows "
        f"scored end before the held-out validation part. {season}; MASE scales by the "
        f"{'seasonal ' if sel.season > 1 else ''}naive in-sample MAE."
    )
    return table
