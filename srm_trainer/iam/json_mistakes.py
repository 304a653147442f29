"""The likely mistake behind a JSON syntax error, said in a learner's words.

Python's decoder says where it stopped and what it expected there, which is often not where the
mistake is: a comma missing at the end of line 15 is reported as "Expecting ',' delimiter" at
the first key of line 16, a line with nothing wrong on it; a comma after the last item is
"Expecting property name enclosed in double quotes" (or "Expecting value"), two commas in a row
"Expecting value" at the second, and text that ends
before its last } as "Expecting ',' delimiter" on an empty line. `likely_mistake` adds the
sentence that names the mistake and its line; every reader of typed JSON (the sandbox's policies
and case files, the labs, quiz answers, the admin) puts it after the decoder's own message, whose
line and column stay as they were (the place the decoder stopped).
"""

from __future__ import annotations

import json
import re

_SPACE = " \t\n\r"
_BARE_NAME = re.compile(
    r"[A-Za-z_][A-Za-z0-9_]{0,39}(?::[A-Za-z0-9_]{1,40})?"
)  # Effect, aws:SourceIp


def likely_mistake(exc: json.JSONDecodeError) -> str:
    """One sentence naming the common mistake that explains `exc` (with a leading space), or ""
    when none of them clearly does."""
    text, pos, msg = exc.doc, exc.pos, exc.msg
    if not isinstance(text, str) or not text.strip():
        return ""
    at = text[pos] if pos < len(text) else ""
    before = len(text[:pos].rstrip(_SPACE)) - 1  # the last character that is not white space
    previous = text[before] if before >= 0 else ""
    if not text[pos:].strip(_SPACE) and msg.startswith(
        ("Expecting ',' delimiter", "Expecting value")
    ):
        return " The text ends before every { and [ in it is closed."
    if at and at in "}]" and previous == ",":
        return (
            f" JSON takes no comma after the last item: remove the one at the end of line "
            f"{_line(text, before)}."
            if _line(text, before) != exc.lineno
            else f" JSON takes no comma after the last item: remove the one before the {at}."
        )
    if at == "," and previous == "," and msg.startswith(("Expecting value", "Expecting property")):
        return f" Two commas in a row: remove one of them on line {exc.lineno}."
    if at == "'" and msg.startswith(("Expecting property name", "Expecting value")):
        return ' JSON strings and names take double quotes ("), not single ones.'
    bare = _BARE_NAME.match(text, pos)
    if bare and msg.startswith("Expecting property name"):
        return f' JSON names take double quotes: "{bare.group(0)}", not {bare.group(0)}.'
    if msg.startswith("Expecting ',' delimiter") and _line(text, before) < exc.lineno:
        return f" Is a comma missing at the end of line {_line(text, before)}?"
    if msg.startswith("Extra data"):
        return " There is more after the end of the JSON: a } too many, or a second value."
    return ""


def with_place(message: str, line: int | None, column: int | None) -> str:
    """`message` with its place in brackets after its first sentence, for the readers that say
    the place after the words: "Invalid JSON: Expecting ',' delimiter (line 4, column 5). Is a
    comma missing at the end of line 3?" (the likely mistake last, not the place)."""
    where = "" if line is None else f" (line {line}, column {column})"
    first, _, rest = message.partition(". ")
    if rest:
        return f"{first}{where}. {rest}"
    return f"{message.rstrip('.')}{where}."


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
