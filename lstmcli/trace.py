"""The gate-by-gate record of one forecast step, taken from the engine's own forward pass.

`trace()` builds the model's input window exactly as a forecast does (`forecast.model_input`),
runs `engine.forward` on it (the same code that trains and forecasts; there is no second
copy of the math) and returns a `Trace`: for every step of the window its date, raw prices,
target-series values and scaled inputs, the engine's `Record` of every gate, the head's
output and the forecast in price units. `lstm inspect --step-trace` shows it; a notebook
can use it directly:

    >>> from lstmcli.forecast import Forecaster
    >>> from lstmcli.trace import trace
    >>> t = trace(Forecaster.load("lstm-model.npz"))
    >>> t.record.layers[0].forget_gate[:, 0, :]      # (T, H) forget gate of every step and unit

Row numbers (`rows`, `at`) are 0-based rows of the data: of the file the model was trained
on (only its tail is stored in the model file), or of `values` when given. Negative `at`
counts from the end (-1 = the last row). NumPy only: no pandas, no Rich.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmcli import engine, levels, periods
from lstmcli.errors import DataError, OptionError
from lstmcli.forecast import Forecaster, model_input
from lstmcli.growth import DampedGrowth
from lstmcli.modelfile import DIRECT, ModelInfo
from lstmcli.seasons import SeasonInfo, target_lag
from lstmcli.transforms import Target, next_price, to_target


@dataclass
class Trace:
    """One forward pass of a model over one input window, with everything around it.

    Shape letters: T steps (the window), F input columns, O outputs (= F for a recursive
    model; the horizon for a direct one, whose outputs are steps 1..O of column 0), H units.
    """

    record: engine.Record  # the engine's own record; batch size 1 (index [t, 0, unit])
    rows: np.ndarray  # (T,) 0-based data row of each step's price
    dates: np.ndarray | None  # (T,) datetime64[s] of each step, None when the data has no dates
    prices: np.ndarray  # (T, F) raw price of each step (the row the step's input ends at)
    transformed: np.ndarray  # (T, F) target-series value: the price (level), its diff or log-return
    scaled: np.ndarray  # (T, F + E) the network's input: (transformed - mean) / std, then E season/level inputs
    head: np.ndarray  # (O,) the head's output, scaled: W_head h_T + b_head
    head_target: np.ndarray  # (O,) the head's output in target units (inverse-scaled; plus the prior: growth.py)
    forecast: np.ndarray  # (F,) the forecast price of each column for the next step
    forecast_date: np.datetime64 | None
    actual: np.ndarray | None  # (F,) the price that really came next, when the data holds it
    last_price: np.ndarray  # (F,) the price the forecast continues from
    scale_mean: np.ndarray  # (F,) the scaler's mean: scaled = (transformed - mean) / std
    scale_std: np.ndarray  # (F,)
    columns: list[str]
    target: Target
    frequency: str | None
    source: str  # where the prices came from (the model file's stored tail, or a CSV)
    direct_prices: np.ndarray | None = None  # (O,) a direct model: the price of each step its head emits
    direct_adjusted: np.ndarray | None = None  # (O,) the same steps in the seasonally adjusted series, when adjusted
    # (F + E,) names of the input columns: columns + "season sin", "season cos" + "level vs mean"
    input_names: list[str] | None = None
    season: SeasonInfo | None = None  # the model's season, when it has one
    phases: np.ndarray | None = None  # (T,) phase in the season of each step's row
    season_base: np.ndarray | None = None  # (F,) a seasonal difference's forecast: the price a season before it
    history: np.ndarray | None = None  # (1, W + off, F) the window's prices, as Forecaster.paths takes them
    last_phase: int | None = None  # the phase (row count) of the window's last row, as Forecaster.paths takes it

    def __post_init__(self) -> None:
        if self.input_names is None:
            self.input_names = list(self.columns)

    @property
    def steps(self) -> int:
        """T, the number of steps in the window."""
        return len(self.rows)


def _stored_prices(info: ModelInfo) -> tuple[np.ndarray, np.ndarray | None, int, str]:
    """(prices (N, F), dates or None, row number of the first price, description) of the model file's tail."""
    prices, d = info.tail.values, info.tail.dates  # (N, F), (N,) or None
    return prices, d, info.data.rows - len(prices), f"{info.data.source} (its last rows, stored in the model file)"


