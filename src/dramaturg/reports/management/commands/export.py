"""`dramaturg export round ROUND_ID --format results_xlsx [--language nl|en] [--output FILE]`:
write an export to a file, through the same registry as the download links.

This is a tool for whoever runs the server, so it needs no account; what it writes is what
a facilitator of the school downloads, with the same suppression. An unknown kind, format or
object ends the command with one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dramaturg.reports import exporters


class Command(BaseCommand):
    help = "Write an export (for example a round's results workbook) to a file."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # A usage error is one line too ("dramaturg export: error: ..."); --help has the rest.
        parser.print_usage = lambda file=None: None  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(exporters.KINDS), help="what to export")
        parser.add_argument("object_id", type=int, metavar="ID", help="the id of the object")
        parser.add_argument(
            "--format",
            required=True,
            metavar="KEY",
            help="the exporter: " + ", ".join(sorted(exporters.EXPORTERS)),
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help=f"the language of the file (default: {settings.LANGUAGE_CODE})",
        )
        parser.add_argument(
            "--output", metavar="FILE", help="where to write (default: a name from the object)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind, key = options["kind"], options["format"]
        exporter = exporters.find(kind, key)
        if exporter is None:
            known = ", ".join(e.key for e in exporters.exporters_for(kind)) or "none"
            raise CommandError(f"unknown format {key!r} for a {kind} (known: {known})")
        model = apps.get_model(exporters.KINDS[kind])
        obj = model.objects.filter(pk=options["object_id"]).first()
        if obj is None:
            raise CommandError(f"there is no {kind} with id {options['object_id']}")
        language = options["language"]
        path = Path(options["output"] or exporter.filename(obj, language))
        try:
            path.write_bytes(exporter.render(obj, language))
        except OSError as error:
            raise CommandError(f"cannot write {path}: {error.strerror}") from None
        self.stdout.write(str(path))
