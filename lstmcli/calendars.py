"""Exchange calendars (`--calendar XNYS`): forecast dates that skip the exchange's holidays.

Business days skip weekends only, so a daily stock forecast can be dated 2025-01-01 as a
trading day. With a calendar named by its ISO 10383 code (XNYS New York, XLON London, XTKS
Tokyo, ...) the dates are the exchange's next sessions instead, from `exchange_calendars`
(the optional extra `lstmcli[calendars]`, imported only here). `lstm train --calendar` stores
the name in the model file, so `lstm predict` uses it without the option.
"""

from __future__ import annotations

import difflib
import importlib.util
import warnings

import numpy as np

from lstmcli.errors import OptionError

#: the frequencies a calendar of trading days applies to (one row per trading day)
DAILY = ("B", "D")


def _get_calendar(xcals, name: str, start, end):
    """exchange_calendars.get_calendar, quiet: its own pandas deprecation warnings are not the user's business."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return xcals.get_calendar(name, start=start, end=end)


def _xcals():
    if importlib.util.find_spec("exchange_calendars") is None:
        raise OptionError(
            "--calendar needs the optional package exchange_calendars, which is not installed",
            hint="install it with: pip install 'lstmcli[calendars]'",
        )
    import exchange_calendars

    return exchange_calendars


def names() -> list[str]:
    """Every calendar name exchange_calendars knows (codes like XNYS and aliases like NYSE)."""
    xcals = _xcals()
    return sorted(set(xcals.get_calendar_names(include_aliases=True)))


def check_calendar(name: str, frequency: str | None = None) -> str:
    """The calendar's name as exchange_calendars spells it; OptionError naming the closest for an unknown one,
    and for data that is not daily (a calendar of trading days dates daily rows only)."""
    known = names()
    by_fold = {n.casefold(): n for n in known}
    found = by_fold.get(name.strip().casefold())
    if found is None:
        close = difflib.get_close_matches(name.strip().upper(), known, n=3, cutoff=0.5)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        raise OptionError(
            f"--calendar {name}: no exchange calendar of that name",
            hint=f"{hint}Codes are ISO 10383 MICs such as XNYS (New York), XLON (London), XTKS (Tokyo), "
            "XFRA (Frankfurt); python -c 'import exchange_calendars as x; print(x.get_calendar_names())' lists all",
        )
    if frequency is not None and frequency not in DAILY:
        from lstmcli.periods import FREQUENCY_NAMES

        raise OptionError(
            f"--calendar {found}: the data is {FREQUENCY_NAMES.get(frequency, frequency)} apart, not daily",
            hint="a calendar of trading days dates daily data only; leave out --calendar",
        )
    return found


def next_sessions(name: str, last: np.datetime64, n: int) -> np.ndarray:
    """The n trading days (n,) datetime64[s] of calendar `name` after the date of `last`, at its time of day."""
    import pandas as pd

    xcals = _xcals()
    last = np.datetime64(last, "s")
    day = last.astype("datetime64[D]")
    time_of_day = last - day.astype("datetime64[s]")
    start = pd.Timestamp(day) + pd.Timedelta(days=1)
    end = start + pd.Timedelta(days=2 * n + 30)  # holidays and weekends: at most about half the days are closed
    try:
        cal = _get_calendar(xcals, name, start, end)
    except Exception as e:  # dates outside what the package covers (it raises its own error types)
        raise OptionError(
            f"--calendar {name}: no sessions known from {start.date()} to {end.date()} ({e})",
            hint="update exchange_calendars (pip install -U exchange_calendars), or forecast fewer days",
        ) from None
    sessions = cal.sessions  # DatetimeIndex: the sessions from start to end
    if len(sessions) < n:
        raise OptionError(
            f"--calendar {name}: only {len(sessions)} sessions are known after {day}",
            hint=f"ask for --days {len(sessions)} or fewer, or update exchange_calendars",
        )
    return _days(sessions[:n]).astype("datetime64[s]") + time_of_day


def _days(sessions) -> np.ndarray:
    """A DatetimeIndex of sessions (naive or UTC, by the package's version) as datetime64[D]."""
    if sessions.tz is not None:
        sessions = sessions.tz_localize(None)
    return np.asarray(sessions).astype("datetime64[D]")


def closed_days(name: str, dates: np.ndarray) -> np.ndarray:
    """The dates (of the training data) that fall on no session of the calendar: a mismatch to report."""
    import pandas as pd

    xcals = _xcals()
    d = np.asarray(dates).astype("datetime64[D]")
    start, end = pd.Timestamp(d.min()), pd.Timestamp(d.max())
    try:
        cal = _get_calendar(xcals, name, start, end)
    except Exception:  # data older than the calendar covers: nothing to compare
        return np.array([], dtype="datetime64[D]")
    sessions = _days(cal.sessions)
    return d[~np.isin(d, sessions)]
