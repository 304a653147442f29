"""README's Configuration table names every environment variable the app and gunicorn.conf.py
read, and nothing they do not: an operator reads the table, not the settings module."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

# A variable read: env_bool("NAME", ...), checked(env_int, "NAME", ...), os.environ.setdefault(
# "NAME", ...) (the settings give IAM_CATALOG_CACHE_DIR its development default).
READ = re.compile(
    r"""(?:env_\w+\(|checked\(env_\w+,|environ\.(?:get|setdefault)\()\s*"([A-Z][A-Z0-9_]+)\""""
)
SOURCES = ["srm_trainer/settings.py", "gunicorn.conf.py"]
NOT_OPERATORS = {"DJANGO_SETTINGS_MODULE"}


def _read() -> set[str]:
    names = set()
    for source in SOURCES:
        names |= set(READ.findall((ROOT / source).read_text()))
    return names - NOT_OPERATORS


def _table() -> list[str]:
    """The names in the first column of README's Configuration table (`<GROUP>` as written)."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names = []
    for line in section.splitlines():
        if line.startswith("| `"):
            names += re.findall(r"`([A-Z][A-Z0-9_<>]+)`", line.split(" | ")[0])
    return names


def test_every_variable_read_is_in_the_table_and_every_row_is_read():
    read, table = _read(), _table()
    patterns = [re.compile(re.sub(r"<[A-Z]+>", "[A-Z]+", name) + "$") for name in table]
    assert sorted(n for n in read if not any(p.match(n) for p in patterns)) == []
    assert [
        name for name, p in zip(table, patterns, strict=True) if not any(map(p.match, read))
    ] == []
    assert len(read) > 30  # the pattern above still finds the reads
