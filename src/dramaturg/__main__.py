"""The `dramaturg` console command: Django's management commands with our settings.

`dramaturg analyze ...` skips Django's start-up (about a second) when it can: see
`dramaturg.surveys.analyze_cli`.
"""

import os
import sys


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["analyze"]:
        from dramaturg.surveys import analyze_cli

        if analyze_cli.handles(args[1:]):
            sys.exit(analyze_cli.main(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dramaturg.config.settings")
    from django.core.management import execute_from_command_line

    # Named "dramaturg" in usage and errors also when run as `python -m dramaturg`.
    execute_from_command_line(["dramaturg", *sys.argv[1:]])


if __name__ == "__main__":
    main()
