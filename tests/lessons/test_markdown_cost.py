"""The renderer's cheaper configuration (`lessons.markdown._parser`: one directive rule, no
raw-HTML or image rules, links tried three `[` deep) draws every shipped text exactly as the
full one did, and changes only what it means to for the texts built to be slow."""

from __future__ import annotations

import functools
import html
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_block.table import table
from mdit_py_plugins.container import container_plugin

from lessons import markdown as md_module
from lessons.markdown import (
    BOXES,
    _anchors,
    _pretty_json,
    _render_box,
    _render_check,
    _render_diagram,
    _scrollable_table,
    _table_end,
    _words,
    check_slugs,
    markdown_summary,
    render_markdown_uncached,
    summary_source,
)

CONTENT = Path(md_module.__file__).parent / "content"


def _full_parser() -> MarkdownIt:
    """The configuration before: commonmark with every rule, a container rule per name."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.block.ruler.at("table", md_module._bounded_table, {"alt": ["paragraph", "reference"]})
    md.core.ruler.push("anchor", _anchors)
    md.core.ruler.push("aligned_cells", md_module._aligned_cells)  # output, not cost
    for name in BOXES:
        container_plugin(md, name, render=_render_box)
    container_plugin(md, "diagram", render=_render_diagram)
    container_plugin(md, "check", render=_render_check)
    md.add_render_rule("fence", _pretty_json)
    md.add_render_rule("table_open", _scrollable_table)
    md.add_render_rule("table_close", _table_end)
    return md


def _drawn(text: str, md: MarkdownIt | None = None):
    """What a page shows of `text` (its checks are found by token type, which changed)."""
    rendered = render_markdown_uncached(text, md)
    return rendered.html, rendered.headings


def _yaml(text: str):
    return yaml.load(text, Loader=yaml.CSafeLoader)  # noqa: S506 - the safe loader, in C


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@functools.cache
def shipped_texts() -> tuple[str, ...]:
    """Every string in the course's files: lesson files whole and each YAML value (prompts,
    explanations, scenarios, glossary, SRM and compliance rows, lesson front matter). Read
    with libyaml's safe loader, as the curriculum's reader does (curriculum/readers.py; the
    pure-Python one gave the same values for every file, at ten times the cost), and once per
    process: two tests read them."""
    texts: list[str] = []
    for path in sorted(CONTENT.rglob("*")):
        if path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
            texts.append(text)
            if text.startswith("---\n"):
                front, _, body = text[4:].partition("\n---\n")
                texts.append(body)
                texts.extend(_strings(_yaml(front)))
        elif path.suffix == ".yaml":
            texts.extend(_strings(_yaml(path.read_text(encoding="utf-8"))))
    return tuple(t for t in dict.fromkeys(texts) if t.strip())


def test_every_shipped_text_renders_as_before():
    texts = shipped_texts()
    assert len(texts) > 1000  # the whole course was read, not one file
    full = _full_parser()
    changed = [
        t[:80]
        for t in texts
        if _drawn(t) != _drawn(t, full) or list(_words(t)) != list(_words(t, full))
    ]
    assert changed == []


@pytest.mark.parametrize(
    "text",
    [
        "See [the `[docs]`](https://docs.aws.amazon.com/) and [a [b] c](https://example.com/).",
        "[a [b [c](https://example.com/c) d] e](https://example.com/)",
        "::: note\nA [link](https://example.com/) in a box.\n:::\n\n::: check iam-mfa-1\n:::\n",
        "::: warning\n::: diagram srm-stack\n:::\n:::\n\n::: nobox\ntext\n:::\n",
        "| a | b |\n|---|:-:|\n| 1 | 2 |\n",
        "Title\n===\n\ntext <b>raw</b> <!-- c -->\n\n<div>\nraw block\n</div>\n",
    ],
)
def test_links_directives_tables_and_raw_html_read_as_before(text):
    assert _drawn(text) == _drawn(text, _full_parser())


def test_a_directive_is_one_rule_and_still_finds_checks_in_order():
    text = "::: check b-1\n:::\n\n::: key-points\n- x\n:::\n\n::: check a-2\n:::\n"
    assert check_slugs(text) == ("b-1", "a-2")
    assert render_markdown_uncached(text).checks == ("b-1", "a-2")


def test_an_image_reads_as_its_link_where_it_showed_nothing():
    """The sanitizer never allowed <img>: an image's words and address were lost."""
    text = "Look: ![the console](https://example.com/a.png) here."
    assert "the console" not in render_markdown_uncached(text, _full_parser()).html
    html = render_markdown_uncached(text).html
    assert '!<a href="https://example.com/a.png" rel="noopener noreferrer">the console</a>' in html


