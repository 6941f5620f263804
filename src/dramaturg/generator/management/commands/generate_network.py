"""`dramaturg generate-network --schools N --years Y [--seed S]`: a synthetic national network
(docs/generator.md). Also callable as `generate_network`, Django's own spelling."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Build a synthetic network of N schools (boards of 5 to 80 schools, staff, teams, "
        "Y school years of rounds with answers, cards, library, conversations, repertoire) "
        "in bulk. For benchmarks and trials: never on a production database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schools", type=int, required=True, help="number of schools")
        parser.add_argument("--years", type=int, default=2, help="school years of rounds")
        parser.add_argument("--seed", type=int, default=2026, help="seed of every random draw")
        parser.add_argument(
            "--prefix", default="gen", help="start of every generated slug (default: gen)"
        )

    def handle(self, *args, **options) -> None:
        # Imported here: the generator is never part of a running application.
        from dramaturg.generator.network import GeneratorError, generate

        begun = time.perf_counter()

        def progress(line: str) -> None:
            self.stdout.write(f"  {line}")
            self.stdout.flush()

        self.stdout.write(
            f"Generating {options['schools']:,} schools, {options['years']} school years, "
            f"seed {options['seed']}"
        )
        try:
            report = generate(
                options["schools"],
                options["years"],
                options["seed"],
                prefix=options["prefix"],
                progress=progress,
            )
        except GeneratorError as error:
            raise CommandError(str(error)) from error
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(f"Done in {time.perf_counter() - begun:.1f} s.")
