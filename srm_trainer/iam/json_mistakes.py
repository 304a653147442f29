"""What is wrong with a JSON text that does not parse, in a learner's words: the one wording
every JSON box of the site uses (the sandbox, the labs, quiz answers, the question editors,
imports, the admin, the CLIs).

Python's decoder says where it stopped and what it expected there, which is often not where the
mistake is: a comma missing at the end of line 15 is reported as "Expecting ',' delimiter" at
the first key of line 16, a line with nothing wrong on it; a comma after the last item is
"Expecting property name enclosed in double quotes" (or "Expecting value"), two commas in a row
"Expecting value" at the second, and text that ends
before its last } as "Expecting ',' delimiter" on an empty line, as is a } that closes an
object while a [ is still open (`{"a": [1}`; a comma there would not help). `likely_mistake` names the
mistake and its line; `syntax_words` says it, or else what the decoder expected there in plain
words (never Python's "Expecting ',' delimiter"); `located` puts the place first, the same way
in every box: "Web ACL, line 16, column 11: A comma is probably missing at the end of line 15."
The line and column stay the decoder's (where it stopped): an editor marks that place.
"""

from __future__ import annotations

import json
import re

_SPACE = " \t\n\r"
_BARE_NAME = re.compile(
    r"[A-Za-z_][A-Za-z0-9_]{0,39}(?::[A-Za-z0-9_]{1,40})?"
)  # Effect, aws:SourceIp


def likely_mistake(exc: json.JSONDecodeError) -> str:
    """One sentence naming the common mistake that explains `exc`, or "" when none of them
    clearly does."""
    text, pos, msg = exc.doc, exc.pos, exc.msg
    if not isinstance(text, str) or not text.strip():
        return ""
    at = text[pos] if pos < len(text) else ""
    before = len(text[:pos].rstrip(_SPACE)) - 1  # the last character that is not white space
    previous = text[before] if before >= 0 else ""
    if not text[pos:].strip(_SPACE) and msg.startswith("Expecting"):  # `{`, `{"a"`, `[1,`
        return "The text ends before every { and [ in it is closed."
    if at and at in "}]" and previous == ",":
        return (
            f"JSON takes no comma after the last item: remove the one at the end of line "
            f"{_line(text, before)}."
            if _line(text, before) != exc.lineno
            else f"JSON takes no comma after the last item: remove the one before the {at}."
        )
    if at == "," and previous == "," and msg.startswith(("Expecting value", "Expecting property")):
        return f"Two commas in a row: remove one of them on line {exc.lineno}."
    if at == "'" and msg.startswith(("Expecting property name", "Expecting value")):
        return 'JSON strings and names take double quotes ("), not single ones.'
    bare = _BARE_NAME.match(text, pos)
    if bare and msg.startswith("Expecting property name"):
        return f'JSON names take double quotes: "{bare.group(0)}", not {bare.group(0)}.'
    if msg.startswith("Expecting ',' delimiter") and at in ("}", "]"):
        # The decoder wants "," only where this bracket does not close what is open: a } met
        # inside a list, a ] inside an object. A comma there would not help; a closing is missing.
        needed, opened = ("]", "[") if at == "}" else ("}", "{")
        return (
            f"A {needed} is probably missing before this {at}: the last {opened} opened is "
            f"still open."
        )
    if msg.startswith("Expecting ',' delimiter") and _line(text, before) < exc.lineno:
        return f"A comma is probably missing at the end of line {_line(text, before)}."
    if msg.startswith("Extra data"):
        return "There is more after the end of the JSON: a } too many, or a second value."
    return ""


# What the decoder expected where it stopped, for a mistake `likely_mistake` does not name.
_PLAIN = {
    "Expecting property name enclosed in double quotes": (
        "Expected a name in double quotes here (JSON takes no comma before } and no single quotes)."
    ),
    "Expecting ',' delimiter": "Expected a comma between two items here.",
    "Expecting ':' delimiter": "Expected a colon after the name.",
    "Expecting value": "Expected a value here: a string in double quotes, a number, true, "
    "false, null, a list or an object (JSON takes no comma before ] or }).",
    "Extra data": "There is more text after the end of the JSON.",
    "Unterminated string starting at": "This string has no closing double quote.",
    "Invalid control character at": "A string holds a control character (a line break, a "
    "tab or an invisible one such as NUL): write it as \\n, \\t or \\u0000.",
    "Unexpected UTF-8 BOM": "The text starts with an invisible byte-order mark (U+FEFF), "
    "which JSON does not allow: delete the first character.",
    "Invalid \\escape": "This backslash escape is not one JSON knows.",
}


def syntax_words(exc: json.JSONDecodeError) -> str:
    """What is wrong, without its place: the likely mistake when one explains `exc`, else what
    the decoder expected where it stopped, in plain words."""
    if isinstance(exc.doc, str) and not exc.doc.strip():
        return "The text is empty: write a JSON value, such as {} for an object."
    mistake = likely_mistake(exc)
    if mistake:
        return mistake
    for start, words in _PLAIN.items():
        if exc.msg.startswith(start):
            return words
    return f"{exc.msg[:1].upper()}{exc.msg[1:]}."  # pragma: no cover - json has no other message


def located(message: str, line: int | None, column: int | None, where: str = "") -> str:
    """`message` with its place first, as every JSON box says it: "Line 4, column 5: ...", or
    after the box's name, "Web ACL, line 4, column 5: ..."; `message` alone (after `where`)
    when it has no place."""
    if line is None:
        return f"{where}: {message}" if where else message
    place = f"line {line}, column {column}" if column else f"line {line}"
    if where:
        return f"{where}, {place}: {message}"
    return f"{place[:1].upper()}{place[1:]}: {message}"


_PLACED = re.compile(r"Line \d")


def named_by(where: str, message: str) -> str:
    """`message` named by its box (`where`) in a list away from it: "Reference solution, line 1,
    column 41: ..." for a message placed by `located` ("Line 1, column 41: ..."), as every
    JSON box names a mistake, where "where: Line 1, ..." put two forms side by side in one
    list; "where: message" for any other."""
    if _PLACED.match(message):
        return f"{where}, {message[:1].lower()}{message[1:]}"
    return f"{where}: {message}"


def said(exc: json.JSONDecodeError, where: str = "") -> str:
    """A syntax error as a JSON box says it: `syntax_words` at its place (`located`)."""
    return located(syntax_words(exc), exc.lineno, exc.colno, where)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
