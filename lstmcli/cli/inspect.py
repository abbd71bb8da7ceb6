"""`lstm inspect`: look inside an LSTM, gate by gate.

Thin: the numbers come from the engine's own forward record (`trace.py`); `render.inspect`
formats them. Imports beyond Typer happen inside the command, so `lstm --help` stays fast.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Annotated

import typer

from lstmcli.cli.common import (
    DataColumnOpt,
    DecimalOpt,
    ModelOpt,
    SeriesOpt,
    SheetOpt,
    check_data_column,
    check_decimal,
    info_json,
    json_text,
    model_path,
    read_data,
    sentences,
    split_names,
    stdout,
)
from lstmcli.errors import LstmError, OptionError

#: defaults that keep a 32-unit model readable at 80-100 columns
DEFAULT_TOP = 8
DEFAULT_LAST_STEPS = 5
SINGLE_UNIT_ALL_STEPS = 30  # one-unit layouts show every step up to this window length
_SERIES: ContextVar[str | None] = ContextVar("series", default=None)  # --series: the panel member _load returns
_DATA_SERIES: ContextVar[str | None] = ContextVar("data_series", default=None)  # --series of a --data file


def parse_units(text: str, hidden: int) -> list[int] | None:
    """`0,3,5` or `2-4` or `all` -> sorted unit indices (None for all); OptionError if out of range."""
    text = text.strip().lower()
    if text == "all":
        return None
    units: set[int] = set()
    try:
        for part in split_names(text):
            if "-" in part[1:]:
                a, b = part.split("-", 1)
                units.update(range(int(a), int(b) + 1))
            else:
                units.add(int(part))
    except ValueError:
        raise OptionError(
            f"--units {text!r} is not a list of units", hint="write e.g. --units 0,3,5 or 0-7 or all"
        ) from None
    if not units:
        raise OptionError("--units is empty", hint="write e.g. --units 0,3,5 or all")
    bad = sorted(u for u in units if not 0 <= u < hidden)
    if bad:
        raise OptionError(
            f"--units {text}: unit {bad[0]} does not exist (the model has units 0..{hidden - 1})",
            hint=f"choose units from 0 to {hidden - 1}",
        )
    return sorted(units)


def parse_steps(text: str, steps: int) -> list[int]:
    """`all`, `N` or `last:N`, `first:N`, `A-B` / `A..B` (1-based, inclusive) -> 0-based step indices."""
    spec = text.strip().lower()
    hint = "write e.g. --steps all, --steps 5 (the last 5), --steps first:3, --steps 2-6"
    try:
        if spec == "all":
            return list(range(steps))
        if spec.startswith(("last:", "first:")):
            which, n = spec.split(":", 1)
            k = int(n)
            if k < 1:
                raise ValueError
            k = min(k, steps)
            return list(range(steps - k, steps)) if which == "last" else list(range(k))
        for sep in ("..", "-", ":"):
            if sep in spec:
                a, b = (int(v) for v in spec.split(sep, 1))
                break
        else:
            k = int(spec)
            if k < 1:
                raise ValueError
            return list(range(max(0, steps - k), steps))
    except ValueError:
        raise OptionError(f"--steps {text!r} is not understood", hint=hint) from None
    if not 1 <= a <= b <= steps:
        raise OptionError(f"--steps {text}: the window has steps 1..{steps}", hint=f"choose a range inside 1-{steps}")
    return list(range(a - 1, b))


def inspect(
    step_trace: Annotated[
        bool,
        typer.Option(
            "--step-trace", help="Run the model over its last input window and show every gate of every step."
        ),
    ] = False,
    weights: Annotated[
        bool,
        typer.Option("--weights", help="Show the weights and biases of each gate (shapes, norms, values when few)."),
    ] = False,
    example: Annotated[
        bool, typer.Option("--example", help="Walk through the seed's worked example (a built-in 1-unit model).")
    ] = False,
    model: ModelOpt = None,
    data_csv: Annotated[
        str | None,
        typer.Option(
            "--data",
            help="Trace over this CSV (same columns as the training data) instead of the model file's copy "
            "of the training data's last rows.",
        ),
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Trace the window that ends on this date, e.g. 2024-12-31.")
    ] = None,
    at: Annotated[
        int | None, typer.Option("--at", help="Trace the window that ends at this data row (0 = first row, -1 = last).")
    ] = None,
    layer: Annotated[int | None, typer.Option("--layer", help="Show only this layer (0 = the first).")] = None,
    units: Annotated[
        str | None,
        typer.Option(
            "--units",
            help="Units to show: 0,3,5 or 0-7 or all. \\[default: all, or the --top 8 when more]",
            show_default=False,
        ),
    ] = None,
    top: Annotated[
        int | None, typer.Option("--top", help="Show the K units whose long-term memory changed most over the window.")
    ] = None,
    steps: Annotated[
        str | None,
        typer.Option(
            "--steps",
            help="Steps to show: all, N (the last N), first:N, last:N, or A-B (1-based). \\[default: last 5 when more]",
            show_default=False,
        ),
    ] = None,
    explain: Annotated[
        bool | None,
        typer.Option(
            "--explain/--no-explain",
            help="Write out the seed's three stages with their arithmetic for each shown "
            "step and unit. \\[default: on for 1-unit models]",
            show_default=False,
        ),
    ] = None,
    json_out: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print machine-readable JSON only (the step trace: every number of every layer, step and unit).",
        ),
    ] = False,
    member: Annotated[
        int | None,
        typer.Option(
            "--member",
            help="In an ensemble (lstm train --ensemble N), the member to trace or show: 0..N-1. \\[default: 0]",
            show_default=False,
        ),
    ] = None,
    series_name: SeriesOpt = None,
    sheet: SheetOpt = None,
    column: DataColumnOpt = None,
    decimal: DecimalOpt = None,
) -> None:
    """Look inside a trained model: a summary, its weights, or every gate of every step.

    With no flag: what the model file holds (settings, data, metrics, format version).
    --step-trace runs the model over its last input window (or the one ending at --date or
    --at, or over --data) and shows, step by step, the forget, input and output gates, the
    candidate, and the long-term (cell) and short-term (hidden) memory of each unit, then the
    head's output and the forecast. The numbers are the engine's own forward pass, the same
    one that trains and forecasts.

    A panel model (many series): with no flag, the list of its series (rows, dates, validation
    scores); --series AAPL picks the one series the other options look inside.

    Example: lstm inspect --step-trace
    Example: lstm inspect --step-trace --at 599 --model seed-model.npz
    Example: lstm inspect --weights
    Example: lstm inspect --example
    Example: lstm inspect --step-trace --series AAPL   (a panel model)
    Newer data: lstm inspect --step-trace --data newer.csv    (its column named otherwise: --column Last)
    """
    from lstmcli.panel import is_panel_file

    _DATA_SERIES.set(None)
    if series_name is not None and data_csv is not None and not is_panel_file(model_path(model)):
        _DATA_SERIES.set(series_name)  # a model of one series: --series picks that series of the --data file
        series_name = None
    _SERIES.set(series_name)
    trace_opts = any(v is not None for v in (data_csv, date, at, top, steps, explain, member))
    if sheet is not None and data_csv is None:
        raise OptionError("--sheet picks the sheet of a --data workbook", hint="give --data FILE.xlsx, or drop --sheet")
    check_data_column(column, data_csv, "lstm inspect --step-trace", "traces")
    decimal = check_decimal(decimal, data_csv, "lstm inspect --step-trace")
    if example + weights + step_trace > 1:
        raise OptionError(
            "--example, --weights and --step-trace each show something different", hint="give one of them"
        )
    if example:
        from lstmcli.render.inspect import render_seed_example

        out = stdout()
        for part in render_seed_example():
            out.print(part)
        return
    if top is not None and top < 1:
        raise OptionError(f"--top {top} is not possible", hint="use at least 1, e.g. --top 8")
    if top is not None and units is not None:
        raise OptionError("--top and --units both choose units", hint="give one of them")
    if weights:
        if trace_opts:
            raise OptionError(
                "--data, --date, --at, --top, --steps, --explain and --member belong to --step-trace",
                hint="use --weights with --layer, --units or --json",
            )
        _weights(model, layer, units, json_out)
        return
    if step_trace or trace_opts or layer is not None or units is not None:
        _step_trace(
            model, data_csv, date, at, layer, units, top, steps, explain, json_out, member, sheet, column, decimal
        )
        return
    if series_name is None and is_panel_file(model_path(model)):
        from lstmcli.cli import panel as panel_cli

        panel_cli.inspect_list(model_path(model), json_out)
        return
    _summary(model, json_out)


def _load(model):
    from lstmcli.forecast import Forecaster
    from lstmcli.panel import is_panel_file

    path = model_path(model)
    if is_panel_file(path) or _SERIES.get() is not None:
        from lstmcli.cli import panel as panel_cli

        return path, panel_cli.member(path, _SERIES.get())
    try:
        return path, Forecaster.load(path)
    except LstmError as e:
        if not path.exists():
            raise LstmError(  # the loader's hint (a close name, the model files there) and the built-in one
                e.message, hint=f"{e.hint}, or see the seed's built-in model: lstm inspect --example"
            ) from None
        raise


def _check_layer(layer: int | None, n_layers: int) -> list[int]:
    if layer is None:
        return list(range(n_layers))
    if not 0 <= layer < n_layers:
        raise OptionError(
            f"--layer {layer} does not exist (the model has layer{'s 0..' if n_layers > 1 else ' '}{n_layers - 1})",
            hint=f"choose --layer from 0 to {n_layers - 1}",
        )
    return [layer]


def _summary(model, json_out: bool) -> None:
    path, fc = _load(model)
    if json_out:
        from lstmcli.render.train import verdict_json

        # the verdict's booleans too, as train --json and predict --json give them
        print(json_text({"model": str(path), **info_json(fc.info), **verdict_json(fc.info.validation)}))
        return
    from lstmcli.render import inspect as render
    from lstmcli.render.common import user_text

    out = stdout()
    out.print(render.summary_table(fc.info, fc.params, str(path)))
    if fc.info.selection is not None:  # --auto: what it chose, and from what
        from lstmcli.render import auto as render_auto

        out.print(render_auto.leaderboard_table(fc.info.selection, top=len(fc.info.selection.board)))
        out.print(render_auto.verdict(fc.info.selection, fc.info.validation)[1], soft_wrap=True)
    flag = "" if model is None else f" --model {path}"
    if _SERIES.get() is not None:  # one series of a panel: the commands need it too
        import shlex

        flag += f" --series {shlex.quote(_SERIES.get())}"
    flag = user_text(flag)
    out.print(
        f"See it think: lstm inspect --step-trace{flag}    its weights: lstm inspect --weights{flag}",
        style="dim",
        soft_wrap=True,
    )


def _weights(model, layer: int | None, units: str | None, json_out: bool) -> None:
    path, fc = _load(model)
    from lstmcli import engine
    from lstmcli.render import inspect as render

    _, H, L, _ = engine.dims(fc.params)
    layers = _check_layer(layer, L)
    if units is not None:
        parse_units(units, H)  # validate; the detail tables show every unit when they fit
    if json_out:
        print(json_text({"model": str(path), "parameters": render.weights_dict(fc.params)}, None))
        return
    out = stdout()
    for k in layers:
        out.print(render.weights_summary_table(fc.params, k))
        for part in render.weights_detail_tables(fc.params, k, out.width):
            out.print(part)
    out.print(render.head_weights_text(fc.params))


def _season_fits_note(combined) -> str:
    """Which network a step trace of a combination of the season's fits shows (season_fits.py)."""
    from lstmcli.season_fits import METHOD_WORDS

    return (
        f"The model combines the season's fits: the network traced is the kept fit's ({METHOD_WORDS[combined.method]},"
        f" the lowest one-step validation MAE); the model forecasts the {combined.combine_words} of the forecasts of "
        f"its {len(combined.methods)} fits ({', '.join(METHOD_WORDS[m] for m in combined.methods)})."
    )


