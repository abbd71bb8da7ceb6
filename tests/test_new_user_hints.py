"""Hints a new user meets first: a typo's suggestion ends the line once, a missing model file names the
model files that are there (a typo of one, or the one trained with --model NAME)."""

from __future__ import annotations

import shutil

from conftest import REPO

MODEL = REPO / "tests" / "data" / "v1_undated_level.npz"


def test_a_question_in_an_error_line_is_not_followed_by_a_full_stop(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "daily_stock.csv").write_text("Date,Close\n2024-01-02,1\n")
    r = run("train", "daily_stok.csv")
    assert r.exit_code == 2, r
    assert r.stderr.strip() == "Error: daily_stok.csv: no such file. Did you mean daily_stock.csv?"


def test_a_missing_model_file_names_the_model_files_there(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("predict")  # nothing there: as before
    assert r.stderr.strip() == (
        "Error: no model file at lstm-model.npz. Train one first: lstm train prices.csv (or pass --model PATH)."
    )
    shutil.copy(MODEL, tmp_path / "seed-model.npz")  # trained with --model seed-model.npz
    for verb in ("predict", "inspect"):
        r = run(verb)
        assert r.exit_code == 2, r
        assert r.stderr.startswith(
            "Error: no model file at lstm-model.npz. Pass --model seed-model.npz (the model file in that folder), "
            "or train one first: lstm train prices.csv"
        ), r
    assert "lstm inspect --example" in r.stderr  # inspect's own way in stays in its hint
    r = run("predict", "--model", "seed-model.np")  # a typo
    assert r.stderr.strip() == (
        "Error: no model file at seed-model.np. Did you mean --model seed-model.npz? "
        "Else train one first: lstm train prices.csv."
    )
    shutil.copy(MODEL, tmp_path / "b.npz")
    r = run("predict")
    assert "The folder has b.npz, seed-model.npz: pass --model with one of them" in r.stderr, r
