"""Charts you can keep: `--plot FILE` as .png, .svg or a self-contained .html (the SVG inside).

matplotlib (the optional extra `lstmcli[plot]`) with the Agg backend, imported only when a
chart is asked for. Every figure is FIG_INCHES at DPI, so a PNG is 1000 x 500 pixels and an
SVG 720 x 360 pt. The file is written atomically, like everything lstmcli writes.
"""

from __future__ import annotations

import html
import importlib.util
import io
from pathlib import Path

import numpy as np

from lstmcli.errors import OptionError

FORMATS = (".png", ".svg", ".html")
FIG_INCHES = (10.0, 5.0)
DPI = 100


def check_plot_path(path: Path, option: str = "--plot") -> None:
    """Refuse an unknown suffix or a missing matplotlib before any work is done."""
    if path.suffix.lower() not in FORMATS:
        raise OptionError(
            f"{option} {path}: charts are written as {', '.join(FORMATS)}, chosen by the file's suffix",
            hint="name the file e.g. forecast.png, forecast.svg or forecast.html",
        )
    if importlib.util.find_spec("matplotlib") is None:
        raise OptionError(
            f"{option} needs the optional package matplotlib, which is not installed",
            hint="install it with: pip install 'lstmcli[plot]'",
        )


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)  # files only, never a window
    import matplotlib.pyplot as plt

    return plt


def _x(dates, n: int, offset: int = 0) -> np.ndarray:
    """Dates as matplotlib takes them (datetime64), else step numbers."""
    if dates is not None:
        return np.asarray(dates).astype("datetime64[s]")
    return np.arange(n) + offset


def save_figure(fig, path: Path, title: str, option: str = "--plot") -> Path:
    """Write `fig` as the suffix of `path` says (.png, .svg or an .html page holding the SVG), atomically."""
    from lstmcli.files import write_atomically

    suffix = path.suffix.lower()
    buf = io.BytesIO()
    fig.savefig(buf, format="png" if suffix == ".png" else "svg", dpi=DPI)
    _pyplot().close(fig)
    data = buf.getvalue()
    if suffix == ".html":
        svg = data.decode()
        svg = svg[svg.index("<svg") :]  # the document inline: no XML prolog or DOCTYPE inside HTML
        data = (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n</head>\n<body>\n{svg}</body>\n</html>\n"
        ).encode()
    return write_atomically(path, lambda f: f.write(data), prefix=f"cannot write {path}", option=option)


def forecast_figure(fc):
    """History, forecast and its interval band on a dated x-axis."""
    from lstmcli.intervals import level_label

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=FIG_INCHES, dpi=DPI)
    n = len(fc.history)
    dated = fc.dates is not None and fc.history_dates is not None
    x_hist = _x(fc.history_dates if dated else None, n, -(n - 1))
    x_last = x_hist[-1:] if n else _x(np.array([fc.last_date]) if dated else None, 1)
    x_fc = np.concatenate([x_last, _x(fc.dates if dated else None, len(fc.values), 1)])
    ax.plot(x_hist, fc.history, color="#1f4e79", lw=1.4, label="history")
    ax.plot(x_fc, np.append(fc.last_value, fc.values), color="#d9480f", lw=1.8, marker="o", ms=3, label="forecast")
    bands = fc.bands or ({fc.interval: (fc.lower, fc.upper)} if fc.lower is not None else {})
    for level, (lower, upper) in bands.items():  # narrowest first; they overlap, so inner bands look darker
        lo, hi = np.append(fc.last_value, lower), np.append(fc.last_value, upper)
        label = f"{level_label(level)}% interval"
        ax.fill_between(x_fc, lo, hi, color="#d9480f", alpha=0.18, lw=0, label=label)
    zone = f" ({fc.timezone})" if fc.timezone and dated else ""
    ax.set_xlabel("date" + zone if dated else "steps from the last observation")
    ax.set_ylabel(fc.column)
    ax.set_title(f"{fc.column}: {len(fc.values)}-step forecast ({fc.strategy})")
    ax.grid(alpha=0.3)
    ax.legend(loc="best")
    if dated:
        fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def backtest_figure(result, max_paths: int = 40):
    """Top: the actual values with the LSTM's forecast path from each origin (and the 1-step band).
    Bottom: MAE per step ahead for every model."""
    from lstmcli.backtest import LABELS

    plt = _pyplot()
    r = result
    fig, (top, bottom) = plt.subplots(2, 1, figsize=FIG_INCHES, dpi=DPI, height_ratios=(2, 1))
    dated = r.dates is not None
    rows = np.asarray(r.origins)
    n_rows = len(r.dates) if dated else int(rows.max()) + r.spec.days

    def xs(idx):
        idx = np.minimum(idx, n_rows - 1)
        return np.asarray(r.dates)[idx].astype("datetime64[s]") if dated else idx

    top.plot(xs(rows), r.actual[:, 0], color="black", lw=1.3, label="actual")
    if r.lower is not None:
        top.fill_between(
            xs(rows),
            r.lower[:, 0],
            r.upper[:, 0],
            color="#d9480f",
            alpha=0.15,
            lw=0,
            label=f"{r.interval:.0%} interval, 1 {r.step_word()} ahead",
        )
    pick = np.unique(np.linspace(0, len(rows) - 1, min(max_paths, len(rows))).round().astype(int))
    for j, i in enumerate(pick):
        path = r.forecasts["lstm"][i]
        top.plot(
            xs(rows[i] + np.arange(len(path))),
            path,
            color="#d9480f",
            lw=0.9,
            alpha=0.8,
            label="LSTM forecast from each origin" if j == 0 else None,
        )
    top.set_ylabel(r.column)
    shown = "" if len(pick) == len(rows) else f" ({len(pick)} of {len(rows)} origins drawn)"  # len(rows) > 1 here
    top.set_title(
        f"Backtest of {r.column}: {len(rows)} origin{'s' if len(rows) != 1 else ''}, "
        f"1-{r.spec.days} {r.step_word(2)} ahead{shown}"
    )
    top.grid(alpha=0.3)
    top.legend(loc="best", fontsize="small")
    steps = np.arange(1, r.spec.days + 1)
    for m in r.models:
        mae = np.asarray(r.scores[m]["per_step"]["mae"], dtype=float)
        bottom.plot(steps, mae, marker="o", ms=3, lw=1.6 if m == "lstm" else 1.0, label=LABELS[m])
    bottom.set_xlabel(f"{r.step_word(2)} ahead")
    bottom.set_ylabel("MAE")
    bottom.set_xticks(steps)
    bottom.grid(alpha=0.3)
    bottom.legend(loc="best", fontsize="small", ncol=min(5, len(r.models)))
    fig.tight_layout()
    return fig


def save_forecast_plot(fc, path: Path) -> Path:
    """`lstm predict --plot FILE`."""
    return save_figure(forecast_figure(fc), path, f"{fc.column}: forecast")


def save_backtest_plot(result, path: Path) -> Path:
    """`lstm backtest --plot FILE`."""
    return save_figure(backtest_figure(result), path, f"{result.column}: backtest")