def find_date(dates: np.ndarray | None, when: str, first_row: int, source: str) -> int:
    """The 0-based data row whose date is `when` (e.g. "2024-12-31"); OptionError if there is none."""
    if dates is None:
        raise OptionError(f"--date {when}: {source} has no dates", hint="choose the step with --at INDEX instead")
    try:
        day = np.datetime64(when.strip().replace(" ", "T"))
    except ValueError:
        raise OptionError(f"--date {when!r} is not a date", hint="write it like 2024-12-31") from None
    unit = np.datetime_data(day.dtype)[0]
    coarse = dates.astype(f"datetime64[{unit}]") if unit in ("Y", "M", "W", "D", "h", "m") else dates
    hits = np.flatnonzero(coarse == day)
    if len(hits) == 0:
        i = int(np.clip(np.searchsorted(dates, day.astype("datetime64[s]")), 1, len(dates) - 1))
        near = ", ".join(periods.format_date(d) for d in dates[i - 1 : i + 1])
        span = f"{periods.format_date(dates[0])}..{periods.format_date(dates[-1])}"
        raise OptionError(
            f"--date {when} is not in {source} ({span})",
            hint=f"the nearest dates are {near}; or pass the data with --data FILE.csv",
        )
    return first_row + int(hits[-1])


def trace(
    forecaster: Forecaster,
    values: np.ndarray | None = None,
    dates: np.ndarray | None = None,
    *,
    at: int | None = None,
    date: str | None = None,
    source: str | None = None,
) -> Trace:
    """Run a loaded model over the input window that ends at data row `at` (or at `date`).

    Without `values`, the prices are the model file's stored tail of the training data; with
    `values` (N,) or (N, F) (and their `dates`), that data. The window ends at the last row
    unless `at` (0-based, negative from the end) or `date` says otherwise; the forecast is for
    the row after it, exactly what `Forecaster.predict(1)` would forecast from there.
    """
    if forecaster.params is None or forecaster.info is None:
        raise OptionError("this Forecaster has not been fitted or loaded")
    info = forecaster.info
    kind, W = forecaster.target, forecaster.config.window
    off = kind.offset
    columns = list(info.columns)
    if values is None:
        prices, d, first_row, where = _stored_prices(info)
    else:
        prices = np.asarray(values, dtype=np.float64)
        prices = prices[:, None] if prices.ndim == 1 else prices  # (N, F)
        d = None if dates is None else np.asarray(dates).astype("datetime64[s]")
        first_row, where = 0, source or "the new data"
        if prices.shape[1] != info.features:
            raise DataError(
                f"{where} has {prices.shape[1]} columns, the model was trained on "
                f"{info.features} ({', '.join(columns)})"
            )
    N = len(prices)
    total = first_row + N  # rows in the data (the stored tail ends at the data's last row)

    if at is not None and date is not None:
        raise OptionError("--at and --date both choose the window's end", hint="give one of them")
    if date is not None:
        end = find_date(d, date, first_row, where)
    elif at is not None:
        end = at + total if at < 0 else at
        if not 0 <= end < total:
            raise OptionError(
                f"--at {at} is outside the data (rows 0..{total - 1})",
                hint=f"choose a row from {W + off - 1} to {total - 1}, or -1 for the last",
            )
    else:
        end = total - 1
    start = end - (W + off) + 1  # first price row the window needs
    if start < 0:
        steps, what = W, str(kind)
        season = forecaster.season
        if season is not None and season.difference:  # the network reads W + off - m changes over a season
            steps = W + off - season.length
            what = season.change_words(kind, plural=True)
        raise OptionError(
            f"row {end} is too early: a window of {steps} steps ({what}) needs {W + off} price rows ending there",
            hint=f"choose a row from {W + off - 1} on",
        )
    if start < first_row:
        raise OptionError(
            f"row {end} is not in {where} (rows {first_row}..{total - 1} are, and a window needs "
            f"{W + off} rows ending at the chosen one)",
            hint=f"pass the training data: --data {info.data.source}",
        )
    lo, hi = start - first_row, end - first_row + 1  # local slice of the window's prices
    hist = prices[None, lo:hi]  # (1, W + off, F)
    if not np.isfinite(hist).all():
        raise DataError(f"{where} has missing or infinite values in rows {start}..{end}")
    to_target(hist[0], kind, where, columns)  # a clear error for non-positive prices with log-return

    scaler = info.scaler
    dtype = forecaster.params["weight_hh_l0"].dtype
    season = forecaster.season
    phase = None  # the phase of the window's last row
    if season is not None:
        # stored tail: rows are the training data's rows; newer data: placed by its dates (Forecaster.last_phase)
        phase = end if values is None else forecaster.last_phase(N, d) - (N - 1 - (end - first_row))
    level = forecaster.level
    z, x = model_input(scaler, kind, hist, dtype, season, phase, level)  # (1, W, F), (1, W, F + E)
    prediction, record = engine.forward(forecaster.params, x)  # (1, O): the engine's own forward pass
    seen = hist if season is None else season.adjusted(hist, phase - (W + off - 1) + np.arange(W + off)[None])
    last = seen[:, -1, :].astype(np.float64)  # (1, F) the (seasonally adjusted) price the step continues from
    lag = target_lag(season)  # a seasonal difference continues from the price a season before
    first = off if lag == 1 else lag  # the window's first price row with a target value (T = W + off - first steps)
    base = last if lag == 1 else hist[:, -lag, :].astype(np.float64)  # (1, F)
    direct_prices = direct_adjusted = None
    scaled = prediction.astype(np.float64)  # (1, O); a damped growth's model: plus its prior path, as forecasts add
    growth = DampedGrowth.of(forecaster.config, scaler)
    if growth is not None:
        steps = scaled.shape[1] if info.horizon_strategy == DIRECT else 1
        scaled[:, :steps] += growth.path(x[:, :, 0], steps)
    if info.horizon_strategy == DIRECT:  # outputs are steps 1..O of column 0, as direct_forecast maps them
        head_target = scaled * scaler.std[0] + scaler.mean[0]  # (1, O)
        direct_prices = np.empty(info.outputs)
        step_price = last[:, :1]  # (1, 1)
        for k in range(info.outputs):
            if lag > 1:  # as direct_forecast: the price a season before, a forecast of its own beyond m steps
                step_price = hist[:, W + off - lag + k, :1] if k < lag else direct_prices[None, k - lag : k - lag + 1]
            step_price = next_price(step_price, head_target[:, k : k + 1], kind)
            direct_prices[k] = step_price[0, 0]
        if season is not None and season.adjust is not None:  # back to prices, as direct_forecast does
            direct_adjusted = direct_prices.copy()
            direct_prices = season.reseasoned(direct_prices, phase + 1 + np.arange(info.outputs))
        price = direct_prices[None, :1].copy()  # (1, 1): the first step, of the target column
    else:
        head_target = scaler.inverse(scaled)  # (1, O)
        price = next_price(base, head_target, kind)  # (1, F), as recursive_forecast's first step
        if season is not None:
            price[:, 0] = season.reseasoned(price[:, 0], phase + 1)  # back to prices, as recursive_forecast does

    nxt = end + 1 - first_row
    actual = prices[nxt].copy() if nxt < N else None
    frequency = info.data.frequency
    if d is None:
        forecast_date = None
    elif nxt < N:
        forecast_date = d[nxt]
    else:
        fut = periods.future_dates(d[:nxt], frequency, 1)
        forecast_date = None if fut is None else fut[0]
    step_rows = np.arange(start + first, end + 1)  # (T,)
    return Trace(
        record=record,
        rows=step_rows,
        dates=None if d is None else d[step_rows - first_row],
        prices=hist[0, first:].copy(),
        transformed=z[0],
        scaled=x[0],
        head=prediction[0],
        head_target=head_target[0],
        forecast=price[0],
        forecast_date=forecast_date,
        actual=actual,
        last_price=hist[0, -1].astype(np.float64),
        scale_mean=scaler.mean,
        scale_std=scaler.std,
        columns=columns,
        target=kind,
        frequency=frequency,
        source=where,
        direct_prices=direct_prices,
        direct_adjusted=direct_adjusted,
        input_names=columns
        + list(season.input_names if season is not None else ())
        + ([levels.NAME] if level is not None else []),
        season=season,
        phases=None if season is None else (phase - (len(step_rows) - 1) + np.arange(len(step_rows))) % season.length,
        season_base=None if lag == 1 else base[0],
        history=hist,
        last_phase=phase,
    )


