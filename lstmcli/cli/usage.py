"""Typer's usage errors (an unknown option, an extra argument, a bad value) as one LstmError each.

Typer prints them in a Rich box of four lines; lstm prints every user mistake as one `Error:`
line with a fix. The closest option is named for a typo (`--dyas` -> `--days`); a file given
where none is taken (`lstm predict data.csv`, `lstm inspect model.npz`) gets the option that
takes it. Click's exceptions are read by their attributes (Typer vendors Click; do not import it).
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import PurePath

from lstmcli.errors import LstmError

#: which option takes a file of this kind, per verb (a verb without an entry takes its file as an argument)
FILE_OPTIONS = {
    "predict": {".csv": "--data", ".tsv": "--data", ".txt": "--data", ".xlsx": "--data", ".npz": "--model"},
    "inspect": {".csv": "--data", ".tsv": "--data", ".txt": "--data", ".xlsx": "--data", ".npz": "--model"},
    "train": {".npz": "--model"},
    "backtest": {},
}


def usage_error(e, args: list[str] | None = None) -> LstmError:
    """The LstmError (message and hint) for a Click UsageError `e`; `args` the command line (default: sys.argv's)."""
    ctx = getattr(e, "ctx", None)
    command = ctx.command_path if ctx is not None else "lstm"
    verb = ctx.info_name if ctx is not None else None
    if ctx is None and getattr(e, "option_name", None):  # a verb's option told without its context (a value
        # missing at the end: `lstm predict --days`): name the verb, whose --help lists the option
        said = next((a for a in (sys.argv[1:] if args is None else args) if a in FILE_OPTIONS), None)
        if said is not None:
            command, verb = f"lstm {said}", said
    help_hint = f"see {command} --help"
    kind = type(e).__name__
    if kind == "NoSuchOption":
        name = e.option_name
        options = _options(ctx)
        close = difflib.get_close_matches(name, options, n=1, cutoff=0.6) or difflib.get_close_matches(
            name, list(getattr(e, "possibilities", None) or []), n=1, cutoff=0.0
        )
        hint = f"did you mean {close[0]}? See {command} --help" if close else help_hint
        return LstmError(f"{command}: unknown option {name}", hint=hint)
    message = e.format_message().strip()
    if message.startswith("Got unexpected extra argument"):
        found = re.search(r"\(([^()]*)\)\s*$", message)
        extra = found.group(1) if found else ""
        first = extra.split()[0] if extra.split() else extra
        option = FILE_OPTIONS.get(verb or "", {}).get(PurePath(first).suffix.lower())
        if option is not None:
            return LstmError(
                f"{command} takes no file argument (got {first})",
                hint=f"give it as {option} {first}: {command} {option} {first}",
            )
        return LstmError(f"{command}: unexpected argument {extra}", hint=help_hint)
    if kind == "NoSuchCommand" or message.startswith("No such command"):
        word = message.split("'")[1] if message.count("'") >= 2 else ""
        verbs = sorted(getattr(ctx.command, "commands", {}) or {}) if ctx is not None else []
        close = difflib.get_close_matches(word, verbs, n=1, cutoff=0.5)
        hint = f"did you mean lstm {close[0]}? The" if close else "the"
        return LstmError(f"no command {word!r}", hint=f"{hint} commands are: {', '.join(verbs)}")
    return LstmError(f"{command}: {message[:1].lower() + message[1:]}", hint=help_hint)


def _options(ctx) -> list[str]:
    """Every option name (long and short, --x and --no-x) of the context's command."""
    if ctx is None:
        return []
    names = []
    for p in ctx.command.params:
        names += [*getattr(p, "opts", []), *getattr(p, "secondary_opts", [])]
    names += list(ctx.help_option_names)
    return [n for n in names if n.startswith("-")]


_ONE_DASH_WORD = re.compile(r"^-[A-Za-z][A-Za-z0-9-]+$")


def one_dash_long_option(args: list[str], group) -> LstmError | None:
    """`-days 5`: a long option written with one dash, as an LstmError naming `--days`; else None.

    Click reads `-days` as `-d ays` ("'ays' is not a valid int") and `-output f.csv` as `-o utput`
    plus a stray argument; the user meant the long option. Only a word that is a long option of
    the command (`--` + the word) is caught, so short options with values (`-d5`, `-o -`) pass.
    `group` is the Click group of the app (typer.main.get_command).
    """
    end = args.index("--") if "--" in args else len(args)
    words = [a for a in args[:end] if _ONE_DASH_WORD.match(a)]
    if not words:
        return None
    verb = next((a for a in args[:end] if not a.startswith("-")), None)
    command = getattr(group, "commands", {}).get(verb, group)
    longs = {n for p in command.params for n in [*getattr(p, "opts", []), *getattr(p, "secondary_opts", [])]}
    longs |= {"--help"}
    for word in words:
        if "-" + word in longs:
            path = "lstm" if command is group else f"lstm {verb}"
            return LstmError(f"{word}: a long option takes two dashes: -{word}", hint=f"see {path} --help")
    return None
