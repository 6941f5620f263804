"""`dramaturg analyze FILE --items A,B,C --options N [--group COLUMN] ...`: a scale's
team-level figures as JSON, for researchers and for our own checks against R.

Reads a CSV or Excel file (see `dramaturg.surveys.analysis_input`) and prints what
`dramaturg.analysis.summarise` returns: per group among others n, n_complete (the complete
cases that rwg(j), r*wg(j) and alpha rest on), rwg_j and rwg_j_lindell. Any bad input ends
the command with exit code 1 and one line on stderr; a bad argument with exit code 2 and
one line. `--options` is required: the number of options changes rwg(j), and guessing it
from the largest answer seen was wrong whenever nobody chose the top option.

The message for a missing `--options` is in the user's language: the first of the
environment's LANGUAGE, LC_ALL, LC_MESSAGES and LANG that names Dutch or English (as
gettext reads them), otherwise the site's default (Dutch).
"""

from __future__ import annotations

import json
import os
from typing import Any

from django.conf import settings as django_settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from dramaturg.analysis import summarise
from dramaturg.surveys.analysis_input import InputError, check_settings, read_answers, split_names


class Command(BaseCommand):
    help = (
        "Scale score, alpha, omega, item-rest correlations, ICC(1) with its interval, ICC(2) "
        "and per group rwg(j), r*wg(j), the random-group baseline and alpha of the answers in "
        "a CSV or Excel (.xlsx) file, one row per respondent, printed as JSON."
    )
    # Reads a file, never the database: no system checks, no migrations needed.
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # A usage error is one line too ("dramaturg analyze: error: ..."); --help has the rest.
        parser.print_usage = lambda file=None: None  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
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

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(user_language()):
            self._analyze(options)

    def _analyze(self, options: dict[str, Any]) -> None:
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
            raise CommandError(str(error)) from None
        self.stdout.write(to_json(result))


def user_language(environ: dict[str, str] | None = None) -> str:
    """The language of the person at the command line: the first of LANGUAGE, LC_ALL,
    LC_MESSAGES and LANG that names a language we have ("nl_NL.UTF-8" -> "nl"), else the
    site's default. "C" and "POSIX" name none."""
    environ = dict(os.environ) if environ is None else environ
    known = {code for code, _name in django_settings.LANGUAGES}
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        # LANGUAGE may list several ("nl:en"); the others hold one locale.
        for entry in environ.get(variable, "").split(":"):
            code = entry.split(".")[0].split("_")[0].split("@")[0].lower()
            if code in known:
                return code
    return django_settings.LANGUAGE_CODE


def to_json(result: dict[str, Any]) -> str:
    """The result as JSON with one line per top-level key and one line per group."""

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)

    lines = []
    for key, value in result.items():
        if key == "groups" and value:
            text = "[\n" + ",\n".join(f"    {dump(group)}" for group in value) + "\n  ]"
        else:
            text = dump(value)
        lines.append(f"  {dump(key)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}"
