"""The model file: safe by construction, refused cleanly when broken or hostile."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from conftest import assert_forecasts_as_before, rewrite_model

from lstmcli import engine, modelfile
from lstmcli.errors import ModelFileError
from lstmcli.forecast import Forecaster
from lstmcli.transforms import Target

DATA = Path(__file__).parent / "data"


def _meta(F=1, H=3, L=1, O=1):
    return {"features": F, "outputs": O, "config": {"hidden": H, "layers": L, "dtype": "float64"}}


def _params(F=1, H=3, L=1, O=1):
    return engine.init_params(F, H, L, O, np.random.default_rng(0))


@pytest.fixture
def good(tmp_path):
    return modelfile.save(tmp_path / "m.npz", _params(), _meta())


def test_round_trip(good):
    params, meta = modelfile.load(good)
    assert meta["format_version"] == modelfile.FORMAT_VERSION
    for k, v in _params().items():
        assert np.array_equal(params[k], v)


def test_missing_file(tmp_path):
    with pytest.raises(ModelFileError, match="no model file"):
        modelfile.load(tmp_path / "nope.npz")


def test_truncated_file(good, tmp_path):
    data = good.read_bytes()
    bad = tmp_path / "trunc.npz"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match=r"corrupt or truncated|not a"):
        modelfile.load(bad)


def test_random_bytes(tmp_path):
    bad = tmp_path / "rand.npz"
    bad.write_bytes(np.random.default_rng(0).bytes(5000))
    with pytest.raises(ModelFileError):
        modelfile.load(bad)


def test_future_format_version(good, tmp_path):
    meta = {**_meta(), "format_version": 99}
    with pytest.raises(ModelFileError, match="version 99"):
        modelfile.load(rewrite_model(good, tmp_path / "f.npz", meta=meta))


def test_missing_array(good, tmp_path):
    with pytest.raises(ModelFileError, match=r"missing head\.bias"):
        modelfile.load(rewrite_model(good, tmp_path / "f.npz", drop=("head.bias",)))


def test_extra_array(good, tmp_path):
    with pytest.raises(ModelFileError, match="unexpected surprise"):
        modelfile.load(rewrite_model(good, tmp_path / "f.npz", arrays={"surprise": np.zeros(3)}))


def test_shapes_disagree_with_metadata(good, tmp_path):
    meta = {**_meta(H=4), "format_version": 1}
    with pytest.raises(ModelFileError, match="shape"):
        modelfile.load(rewrite_model(good, tmp_path / "f.npz", meta=meta))


def test_object_array_is_refused_and_never_unpickled(good, tmp_path):
    """An object array inside the npz would run code if unpickled; it must be refused."""
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    evil = np.empty(1, dtype=object)
    evil[0] = Evil()
    path = tmp_path / "evil.npz"
    with np.load(good, allow_pickle=False) as z:
        content = {k: z[k] for k in z.files}
    content["head.bias"] = evil
    np.savez(path, **content)  # np.savez pickles object arrays
    with zipfile.ZipFile(path) as zf:
        assert "head.bias.npy" in zf.namelist()
    with pytest.raises(ModelFileError, match="pickle"):
        modelfile.load(path)
    assert not marker.exists()


def test_nan_weights_refused(good, tmp_path):
    p = _params()
    p["head.bias"][0] = np.nan
    with pytest.raises(ModelFileError, match="NaN"):
        modelfile.load(rewrite_model(good, tmp_path / "f.npz", arrays={"head.bias": p["head.bias"]}))


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path):
    path = modelfile.save(tmp_path / "m.npz", _params(), _meta())
    modelfile.save(path, _params(), _meta())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]


def test_save_into_missing_folder(tmp_path):
    with pytest.raises(ModelFileError, match="does not exist"):
        modelfile.save(tmp_path / "no" / "m.npz", _params(), _meta())


def test_failed_write_keeps_previous_model(good, monkeypatch):
    before = good.read_bytes()

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", boom)
    with pytest.raises(ModelFileError, match="No space left"):
        modelfile.save(good, _params(), _meta())
    assert good.read_bytes() == before
    assert sorted(p.name for p in good.parent.iterdir()) == ["m.npz"]


# ---------------------------------------------------------------------------------------
# the typed metadata (ModelInfo): files written before it existed keep loading, unchanged

V1_FILES = ("v1_dated_logreturn", "v1_undated_level")


@pytest.mark.parametrize("name", V1_FILES)
def test_a_format_1_file_from_before_the_typed_metadata_loads_and_round_trips(name):
    """tests/data/*.npz were written by the code before ModelInfo (see make_v1_fixtures.py)."""
    _, meta = modelfile.load(DATA / f"{name}.npz")
    info = modelfile.ModelInfo.from_dict(meta)
    assert info.to_dict() == meta  # every key and value, as the older code wrote it
    assert json.dumps(info.to_dict()) == json.dumps(meta)  # and in the same order


@pytest.mark.parametrize("name", V1_FILES)
def test_a_format_1_file_from_before_the_typed_metadata_forecasts_as_it_did(name):
    expected = json.loads((DATA / "v1_expected_forecasts.json").read_text())[name]
    forecaster = Forecaster.load(DATA / f"{name}.npz")
    got = forecaster.predict(7, interval=0.8).to_dict()
    assert got.pop("interval_recalibrated_origins") == 0  # a key added since; nothing newer to recalibrate with
    calibration = got.pop("interval_calibration", None)  # keys added since: how the band was calibrated
    assert (calibration is None) == (forecaster.info.intervals is None)
    for row in got["forecast"]:
        assert row.pop("extrapolated", False) is (calibration is not None and row["step"] > calibration["steps"])
    assert_forecasts_as_before(got, expected)  # the same numbers: a file without `nonnegative` gets no floor at 0


def test_the_typed_metadata_of_an_old_file():
    info = Forecaster.load(DATA / "v1_dated_logreturn.npz").info
    assert info.target is Target.LOG_RETURN and info.columns == ("Close", "Volume") and info.features == 2
    assert info.config.window == 8 and info.config.hidden == 4
    assert info.data.source == "fixture.csv" and info.data.frequency == "B" and info.data.rows == 160
    assert info.tail.values.shape == (160, 2) and info.tail.dates.dtype == np.dtype("datetime64[s]")
    assert info.validation.naive.directional_accuracy is None and info.validation.model.mae > 0
    assert info.intervals is not None and info.intervals.quantiles.shape[1] == len(info.intervals.levels)
    assert len(info.intervals.origins) == len(info.intervals.quantiles)
    level = Forecaster.load(DATA / "v1_undated_level.npz").info
    assert level.target is Target.LEVEL and level.intervals is None and level.tail.dates is None


def test_resaving_an_old_file_writes_the_same_metadata(tmp_path):
    forecaster = Forecaster.load(DATA / "v1_dated_logreturn.npz")
    again = modelfile.load(forecaster.save(tmp_path / "again.npz"))[1]
    assert again == modelfile.load(DATA / "v1_dated_logreturn.npz")[1]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda m: m["data"].update(rows="many"), "rows 'many' is not a count"),
        (lambda m: m["training"].update(stopped_early="yes"), "stopped_early 'yes' is not true or false"),
        (lambda m: m["config"].update(window=8.0), "window 8.0 is not a count"),
        (lambda m: m["intervals"].update(origins=[1]), "the interval quantiles are malformed"),
        (lambda m: m.update(horizon_strategy="sideways"), "the horizon strategy 'sideways' is not one of recursive"),
        (lambda m: m.update(horizon_strategy="direct"), "metadata is incomplete or invalid ('horizon')"),
        (lambda m: m.update(horizon_strategy="direct", horizon=5), "outputs 2 is not 5"),
        (lambda m: m.pop("training"), "metadata is incomplete or invalid ('training')"),
        (lambda m: m["scaler"].update(std=[-1.0, 1.0]), "the scaler's deviations [-1.0, 1.0] are not all 0 or above"),
    ],
)
def test_damaged_metadata_is_refused_once_with_its_reason(tmp_path, edit, message):
    path = DATA / "v1_dated_logreturn.npz"
    meta = modelfile.load(path)[1]
    edit(meta)
    with pytest.raises(ModelFileError, match=re.escape(message)):
        modelfile.read(rewrite_model(path.read_bytes(), tmp_path / "bad.npz", meta=meta))


def test_outputs_must_equal_features():
    """Every column is predicted and fed back: a head of another size cannot forecast."""
    meta = modelfile.load(DATA / "v1_dated_logreturn.npz")[1]
    with pytest.raises(ValueError, match=re.escape("outputs 3 is not 2 (features 2, recursive forecasts)")):
        modelfile.ModelInfo.from_dict({**meta, "outputs": 3})


def test_a_direct_models_outputs_are_its_horizon():
    """A direct head emits `horizon` steps of column 0, whatever the number of input columns."""
    meta = modelfile.load(DATA / "v1_dated_logreturn.npz")[1]
    info = modelfile.ModelInfo.from_dict({**meta, "horizon_strategy": "direct", "horizon": 4, "outputs": 4})
    assert (info.horizon_strategy, info.horizon, info.outputs, info.features) == ("direct", 4, 4, 2)
    assert info.to_dict()["horizon"] == 4 and info.to_dict()["outputs"] == 4
    with pytest.raises(ValueError, match="the horizon 0 is not a count of steps"):
        modelfile.ModelInfo.from_dict({**meta, "horizon_strategy": "direct", "horizon": 0, "outputs": 0})
    assert "horizon" not in modelfile.ModelInfo.from_dict(meta).to_dict()  # recursive files: the old layout


def test_the_autoregressive_skip_is_an_optional_field(tmp_path):
    """config `ar` (and the array ar.weight) only in a file with the skip; it forecasts the same after loading."""
    t = np.arange(160.0)
    prices = 100 + 10 * np.sin(t / 4) + 0.1 * t
    cfg = dict(window=12, hidden=4, epochs=3, dtype="float64")
    plain = Forecaster(modelfile.TrainConfig(**cfg)).fit(prices)
    assert "ar" not in plain.info.to_dict()["config"] and engine.AR_WEIGHT not in plain.params  # as before the skip
    skip = Forecaster(modelfile.TrainConfig(**cfg, ar=6)).fit(prices)
    assert skip.params[engine.AR_WEIGHT].shape == (1, 6) and skip.params[engine.AR_WEIGHT].any()  # it learnt
    assert skip.info.to_dict()["config"]["ar"] == 6
    loaded = Forecaster.load(skip.save(tmp_path / "ar.npz"))
    assert loaded.config.ar == 6
    np.testing.assert_array_equal(loaded.predict(5).values, skip.predict(5).values)
    assert not np.array_equal(loaded.predict(5).values, plain.predict(5).values)
    meta = modelfile.load(tmp_path / "ar.npz")[1]
    params = {k: v for k, v in loaded.params.items() if k != engine.AR_WEIGHT}
    with pytest.raises(ModelFileError, match=re.escape("missing ar.weight")):
        modelfile.read(modelfile.save(tmp_path / "bad.npz", params, meta))
    with pytest.raises(ModelFileError, match=re.escape("array ar.weight has shape (1, 6), its metadata says (1, 13)")):
        modelfile.read(
            modelfile.save(tmp_path / "bad.npz", loaded.params, {**meta, "config": {**meta["config"], "ar": 13}})
        )
