"""`dramaturg analyze FILE --items A,B,C [--group COLUMN] ...`: a scale's team-level figures
as JSON, for researchers and for our own checks against R.

Reads a CSV or Excel file (see `dramaturg.surveys.analysis_input`) and prints what
`dramaturg.analysis.summarise` returns. Any bad input ends the command with exit code 1
and one line on stderr; a bad argument with exit code 2 and one line.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dramaturg.analysis import summarise
from dramaturg.surveys.analysis_input import InputError, check_settings, read_answers, split_names


class Command(BaseCommand):
    help = (
        "Scale score, alpha, omega, ICC(1), ICC(2) and per group rwg(j) and alpha of the "
        "answers in a CSV or Excel (.xlsx) file, one row per respondent, printed as JSON."
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
            help="answers run from 1 to N (default: the largest answer in the file)",
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