def _step_trace(
    model,
    data_csv,
    date,
    at,
    layer,
    units,
    top,
    steps,
    explain,
    json_out,
    member=None,
    sheet=None,
    column=None,
    decimal=None,
) -> None:
    path, fc = _load(model)
    ensemble = fc.info.ensemble
    which = 0 if member is None else member
    whole, fc = fc, fc.member(which)  # OptionError naming --member when out of range
    from lstmcli import trace as _trace

    values = dates_ = None
    source = None
    if data_csv is not None:
        series = read_data(data_csv, fc.info, sheet, series=_DATA_SERIES.get(), column=column, decimal=decimal)
        values, dates_, source = series.values, series.dates, series.source
    t = _trace.trace(fc, values, dates_, at=at, date=date, source=source)
    together = None  # an ensemble's own forecast of the traced step, beside the member's (what predict combines)
    if ensemble is not None and len(ensemble.seeds) > 1:
        from lstmcli.ensemble import combine

        def step_forecast(k: int):  # member k's forecast of the traced step (t: member `which`'s)
            tk = t if k == which else _trace.trace(whole.member(k), values, dates_, at=at, date=date, source=source)
            return tk.forecast[:1]

        each = [step_forecast(k) for k in range(len(ensemble.seeds))]
        together = (each, float(combine([e[None, None, :] for e in each], ensemble.combine)[0, 0, 0]))
    combined = None  # with the season's fits combined: the model's own forecast of the step (what predict gives)
    if whole.info.season_fits is not None or whole.info.snaive_blend is not None:
        combined = float(whole.paths(t.history, 1, last_phase=t.last_phase)[0, 0, 0])
    n_layers = len(t.record.layers)
    shown_layers = _check_layer(layer, n_layers)
    H = t.record.layers[0].cell.shape[-1]
    chosen = parse_units(units, H) if units is not None else None
    if top is not None and top > H:
        top = H
    if json_out:
        payload = _trace.to_dict(t, fc.params, fc.info)
        payload["model"]["path"] = str(path)
        if ensemble is not None:
            payload["model"]["member"] = {"index": which, "members": len(ensemble.seeds), "seed": ensemble.seeds[which]}
            if together is not None:  # the ensemble's forecast of the traced step (column 0), and each member's
                payload["model"]["member"]["ensemble_forecast"] = together[1]
                payload["model"]["member"]["member_forecasts"] = [float(e[0]) for e in together[0]]
        if whole.info.season_fits is not None:  # which of the season's combined fits the trace is
            fits = whole.info.season_fits
            payload["model"]["season_fits"] = {"traced": fits.method, "combined": list(fits.methods)}
            payload["model"]["season_fits"]["forecast"] = combined  # the model's forecast of the step (column 0)
        if whole.info.snaive_blend is not None:  # the forecast moved toward seasonal naive (season_fits.SnaiveBlend)
            payload["model"][whole.info.snaive_blend.key] = {**whole.info.snaive_blend.to_dict(), "forecast": combined}
        print(json_text(payload, None))
        return

    selection: list[tuple[int, list[int]]] = []
    top_used = False
    for k in shown_layers:
        rec = t.record.layers[k]
        if chosen is not None:
            selection.append((k, chosen))
        elif top is not None or H > DEFAULT_TOP:
            selection.append((k, _trace.top_units(rec, top or DEFAULT_TOP)))
            top_used = True
        else:
            selection.append((k, list(range(H))))
    single = all(len(u) == 1 for _, u in selection)
    if steps is not None:
        step_list = parse_steps(steps, t.steps)
    elif (single and t.steps <= SINGLE_UNIT_ALL_STEPS) or t.steps <= DEFAULT_LAST_STEPS:
        step_list = list(range(t.steps))
    else:
        step_list = list(range(t.steps - DEFAULT_LAST_STEPS, t.steps))
    if explain is None:
        explain = H == 1

    from rich.text import Text

    from lstmcli.render import inspect as render

    out = stdout()
    say = sentences(out)  # piped: one line each (a file's reader wraps); in a terminal at words
    kind = {"level": "price levels", "diff": "price changes", "log-return": "log-returns"}[t.target]
    back = 1 if t.target != "level" else 0  # the rows before the first step that its input reads
    if t.season is not None and t.season.difference:  # the change over a season reads a season back
        kind, back = t.season.change_words(t.target, plural=True), t.season.length
    first, last = t.rows[0] - back, t.rows[-1]
    L = len(t.record.layers)
    say(
        Text(
            f"Step trace of {path} ({L} layer{'s' if L > 1 else ''} x {H} unit{'s' if H > 1 else ''}, "
            f"window {t.steps} steps of scaled {kind}): rows {first}..{last} of {t.source}.",
            style="bold",
        )
    )
    if ensemble is not None and len(ensemble.seeds) > 1:
        say(
            Text(
                f"Member {which} of an ensemble of {len(ensemble.seeds)} (seed {ensemble.seeds[which]}; --member 0.."
                f"{len(ensemble.seeds) - 1} traces another): the head's output below is this member's; the "
                f"ensemble forecasts the {ensemble.combine} of its members' forecasts.",
            )
        )
    if whole.info.season_fits is not None:
        say(Text(_season_fits_note(whole.info.season_fits)))
    if whole.info.snaive_blend is not None:
        say(Text(f"The model {whole.info.snaive_blend.describe()}. The network is traced below."))
    say(render.legend())
    note = render.omitted_note(t, step_list, selection, top_used)
    if note is not None:
        say(note)
    out.print()
    if single:
        for k, (u,) in selection:
            title = f"Layer {k}" + (f", unit {u}" if H > 1 else "") + ": one row per step (memories after it)"
            out.print(render.unit_table(t, k, u, step_list, title))
        if explain:
            for s in step_list:
                for part in render.explain_parts(t, fc.params, s, selection):
                    say(part)
        else:
            out.print()
    else:
        for s in step_list:
            say(render.step_heading(t, s))
            out.print(render.step_table(t, s, selection))
            out.print()
            if explain:
                for part in render.explain_parts(t, fc.params, s, selection):
                    say(part)
    say(render.head_text(t, fc.params))
    if together is not None:
        from lstmcli.render.common import price, user_text

        each = ", ".join(price(float(e[0])) for e in together[0])
        whose = "The ensemble" if combined is None else "The kept fit's ensemble"
        say(
            Text(
                f"{whose} forecasts {user_text(t.columns[0])} {price(together[1])} for that step: the "
                f"{ensemble.combine} of its {len(together[0])} members' {each} (member {which}'s is traced above)."
            )
        )
    if whole.info.snaive_blend is not None:
        from lstmcli.render.common import price, user_text

        who = f"{whole.info.snaive_blend.who}'s"
        what = who if whole.info.snaive_blend.weight == 1 else f"the mean of the network's and {who}"
        say(
            Text(
                f"The model forecasts {user_text(t.columns[0])} {price(combined)} for that step: {what} forecast "
                "(what lstm predict forecasts)."
            )
        )
    elif combined is not None:
        from lstmcli.render.common import price, user_text

        fits = whole.info.season_fits
        say(
            Text(
                f"The model forecasts {user_text(t.columns[0])} {price(combined)} for that step: the "
                f"{fits.combine_words} of its {len(fits.methods)} fits' forecasts (what lstm predict forecasts; the "
                "kept fit is traced above)."
            )
        )