def top_units(rec: engine.LayerRecord, k: int) -> list[int]:
    """The k units whose long-term memory changed most over the window, in unit order.

    "Changed most" is the total |c_t - c_{t-1}| over all steps: how busy the unit's cell was.
    """
    change = np.abs(rec.cell_new[:, 0] - rec.cell_prev[:, 0]).sum(axis=0)  # (H,)
    order = np.argsort(-change, kind="stable")[:k]
    return sorted(int(u) for u in order)


def to_dict(t: Trace, params: dict[str, np.ndarray], info: ModelInfo) -> dict:
    """Every number of a trace as plain JSON-ready lists: arrays are [step][unit] (or [step][column]).

    Floats are written exactly (JSON float repr round-trips float64, and float32 widened).
    """

    def arr(a: np.ndarray) -> list:
        return np.asarray(a, dtype=np.float64).tolist()

    zone = info.data.timezone  # times in ISO 8601 with their zone, as every --json writes them (periods.iso_date)
    d = None if t.dates is None else [periods.iso_date(x, t.frequency, zone) for x in t.dates]
    layers = []
    for k, rec in enumerate(t.record.layers):
        layers.append(
            {
                "layer": k,
                "units": rec.cell.shape[-1],
                "inputs": arr(rec.inputs[:, 0]),  # (T, F or H below)
                "forget_gate": arr(rec.forget_gate[:, 0]),
                "input_gate": arr(rec.input_gate[:, 0]),
                "candidate": arr(rec.candidate[:, 0]),
                "output_gate": arr(rec.output_gate[:, 0]),
                "pre_activation": {g: arr(rec.pre_activation(g)[:, 0]) for g in engine.GATES},
                "cell_prev": arr(rec.cell_prev[:, 0]),
                "cell_new": arr(rec.cell_new[:, 0]),
                "hidden_prev": arr(rec.hidden_prev[:, 0]),
                "hidden_new": arr(rec.hidden_new[:, 0]),
                "tanh_cell": arr(rec.tanh_cell[:, 0]),
            }
        )
    c = info.config
    return {
        "model": {
            "target": str(t.target),
            "columns": t.columns,
            "inputs": t.input_names,
            "season": None if t.season is None else t.season.to_dict(),
            "window": c.window,
            "hidden": c.hidden,
            "layers": c.layers,
            "dtype": str(params["weight_hh_l0"].dtype),
            "format_version": info.format_version,
            "trained_on": info.data.source,
        },
        "source": t.source,
        "layout": "per layer, arrays are [step][unit]; gate order i, f, g, o as in PyTorch",
        "steps": [
            {
                "step": s + 1,
                "row": int(t.rows[s]),
                "date": None if d is None else d[s],
                "price": arr(t.prices[s]),
                "transformed": arr(t.transformed[s]),
                "scaled": arr(t.scaled[s]),
            }
            for s in range(t.steps)
        ],
        "layers": layers,
        "scaler": {"mean": arr(t.scale_mean), "std": arr(t.scale_std)},
        "head": {
            "output_scaled": arr(t.head),
            "output_target": arr(t.head_target),
            "weight": arr(params["head.weight"]),
            "bias": arr(params["head.bias"]),
        }
        | (  # a model with the autoregressive skip: output_scaled = lstm_part_scaled + linear_part_scaled
            {}
            if t.record.linear is None
            else {
                "lstm_part_scaled": arr(t.head - t.record.linear[0]),
                "linear_part_scaled": arr(t.record.linear[0]),
                "ar_weight": arr(params[engine.AR_WEIGHT]),
            }
        ),
        "forecast": {
            "date": None if t.forecast_date is None else periods.iso_date(t.forecast_date, t.frequency, zone),
            "row": int(t.rows[-1]) + 1,
            "last_price": arr(t.last_price),
            "price": arr(t.forecast),
            "actual": None if t.actual is None else arr(t.actual),
            "direct_prices": None if t.direct_prices is None else arr(t.direct_prices),
        }
        | ({} if t.season_base is None else {"season_before": arr(t.season_base)}),  # a seasonal difference's base
    }
