"""Exchange calendars (`--calendar XNYS`): forecast dates that skip the exchange's holidays.

Business days skip weekends only, so a daily stock forecast can be dated 2025-01-01 as a
trading day. With a calendar named by its ISO 10383 code (XNYS New York, XLON London, XTKS
Tokyo, ...) the dates are the exchange's next sessions instead, from `exchange_calendars`
(the optional extra `lstmcli[calendars]`, imported only here). `lstm train --calendar` stores
the name in the model file, so `lstm predict` uses it without the option.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import importlib.util
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

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


def missing_sessions(name: str, dates: np.ndarray) -> tuple[int, int] | None:
    """(sessions of calendar `name` between the first and last date without a row, the index of the date before
    the first of them); None when the calendar does not cover the dates."""
    import pandas as pd

    xcals = _xcals()
    d = np.unique(np.asarray(dates).astype("datetime64[D]"))
    try:
        cal = _get_calendar(xcals, name, pd.Timestamp(d[0]), pd.Timestamp(d[-1]))
    except Exception:  # data older than the calendar covers
        return None
    sessions = _days(cal.sessions)
    absent = sessions[~np.isin(sessions, d)]  # (K,) sessions without a row
    if not len(absent):
        return 0, -1
    before = int(np.searchsorted(d, absent[0])) - 1  # the row before the first missing session
    rows = np.asarray(dates).astype("datetime64[D]")
    return len(absent), int(np.flatnonzero(rows == d[before])[-1])


# ---------------------------------------------------------------------------------------------------------------
# Which exchange's holidays the data's own closed days are: a Note on train and backtest, never applied unasked.

#: the exchange calendars the data's closed weekdays are compared with: major exchanges with Monday-Friday
#: weeks and decades of holiday rules in exchange_calendars (XKRX is left out: building its holidays takes ~1 s)
COMPARED = (
    "XNYS",  # New York
    "XTSE",  # Toronto
    "XMEX",  # Mexico
    "BVMF",  # Sao Paulo
    "XLON",  # London
    "XDUB",  # Dublin
    "XETR",  # Xetra (Frankfurt)
    "XFRA",  # Frankfurt floor
    "XPAR",  # Euronext Paris
    "XAMS",  # Euronext Amsterdam
    "XBRU",  # Euronext Brussels
    "XMIL",  # Milan
    "XMAD",  # Madrid
    "XSWX",  # SIX Swiss
    "XWBO",  # Vienna
    "XSTO",  # Stockholm
    "XCSE",  # Copenhagen
    "XOSL",  # Oslo
    "XHEL",  # Helsinki
    "XJSE",  # Johannesburg
    "XTKS",  # Tokyo (from 1997)
    "XHKG",  # Hong Kong
    "XSHG",  # Shanghai (from 1990-12)
    "XTAI",  # Taiwan
    "XSES",  # Singapore (from 1986)
    "XBOM",  # Bombay (from 1997)
    "XASX",  # Australia
    "XNZE",  # New Zealand
)
#: the F1 score of the two sets of closed weekdays (2 x shared / (the data's + the calendar's)) that is a match
MATCH_F1 = 0.8
#: fewer closed weekdays than this say nothing about a calendar (any exchange closes on 1 January)
MIN_CLOSED = 3
#: a calendar is compared only where its range holds at least this share of the data's closed weekdays
MIN_COVERED = 0.8
#: holiday-like closed weekdays without a matching calendar are worth a Note from this many on
MANY_CLOSED = 10
#: the years whose holidays are built and cached: from FIRST_YEAR to next year (each calendar within its bounds)
FIRST_YEAR = 1980
_FORMAT = 1  # of the cache file: bumped when what it stores changes
_SKIPPED: set[str] = set()  # COMPARED names this exchange_calendars cannot give Monday-Friday holidays for


def closed_weekdays(dates: np.ndarray) -> np.ndarray:
    """(K,) datetime64[D]: the Monday-Friday days from the first to the last date that have no row."""
    d = np.unique(np.asarray(dates).astype("datetime64[D]"))  # (N,) sorted days
    days = np.arange(d[0], d[-1] + 1)  # (span,) every day of the range
    weekdays = days[np.is_busday(days)]
    return weekdays[~np.isin(weekdays, d)]


def holiday_like(dates: np.ndarray, closed: np.ndarray) -> bool:
    """Closed weekdays that look like an exchange's holidays rather than gaps in the data: a few a year at most,
    and a closed weekday in (nearly) every turn of the year the data spans, when almost every exchange closes
    for Christmas or New Year (random gaps hit those 7 weekdays about as often as any others)."""
    d = np.asarray(dates).astype("datetime64[D]")
    first, last = d.min(), d.max()
    years = (last - first).astype(np.int64) / 365.25
    if len(closed) < MIN_CLOSED or len(closed) > 30 * max(years, 1.0):
        return False
    y0, y1 = first.astype("datetime64[Y]").astype(np.int64) + 1970, last.astype("datetime64[Y]").astype(np.int64) + 1970
    turns = hit = 0
    for y in range(y0, y1):  # the weekdays of 24 Dec y .. 2 Jan y+1, when the data covers them all
        lo, hi = np.datetime64(f"{y}-12-24"), np.datetime64(f"{y + 1}-01-02")
        if lo < first or hi > last:
            continue
        turns += 1
        hit += bool(((closed >= lo) & (closed <= hi)).any())
    return turns > 0 and hit >= 0.8 * turns


def _cache_dir() -> Path:
    """Where the built holidays are kept: $LSTMCLI_CACHE_DIR, else $XDG_CACHE_HOME/lstmcli, else ~/.cache/lstmcli."""
    if os.environ.get("LSTMCLI_CACHE_DIR"):
        return Path(os.environ["LSTMCLI_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "lstmcli"


def _build_closed(xcals, name: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(closed weekdays (K,) datetime64[D], [first, last] day built) of calendar `name`, None when it has no
    Monday-Friday week. Its holidays come from the calendar's own rules (regular holidays and ad-hoc closures,
    which is what exchange_calendars takes its sessions from) without building every session's open and close
    times (~0.1-1 s a calendar); where that is not possible, from its sessions."""
    import pandas as pd

    today = np.datetime64("today", "Y").astype(np.int64) + 1970
    lo, hi = pd.Timestamp(f"{FIRST_YEAR}-01-01"), pd.Timestamp(f"{today + 1}-12-31")
    factories = getattr(getattr(xcals, "calendar_utils", None), "_default_calendar_factories", {})
    cls = factories.get(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if cls is not None:
            lo = max(lo, cls.bound_min() or lo)
            hi = min(hi, cls.bound_max() or hi)
        span = np.array([lo.date(), hi.date()], dtype="datetime64[D]")
        days = np.arange(span[0], span[1] + 1)  # (span,)
        try:
            cal = cls.__new__(cls)  # the rules only: no sessions built
            if cal.weekmask != "1111100":
                return None
            rules = cal.regular_holidays
            regular = rules.holidays(lo, hi) if rules is not None else pd.DatetimeIndex([])
            adhoc = pd.DatetimeIndex(cal.adhoc_holidays)
            shut = np.concatenate([_days(pd.DatetimeIndex(regular)), _days(adhoc)])
            weekdays = days[np.is_busday(days)]
            return weekdays[np.isin(weekdays, shut)], span
        except Exception:  # another version's internals: the public way, slower
            cal = _get_calendar(xcals, name, lo, hi)
            if cal.weekmask != "1111100":
                return None
            weekdays = days[np.is_busday(days)]
            return weekdays[~np.isin(weekdays, _days(cal.sessions))], span


@functools.cache
def compared_holidays() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{name: (closed weekdays, [first, last] day)} of every COMPARED calendar, from the cache file when it is
    there (written by the same exchange_calendars version this year); built and cached otherwise."""
    import importlib.metadata

    version = importlib.metadata.version("exchange_calendars")  # without importing it (~0.15 s)
    year = np.datetime64("today", "Y")
    path = _cache_dir() / f"exchange-holidays-{_FORMAT}-{version}-{year}.npz"
    found: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    try:
        with np.load(path, allow_pickle=False) as z:
            for name in COMPARED:
                if f"{name}.closed" in z.files:
                    found[name] = (
                        z[f"{name}.closed"].astype("datetime64[D]"),
                        z[f"{name}.span"].astype("datetime64[D]"),
                    )
    except (OSError, ValueError, KeyError):  # none yet, or unreadable: built again
        found = {}
    missing = [n for n in COMPARED if n not in found and n not in _SKIPPED]
    xcals = _xcals() if missing else None
    for name in missing:
        try:
            built = _build_closed(xcals, name)
        except Exception:  # a calendar this version does not have, or cannot build: not compared
            built = None
        if built is None:
            _SKIPPED.add(name)
        else:
            found[name] = built
    if missing and set(found) - _SKIPPED:
        _save_cache(path, found)
    return found


def _save_cache(path: Path, found: dict) -> None:
    from lstmcli.errors import LstmError
    from lstmcli.files import write_atomically

    arrays = {f"{n}.closed": c for n, (c, _) in found.items()} | {f"{n}.span": s for n, (_, s) in found.items()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, lambda f: np.savez(f, **arrays), prefix="calendar cache", option="LSTMCLI_CACHE_DIR")
        for old in path.parent.glob("exchange-holidays-*.npz"):  # another version's or year's: not read again
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, LstmError):  # a read-only home: built again next time, nothing lost
        pass


@dataclass(frozen=True)
class CalendarMatch:
    """How the data's closed weekdays compare with the closest exchange calendar's."""

    closed: int  # the data's closed weekdays (within the calendar's range)
    name: str  # the closest calendar
    matched: int  # of those closed weekdays, how many the calendar is closed too
    holidays: int  # the calendar's closed weekdays in the same range
    also: tuple[str, ...] = ()  # calendars closed on exactly the same weekdays in that range
    since: str | None = None  # the range's first day, when the calendar starts after the data

    @property
    def f1(self) -> float:
        return 2 * self.matched / (self.closed + self.holidays)

    @property
    def matches(self) -> bool:
        return self.f1 >= MATCH_F1

    def to_dict(self) -> dict:
        return (
            {"name": self.name, "closed": self.closed, "matched": self.matched, "holidays": self.holidays}
            | ({"also": list(self.also)} if self.also else {})
            | ({"since": self.since} if self.since else {})
        )

    @classmethod
    def from_dict(cls, d: dict) -> CalendarMatch:
        counts = [d[k] for k in ("closed", "matched", "holidays")]
        if not isinstance(d["name"], str) or any(type(v) is not int or v < 0 for v in counts):
            raise ValueError("not a name and three counts")
        also, since = d.get("also", []), d.get("since")
        if (
            not isinstance(also, list)
            or not all(isinstance(a, str) for a in also)
            or not (since is None or isinstance(since, str))
        ):
            raise ValueError("'also' is not a list of names or 'since' not a date")
        if counts[0] + counts[2] == 0:
            raise ValueError("no closed days")
        closed, matched, holidays = counts
        return cls(closed=closed, name=d["name"], matched=matched, holidays=holidays, also=tuple(also), since=since)

    def describe(self) -> str:
        """'the data's 87 closed weekdays match XNYS (85 of 87; its holidays in range: 86)'."""
        since = f" from {self.since} on" if self.since else ""
        also = f"; so do {', '.join(self.also)}" if self.also else ""
        return (
            f"the data's {self.closed:,} closed weekdays{since} match {self.name} "
            f"({self.matched:,} of {self.closed:,}; its holidays in range: {self.holidays:,}{also})"
        )


def closest_calendar(dates: np.ndarray, closed: np.ndarray | None = None) -> CalendarMatch | None:
    """The COMPARED calendar whose closed weekdays best match the data's (F1 of the two sets over the data's
    range within the calendar's), or None with fewer than MIN_CLOSED closed weekdays or none covered."""
    d = np.asarray(dates).astype("datetime64[D]")
    closed = closed_weekdays(d) if closed is None else closed
    if len(closed) < MIN_CLOSED:
        return None
    first, last = d.min(), d.max()
    scored = []
    for name, (shut, span) in compared_holidays().items():
        lo, hi = max(first, span[0]), min(last, span[1])
        ours = closed[(closed >= lo) & (closed <= hi)]
        if len(ours) < max(MIN_CLOSED, MIN_COVERED * len(closed)):
            continue
        theirs = shut[(shut >= lo) & (shut <= hi)]
        matched = int(np.isin(ours, theirs).sum())
        since = str(lo) if lo > first else None
        key = (2 * matched / (len(ours) + len(theirs)), matched, -len(theirs))
        scored.append((key, CalendarMatch(len(ours), name, matched, len(theirs), since=since), theirs))
    if not scored:
        return None
    _, best, best_days = max(scored, key=lambda s: s[0])  # the first of equals: COMPARED's order
    same = [m.name for _, m, t in scored if m.closed == best.closed and np.array_equal(t, best_days)]
    return dataclasses.replace(best, also=tuple(n for n in same if n != best.name))


#: what follows for the forecasts' dates when no calendar matches: said so a user knows why the Note matters
NO_MATCH_DATES = "forecasts are dated as business days (Monday to Friday)"


def installed() -> bool:
    return importlib.util.find_spec("exchange_calendars") is not None


def data_note(dates: np.ndarray | None, frequency: str | None, verb: str) -> tuple[str | None, CalendarMatch | None]:
    """What to say about business-day data's closed weekdays (None: nothing worth saying), and the calendar they
    match (None: none). `verb` is "train" or "backtest". The calendar is only named, never applied: the user
    chooses it with --calendar."""
    if dates is None or frequency != "B" or len(dates) < 2:
        return None, None
    closed = closed_weekdays(dates)
    if len(closed) < MIN_CLOSED:
        return None, None
    n = f"{len(closed):,}"
    if not installed():
        if not holiday_like(dates, closed):
            return None, None
        return (
            f"the data has no rows on {n} weekdays that look like holidays; pip install 'lstmcli[calendars]' "
            "lets lstm match them to an exchange and date forecasts on its trading days"
        ), None
    match = closest_calendar(dates, closed)
    if match is None:
        return None, None
    if match.matches:
        todo = (
            f"forecasts are dated as business days; add --calendar {match.name} to skip its holidays"
            if verb == "train"
            else f"lstm train --calendar {match.name} dates forecasts on its trading days"
        )
        return f"{match.describe()}: {todo}", match
    if len(closed) >= MANY_CLOSED and holiday_like(dates, closed):
        return (
            f"the data's {n} closed weekdays look like holidays but match none of the {len(compared_holidays())} "
            f"exchange calendars compared (closest {match.name}: {match.matched:,} of {match.closed:,} are its "
            f"holidays, but it has {match.holidays:,} in range): {NO_MATCH_DATES}"
        ), None
    return None, None


# ---------------------------------------------------------------------------------------------------------------
# A panel (many series): each series' finding, made where the series is read (a worker), then ONE Note for all.


def series_finding(dates: np.ndarray | None, frequency: str | None) -> dict | None:
    """One series' `data_note`, compact for the panel's one Note: {"match": CalendarMatch.to_dict()} when its
    closed weekdays match a calendar; {"holidays": K, "installed": bool} when they look like holidays that match
    none (or exchange_calendars is not installed to match them); None when there is nothing to say."""
    text, match = data_note(dates, frequency, "train")
    if match is not None:
        return {"match": match.to_dict()}
    if text is None:
        return None
    compared = len(compared_holidays()) if installed() else 0
    return {"holidays": len(closed_weekdays(dates)), "installed": installed(), "compared": compared}


def panel_note(findings: dict[str, dict], total: int, verb: str) -> str | None:
    """The one Note for a panel of `total` series from its series' findings ({series id: series_finding}): the
    calendar they share and how many match it, or that they differ (how many match each); else how many look
    like holidays no calendar matches (or that lstmcli[calendars] would match). None: nothing to say."""
    matched = {sid: CalendarMatch.from_dict(f["match"]) for sid, f in findings.items() if "match" in f}
    if matched:
        by_name: dict[str, list[str]] = {}
        for sid, m in matched.items():
            by_name.setdefault(m.name, []).append(sid)
        names = sorted(by_name, key=lambda n: (-len(by_name[n]), COMPARED.index(n) if n in COMPARED else 99, n))
        if len(names) == 1:
            name = names[0]
            sid = by_name[name][0]
            m = matched[sid]
            also = f"; so do {', '.join(m.also)}" if m.also else ""
            todo = (
                f"forecasts are dated as business days; add --calendar {name} to skip its holidays"
                if verb == "train"
                else f"lstm train --calendar {name} dates forecasts on its trading days"
            )
            return (
                f"the closed weekdays of {_of(len(matched), total)} series match {name} (e.g. {sid}: {m.matched:,} "
                f"of its {m.closed:,} closed weekdays are {name} holidays{also}): {todo}"
            )
        shown = ", ".join(f"{n} {len(by_name[n]):,}" for n in names[:4])
        more = f", {len(names) - 4} more" if len(names) > 4 else ""
        none = f"; {total - len(matched):,} match none" if total > len(matched) else ""
        return (
            f"the series' closed weekdays match different exchanges (series: {shown}{more}{none}): --calendar "
            "dates every series on one exchange's trading days, so give it to each exchange's series apart "
            f"(--series A,B --calendar {names[0]})"
        )
    holidays = [f for f in findings.values() if "holidays" in f]
    if not holidays:
        return None
    if not all(f["installed"] for f in holidays):
        return (
            f"{_of(len(holidays), total)} series have no rows on weekdays that look like holidays; pip install "
            "'lstmcli[calendars]' lets lstm match them to an exchange and date forecasts on its trading days"
        )
    return (
        f"the closed weekdays of {_of(len(holidays), total)} series look like holidays but match none of the "
        f"{max(f['compared'] for f in holidays)} exchange calendars compared: {NO_MATCH_DATES}"
    )


def _of(k: int, total: int) -> str:
    """'all 3', '2 of the 3'."""
    return f"all {total:,}" if k == total else f"{k:,} of the {total:,}"
