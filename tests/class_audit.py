"""Which classes the pages set, and which the stylesheets draw: read by
tests/test_stylesheet_classes.py, so a class meant to show a state (a check's "Not ready to save",
a message's kind) cannot again be set by a template and drawn by no rule, as plain text.

Plain functions over the source files (templates, Python that writes HTML, CSS); nothing here
runs when the site serves a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

WILD = "\x00"  # where a value is only known when the page is drawn ({{ x }}, {} in Python)

_TAG = re.compile(r"(\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\})", re.S)
_CLASS_ATTR = re.compile(r"""\bclass=(["'])""")
_SELECTOR_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


@dataclass(frozen=True)
class Use:
    """A class a page may set: `name` whole, or, when part of it is only known when the page is
    drawn (`decision-{{ analysis.decision|lower }}`), `name` is the known start and `prefix` is
    True."""

    name: str
    prefix: bool
    where: str


def selector_classes(css: str) -> set[str]:
    """Every class a selector of `css` names (in any rule, inside @media and @supports too)."""
    found: set[str] = set()
    prelude = ""
    for ch in _CSS_COMMENT.sub("", css):
        if ch == "{":
            if not prelude.lstrip().startswith("@"):
                found.update(_SELECTOR_CLASS.findall(prelude))
            prelude = ""
        elif ch in "};":
            prelude = ""
        else:
            prelude += ch
    return found


def _attr_values(text: str) -> Iterator[str]:
    """The raw values of class="..." in a template, a template tag inside counted as one piece
    (its own quotes do not end the value)."""
    for match in _CLASS_ATTR.finditer(text):
        quote, i, value = match.group(1), match.end(), []
        while i < len(text) and text[i] != quote:
            if text.startswith(("{%", "{{", "{#"), i):
                end = text.find({"{%": "%}", "{{": "}}", "{#": "#}"}[text[i : i + 2]], i) + 2
                value.append(text[i:end])
                i = end
            else:
                value.append(text[i])
                i += 1
        yield "".join(value)


def _expand(pieces: list[str]) -> list[str]:
    """The values a class attribute's template can draw: each {% if %} block's branches (and
    none of them, for an if without else), each {{ }} and other tag a wildcard."""
    out = [""]
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        if piece.startswith("{%") and piece[2:].split()[0:1] == ["if"]:
            branches, current, depth, has_else = [], [], 0, False
            i += 1
            while i < len(pieces):
                word = pieces[i][2:].split()[0:1] if pieces[i].startswith("{%") else []
                if word == ["if"]:
                    depth += 1
                elif word == ["endif"]:
                    if depth == 0:
                        break
                    depth -= 1
                if depth == 0 and word in (["elif"], ["else"]):
                    branches.append(current)
                    current = []
                    has_else = has_else or word == ["else"]
                else:
                    current.append(pieces[i])
                i += 1
            branches.append(current)
            if not has_else:
                branches.append([])
            alternatives = [v for b in branches for v in _expand(b)]
            out = [o + a for o in out for a in alternatives]
        elif piece.startswith("{#"):
            pass
        elif piece.startswith(("{{", "{%")):
            out = [o + WILD for o in out]
        else:
            out = [o + piece for o in out]
        i += 1
    return out


def _uses_of(value: str, where: str) -> Iterator[Use]:
    pieces = [p for p in _TAG.split(value) if p]
    for drawn in _expand(pieces):
        for token in drawn.split():
            if WILD in token:
                start = token.split(WILD, 1)[0]
                if start:  # a class wholly unknown ({{ classes }}) names nothing to check
                    yield Use(start, True, where)
            elif re.fullmatch(r"-?[_a-zA-Z][\w-]*", token):
                yield Use(token, False, where)


def template_uses(root: Path) -> Iterator[Use]:
    """Every class the templates under `root` may set."""
    for path in sorted(root.rglob("*.html")):
        where = str(path.relative_to(root))
        for value in _attr_values(path.read_text(encoding="utf-8")):
            yield from _uses_of(value, where)


_PY_CLASS = re.compile(r"""class=\\?(["'])(.*?)\\?\1""")


def python_uses(paths: Iterable[Path], root: Path) -> Iterator[Use]:
    """Every class Python writes into HTML as a literal `class="..."` (format_html, f-strings):
    a `{}` or `{name}` in it is a wildcard."""
    for path in paths:
        where = str(path.relative_to(root))
        for match in _PY_CLASS.finditer(path.read_text(encoding="utf-8")):
            value = re.sub(r"\{[^{}]*\}", WILD, match.group(2))
            for token in value.split():
                if WILD in token:
                    start = token.split(WILD, 1)[0]
                    if start:
                        yield Use(start, True, where)
                elif re.fullmatch(r"-?[_a-zA-Z][\w-]*", token):
                    yield Use(token, False, where)


def drawn(use: Use, styled: set[str]) -> bool:
    """Whether a rule draws the class (or, for a class known by its start, some class it may
    be)."""
    if use.prefix:
        return any(name.startswith(use.name) for name in styled)
    return use.name in styled
