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

The work is in `dramaturg.surveys.analyze_cli`, which the console command `dramaturg`
runs without starting Django; this command is the same work through Django (for
`call_command`, and for a line with one of Django's own options such as --traceback).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from dramaturg.surveys import analyze_cli
from dramaturg.surveys.analyze_cli import CommandFailed, to_json

__all__ = ["Command", "to_json", "user_language"]


class Command(BaseCommand):
    help = analyze_cli.HELP
    # Reads a file, never the database: no system checks, no migrations needed.
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # A usage error is one line too ("dramaturg analyze: error: ..."); --help has the rest.
        parser.print_usage = lambda file=None: None  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        analyze_cli.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(user_language()):
            try:
                output = analyze_cli.analyze(options, translation.gettext)
            except CommandFailed as error:
                raise CommandError(str(error)) from None
        self.stdout.write(output)


def user_language(environ: dict[str, str] | None = None) -> str:
    """The language of the person at the command line (see `analyze_cli.user_language`),
    among the site's languages."""
    known = [code for code, _name in django_settings.LANGUAGES]
    return analyze_cli.user_language(environ, known, django_settings.LANGUAGE_CODE)
