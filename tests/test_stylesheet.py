"""The stylesheet is one file many branches append to; an unclosed block silently swallows every
rule after it (a lost `}` once hid the dark palette and the phone header). Guard its shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SHEETS = sorted((Path(__file__).resolve().parent.parent / "static" / "css").glob("*.css"))


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda p: p.name)
def test_every_block_is_closed_where_it_should_be(sheet):
    text = re.sub(
        r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), sheet.read_text(), flags=re.S
    )
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"{sheet.name}:{number}: a '}}' closes nothing"
        # A rule written flush left starts at the top level: nothing may still be open.
        if re.match(r"[.#a-z:\[*]", line) and "{" in line and depth > 1:
            pytest.fail(f"{sheet.name}:{number}: a rule starts inside an unclosed block")
    assert depth == 0, f"{sheet.name}: {depth} block(s) never closed"
