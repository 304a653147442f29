#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srm_trainer.settings")
    from django.core.management import execute_from_command_line

    from srm_trainer.env import ConfigError

    try:
        execute_from_command_line(sys.argv)
    except ConfigError as exc:
        # A variable set wrong: its message says which and what it takes; a traceback of the
        # settings module would only bury it (README.md, Configuration).
        sys.exit(f"Configuration error: {exc}")


if __name__ == "__main__":
    main()
