"""The `dramaturg` console command: Django's management commands with our settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dramaturg.config.settings")
    from django.core.management import execute_from_command_line

    # Named "dramaturg" in usage and errors also when run as `python -m dramaturg`.
    execute_from_command_line(["dramaturg", *sys.argv[1:]])


if __name__ == "__main__":
    main()
