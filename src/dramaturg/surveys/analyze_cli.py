"""`dramaturg analyze` without Django: what the command does, and a way to run it that
skips `django.setup()`.

Starting Django (settings, every app, their models and signals) costs about a second and
the command needs none of it: it reads a file and prints JSON. So `dramaturg.__main__`
hands `dramaturg analyze ...` to `main` here when every option on the line is one of the
command's own; anything else (--help, --settings, --traceback, an unknown option) goes to
Django's management command (`surveys/management/commands/analyze.py`), which shares the
arguments, the work and the output below and so behaves the same.

Nothing here imports Django, and this module imports only the standard library when it is
loaded: numpy, pyarrow and the analysis come in when the command runs. Messages are
translated with the standard library's gettext from the same compiled catalogues Django
uses (`dramaturg/locale`).
"""

from __future__ import annotations

import argparse
import gettext
import json
import os
import sys
from pathlib import Path
from typing import Any

# The site's languages and default (config/settings.py: LANGUAGES, LANGUAGE_CODE); a test
# keeps the two in step.
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
PROG = "dramaturg analyze"

HELP = (
    "Scale score, alpha, omega, item-rest correlations, ICC(1) with its interval, ICC(2) "
    "and per group rwg(j), r*wg(j), the random-group baseline and alpha of the answers in "
    "a CSV or Excel (.xlsx) file, one row per respondent, printed as JSON."
)
# The command's own options: a line with any other option goes to Django.
OWN_OPTIONS = frozenset(
    {"--items", "--group", "--options", "--reverse", "--min-items", "--threshold"}
)


class CommandFailed(Exception):
    """The analysis cannot run; the message is one line in the user's language."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a .csv (, or ;) or .xlsx file")
    parser.add_argument(
        "--items", required=True, metavar="A,B,C", help="the item columns, comma-separated"
    )
    parser.add_argument("--group", metavar="COLUMN", help="the column with the group label")
    parser.add_argument(
        "--options",
        type=int,
        metavar="N",
        help="answers run from 1 to N (required: it is never guessed from the answers)",
    )
    parser.add_argument(
        "--reverse", default="", metavar="A,C", help="items to reverse key: (N + 1) - x"
    )
    parser.add_argument(
        "--min-items",
        type=int,
        metavar="K",
        help="answered items needed for a scale score (default: all items)",
    )
    parser.add_argument(
        "--threshold",
        type=int,
        default=5,
        metavar="T",
        help="groups with fewer scored respondents are suppressed (default: 5)",
    )


def analyze(options: dict[str, Any], translate: Any) -> str:
    """The JSON the command prints; raises CommandFailed with the message translated by
    `translate` (a gettext function)."""
    # Imported here, so that `dramaturg --help` and the Django path load them only when used.
    from dramaturg.analysis import summarise
    from dramaturg.surveys.analysis_input import (
        InputError,
        check_settings,
        read_answers,
        split_names,
    )

    try:
        answers = read_answers(options["file"], split_names(options["items"]), options["group"])
        settings = check_settings(
            answers,
            options=options["options"],
            reverse=split_names(options["reverse"]),
            min_items=options["min_items"],
            threshold=options["threshold"],
        )
        result = summarise(
            answers.items,
            answers.groups,
            item_names=answers.item_names,
            options=settings.options,
            reverse=settings.reverse,
            min_items=settings.min_items,
            threshold=settings.threshold,
        )
    except (InputError, ValueError) as error:  # ValueError: summarise's own checks
        raise CommandFailed(translate(str(error))) from None
    return to_json(result)


def user_language(
    environ: dict[str, str] | None = None,
    known: tuple[str, ...] | list[str] = LANGUAGES,
    default: str = DEFAULT_LANGUAGE,
) -> str:
    """The language of the person at the command line: the first of LANGUAGE, LC_ALL,
    LC_MESSAGES and LANG that names a language we have ("nl_NL.UTF-8" -> "nl"), else the
    site's default. "C" and "POSIX" name none."""
    environ = dict(os.environ) if environ is None else environ
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        # LANGUAGE may list several ("nl:en"); the others hold one locale.
        for entry in environ.get(variable, "").split(":"):
            code = entry.split(".")[0].split("_")[0].split("@")[0].lower()
            if code in known:
                return code
    return default


def to_json(result: dict[str, Any]) -> str:
    """The result as JSON with one line per top-level key and one line per group."""

    # One encoder for every value: json.dumps with options builds a new one per call, which
    # costs more than the encoding itself over 16,000 groups.
    dump = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode

    lines = []
    for key, value in result.items():
        if key == "groups" and value:
            text = "[\n" + ",\n".join(f"    {dump(group)}" for group in value) + "\n  ]"
        else:
            text = dump(value)
        lines.append(f"  {dump(key)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}"


def handles(args: list[str]) -> bool:
    """Whether `main` runs these arguments exactly as Django's command would: only when
    every option is written out in full and is one of the command's own."""
    return all(not arg.startswith("-") or arg.split("=", 1)[0] in OWN_OPTIONS for arg in args)


class _Parser(argparse.ArgumentParser):
    def print_usage(self, file: Any = None) -> None:
        # A usage error is one line, as in Django's command ("dramaturg analyze: error: ...").
        pass


def main(args: list[str]) -> int:
    """Runs `dramaturg analyze ARGS` and returns the exit code: 0, 1 for bad input (one
    line on stderr, as Django's "CommandError: ..."), 2 for a bad argument."""
    parser = _Parser(prog=PROG, description=HELP, add_help=False)
    add_arguments(parser)
    options = vars(parser.parse_args(args))  # exits with 2 and one line on a bad argument
    catalogue = gettext.translation(
        "django", LOCALE_DIR, languages=[user_language()], fallback=True
    )
    try:
        output = analyze(options, catalogue.gettext)
    except CommandFailed as error:
        sys.stderr.write(f"CommandError: {error}\n")
        return 1
    sys.stdout.write(output + "\n")
    return 0
