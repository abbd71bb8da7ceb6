"""The command as a user meets it: help, version, errors, the seed example."""

from __future__ import annotations

import re

import pytest
from conftest import run_exe

from lstmcli.cli import app


def _commands() -> list[str]:
    import typer.main

    return sorted(typer.main.get_command(app).commands)


def test_version(run):
    from lstmcli import __version__

    r = run("--version")
    assert r.exit_code == 0 and r.stdout.strip() == f"lstm {__version__}"


def _docstring(command: str | None) -> str:
    import typer.main

    cmd = typer.main.get_command(app)
    return (cmd if command is None else cmd.commands[command]).callback.__doc__ or ""


def _words(text: str) -> str:
    """Text with Rich's box characters and line wrapping taken out: words separated by one space."""
    return " ".join(re.sub(r"[│─╭╮╰╯]", " ", text).split())


@pytest.mark.parametrize("command", [*_commands(), None])
def test_every_command_has_help_with_an_example(run, command):
    """`lstm CMD --help` shows the command's own summary line and its example, not just a usage line."""
    doc = _docstring(command)
    summary = doc.strip().splitlines()[0] if doc.strip() else ""
    assert summary, f"{command} has no docstring"
    examples = [line.strip() for line in doc.splitlines() if line.strip().startswith(("Example", "Start with"))]
    assert examples, f"{command}'s docstring has no Example: line"
    r = run(*([command] if command else []), "--help")
    assert r.exit_code == 0, r
    shown = _words(r.stdout)
    assert _words(summary) in shown, (summary, r.stdout)
    for line in examples:
        assert _words(line) in shown, (line, r.stdout)


def test_unknown_option_is_a_usage_error(run):
    r = run("inspect", "--exampel")
    assert r.exit_code == 2
    assert "--exampel" in r.stderr


def test_seed_example_prints_the_seeds_numbers(run):
    r = run("inspect", "--example")
    assert r.exit_code == 0, r
    out = r.stdout
    for text in [
        "1 x 2.70 + 1 x 1.63 + 1.62 = 5.95",
        "sigmoid -> 0.9974",
        "0.997",
        "2 x 0.9974 = 1.9948",
        "tanh -> 0.9661",
        "sigmoid -> 0.9862",
        "= 2.9476",
        "2.96 = its rounded 1.99 + 0.97",
        "= 0.9945",
        "sigmoid -> 0.9917",
        "0.9917 x 0.9945 = 0.9862",
        "0.98 = its rounded 0.99 x 0.99",
        "Forget gate".lower(),
        "long-term memory",
        "short-term memory",
    ]:
        assert text in out.lower() or text in out, text
    assert re.search(r"Final short-term memory 0\.006: the model predicts about 0 for company A", out)
    assert re.search(r"Final short-term memory 0\.969: the model predicts about 1 for company B", out)


def test_installed_command_runs_in_a_subprocess(lstm_exe):
    p = run_exe(lstm_exe, "inspect", "--example")
    assert p.returncode == 0, p.stderr
    assert b"5.95" in p.stdout and b"Traceback" not in p.stderr


def test_help_does_not_import_pandas():
    import subprocess
    import sys

    code = (
        "import sys\nfrom lstmcli.cli import app\nsys.argv=['lstm','--help']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\nassert 'pandas' not in sys.modules, 'pandas imported'"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


@pytest.mark.parametrize("command", _commands())
def test_option_help_brackets_survive_rich_markup(command):
    """Help text like "[default: lstm-model.npz]" or "lstmcli[plot]" must be shown, not eaten as Rich markup."""
    import typer.main
    from rich.markup import render

    cmd = typer.main.get_command(app).commands[command]
    eaten = []
    for param in cmd.params:
        text = getattr(param, "help", None) or ""
        shown = render(text).plain
        if shown != text.replace("\\[", "["):
            eaten.append(f"{param.name}: {text!r} shows as {shown!r}")
    assert not eaten, "\n".join(eaten)
