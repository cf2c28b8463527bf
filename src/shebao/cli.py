"""The ``shebao`` console command: Django's management with the project's settings preset.

``shebao catalog load PATH`` is ``manage.py catalog load PATH``; every Django command works too.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shebao.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["shebao", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