def test_brackets_nested_past_three_levels_in_a_link_are_text():
    """As markdown-it does past 20 (its `maxNesting`): the label is given up on."""
    deep = "[[[[x]]]](https://example.com/)"
    assert "<a " in render_markdown_uncached(deep, _full_parser()).html
    assert render_markdown_uncached(deep).html == f"<p>{deep}</p>\n"
    two = "[[[x]]](https://example.com/)"
    assert _drawn(two) == _drawn(two, _full_parser())


def test_the_table_rule_still_bounds_cells():
    assert md_module._bounded_table is not table
    text = "|a" * 250 + "\n" + "|-" * 250 + "\n" + "r\n" * 1000
    assert render_markdown_uncached(text).html.count("<td") <= md_module.MAX_TABLE_CELLS


def _cut(words, limit: int) -> str:
    """`markdown_summary`'s cut of a text's (piece, is code) words to `limit` characters."""
    out, left = [], limit
    for piece, is_code in words:
        if left <= 0:
            break
        cut = piece[:left] if len(piece) <= left else piece[: max(left - 1, 0)] + "…"
        left -= len(piece)
        out.append(f"<code>{html.escape(cut)}</code>" if is_code else html.escape(cut))
    return "".join(out)


def _whole_summary(text: str, limit: int, md: MarkdownIt) -> str:
    """`markdown_summary` as it was: every word of the whole text parsed, then cut."""
    return _cut(_words(text, md), limit)


def test_every_shipped_summary_reads_as_before():
    """The lists' limits (teach templates, the statistics page): reading only a text's start
    changes no summary of the course's texts, lesson bodies included. (A text short enough to
    be read whole has the same words as before: test_every_shipped_text_renders_as_before.)"""
    full = _full_parser()
    changed = []
    for text in shipped_texts():
        limits = [n for n in (40, 60, 80, 90, 200, 240, 300) if summary_source(text, n)[1]]
        if limits:
            words = list(_words(text, full))  # parsed once for every limit
            changed += [
                (n, text[:60]) for n in limits if markdown_summary(text, n) != _cut(words, n)
            ]
    assert changed == []


def test_a_summary_reads_only_the_start_of_a_long_text():
    prose = "word " * 2000
    assert summary_source(prose, 90)[0] == prose[: 90 * 4 + 400]
    lines = "a line of words\n" * 500
    start, cut_short = summary_source(lines, 90)
    assert cut_short and start.endswith("words") and len(start) <= 90 * 4 + 400
    assert markdown_summary(lines, 90) == _whole_summary(lines, 90, _full_parser())
    # Past the start, whatever the rest is, it is never read: a summary's cost has a ceiling.
    assert markdown_summary("Short. " + "[" * 50_000, 40) == "Short. " + "[" * 32 + "…"


def test_a_summary_of_mostly_marks_says_it_goes_on():
    text = "[x](https://example.com/" + "a" * 2000 + ")\n" * 3
    assert markdown_summary(text, 10).endswith("…")


@pytest.mark.parametrize(
    "text",
    [
        "[w](https://en.wikipedia.org/wiki/Bell%E2%80%93LaPadula_(model)) and [x](<a b>)",
        "[a](x((((y)))) 'title') [b](x\\(y) [c](x\\ y) [d](x)y) [e](ok) [f]( )",
        '[r]\n\n[r]: https://example.com/(a(b)) "t"\n',
    ],
)
def test_link_addresses_read_as_before(text):
    assert _drawn(text) == _drawn(text, _full_parser())


def test_an_address_nesting_parentheses_past_four_levels_is_no_link():
    """CommonMark asks for three levels at least; markdown-it read on to 32."""
    text = "[a](x(((((y))))))"
    assert "<a " in _drawn(text, _full_parser())[0]
    assert "<a " not in _drawn(text)[0]
