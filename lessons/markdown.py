"""Markdown for lessons and scenarios: a real renderer (markdown-it-py) plus a sanitizer (nh3).

Content comes from our files or the admin, but it is treated as untrusted all the same:
raw HTML is disabled in the parser and the output passes an allow-list, so nothing a content
editor types can run script in a learner's browser.
"""

from __future__ import annotations

import contextlib
import difflib
import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace

import nh3
from markdown_it import MarkdownIt, helpers
from markdown_it.common.utils import unescapeAll
from markdown_it.helpers import parseLinkDestination as _parse_link_destination
from markdown_it.rules_block.table import table as _table_rule
from markdown_it.rules_inline.link import link as _link_rule
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

BOXES = {
    "key-points": "Key points",
    "note": "Note",
    "warning": "Watch out",
    "advanced": "Advanced: optional on a first reading",
}

_TAGS = {
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "div",
    "del",
    "s",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "div": {"role", "aria-label", "tabindex"},
    "pre": {"tabindex"},
}
# Our own diagrams, placed with `::: diagram <name>` / `:::`. The directive leaves an empty marker
# that survives sanitizing; `insert_diagrams` swaps it for the server's SVG afterwards, so lesson
# text can name a diagram but can never supply SVG or markup of its own.
DIAGRAM_NAMES = (
    "srm-stack",
    "policy-flow",
    "org-tree",
    "ddos-layers",
    "envelope-encryption",
    "detection-flow",
    "compliance-evidence",
    "digital-signature",
)
_DIAGRAM_MARK = re.compile(r'<div class="diagram-slot diagram-slot-([a-z-]+)">\s*</div>')
# Knowledge checks, placed with `::: check <question-slug>` / `:::`: the same idea. The marker
# carries no slug (the sanitizer would have to allow one); `Rendered.checks` lists the slugs in
# the order their markers appear, and `insert_checks` swaps each marker for its check.
_CHECK_MARK = re.compile(r'<div class="check-slot">\s*</div>')
_CHECK_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Classes are allowed per tag here (ammonia refuses "class" in both lists).
_CLASSES = {
    "code": {"language-json", "language-text", "language-bash", "language-yaml", "language-python"},
    "div": {
        "box",
        *(f"box-{name}" for name in BOXES),
        "diagram-slot",
        *(f"diagram-slot-{name}" for name in DIAGRAM_NAMES),
        "check-slot",
        "table-scroll",
    },
    "p": {"box-title"},
    # A table column's alignment (`|:--:|`): markdown-it writes it as a style attribute, which
    # the site's Content-Security-Policy refuses (no inline styles), so it did nothing; these
    # classes are drawn in static/css/site.css (`_aligned_cells`).
    "th": {"align-left", "align-center", "align-right"},
    "td": {"align-left", "align-center", "align-right"},
}


def _directive(info: str) -> str:
    """The name a `::: name ...` line starts with (a box's, "diagram" or "check")."""
    words = info.strip().split(" ", 2)
    return words[0] if words else ""


def _render_directive(self, tokens, idx, options, env):
    name = _directive(tokens[idx].info)
    if name == "diagram":
        return _render_diagram(self, tokens, idx, options, env)
    if name == "check":
        return _render_check(self, tokens, idx, options, env)
    return _render_box(self, tokens, idx, options, env)


def _render_box(self, tokens, idx, options, env):
    token = tokens[idx]
    name = token.info.strip().split(" ", 1)[0]
    if token.nesting == 1:
        title = BOXES.get(name, name)
        return (
            f'<div class="box box-{html.escape(name)}" role="note" aria-label="{html.escape(title)}">'
            f'<p class="box-title">{html.escape(title)}</p>\n'
        )
    return "</div>\n"


def _render_diagram(self, tokens, idx, options, env):
    token = tokens[idx]
    if token.nesting != 1:
        return ""
    parts = token.info.strip().split()
    name = parts[1] if len(parts) > 1 else ""
    if name not in DIAGRAM_NAMES:
        return ""
    return f'<div class="diagram-slot diagram-slot-{name}"></div>'


def _check_slug(info: str) -> str:
    """The slug of a `check <slug>` container line, or "" when it names none."""
    parts = info.strip().split()
    slug = parts[1] if len(parts) > 1 else ""
    return slug if _CHECK_SLUG.match(slug) and len(slug) <= 100 else ""


def _render_check(self, tokens, idx, options, env):
    token = tokens[idx]
    if token.nesting != 1 or not _check_slug(token.info):
        return ""
    return '<div class="check-slot"></div>'


# How many `::: check` questions a lesson asks at most: the module's quiz has the rest.
MAX_CHECKS_PER_LESSON = 3


def too_many_checks_message() -> str:
    """What the loader and the admin say at a lesson's check past `MAX_CHECKS_PER_LESSON`."""
    return f"a lesson holds at most {MAX_CHECKS_PER_LESSON} checks (the module quiz has the rest)"


def body_tokens(text: str) -> list[Token]:
    """A body's parse, for `body_problems` and `learn_links` to share: each parse costs as much
    as the page's (the admin's save read a body twice)."""
    return _parser().parse(text)


def body_problems(
    text: str, check_problems=None, *, tokens: list[Token] | None = None
) -> list[tuple[int, str]]:
    """(line, message) for each marker in a lesson body that the page cannot draw as written:
    a `::: diagram` naming none of ours or a `::: check` without a question slug (dropped
    without a word), a check of a question an earlier check names (drawn twice with one set of
    ids), the check past `MAX_CHECKS_PER_LESSON` (at the first one too many), and (given
    `check_problems`, slug list -> {slug: why it cannot be shown}) a check whose question a
    lesson cannot show. Lines count from 1 in `text`. The loader
    (curriculum/readers.py) and `Lesson.clean` (the admin) both refuse a body with these."""
    found: list[tuple[int, str]] = []
    checks: list[tuple[int, str]] = []
    opened: list[tuple[int, str]] = []
    for token in _parser().parse(text) if tokens is None else tokens:
        if token.type == _CLOSE and opened:
            line, info = opened.pop()
            if not token.markup:  # the page ended it: no line ':::' closes it
                found.append((line, unclosed_box_message(info)))
        if token.type != _OPEN:
            continue
        line = (token.map[0] + 1) if token.map else 1
        opened.append((line, token.info.strip()))
        words = token.info.strip().split()[1:]
        if _directive(token.info) == "diagram":
            name = words[0] if words else ""
            if name not in DIAGRAM_NAMES:
                found.append((line, unknown_diagram_message(name)))
        elif _directive(token.info) == "check":
            slug = _check_slug(token.info)
            if slug in {placed for _, placed in checks}:
                # Drawn twice, both copies had one set of ids: a label picked the first copy's
                # answer, the second's swapped the first, and the lesson offered a check more
                # than a learner could answer (one answer is kept per question and lesson).
                found.append((line, f"the check {slug!r} is already in this lesson"))
            elif slug:
                checks.append((line, slug))
            else:
                shown = " ".join(words)
                found.append(
                    (
                        line,
                        f"'::: check' needs a question slug, as in '::: check iam-mfa-1', "
                        f"not {shown!r}",
                    )
                )
    if len(checks) > MAX_CHECKS_PER_LESSON:
        found.append((checks[MAX_CHECKS_PER_LESSON][0], too_many_checks_message()))
    problems = check_problems([slug for _, slug in checks]) if check_problems and checks else {}
    found += [(line, problems[slug]) for line, slug in checks if slug in problems]
    return sorted(found)


# Pages under /learn/ that are no module (lessons/urls.py, glossary/urls.py).
LEARN_PAGES = frozenset({"srm", "compliance", "glossary"})


def learn_links(text: str, *, tokens: list[Token] | None = None) -> list[tuple[int, str, str, str]]:
    """(line, address, module slug, lesson slug or "") of each Markdown link in `text` to a
    module or lesson page (`/learn/module/` or `/learn/module/lesson/`), lines from 1: what a
    lesson's body links that a rename or a typo leaves leading nowhere. Read from the parse,
    as the page draws it: an address in a code block or `inline code` is text, not a link."""
    found = []
    for token in _parser().parse(text) if tokens is None else tokens:
        if token.type != "inline" or not token.children or token.map is None:
            continue
        number = token.map[0] + 1
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                number += 1
            elif child.type == "link_open":
                href = str(child.attrGet("href") or "")
                address = re.split(r"[?#]", href, maxsplit=1)[0]
                if not address.startswith("/learn/"):
                    continue
                parts = [part for part in address.split("/") if part][1:]
                if not parts or parts[0] in LEARN_PAGES or len(parts) > 2:
                    continue
                found.append((number, address, parts[0], parts[1] if len(parts) == 2 else ""))
    return found


@lru_cache(maxsize=512)
def check_slugs(text: str) -> tuple[str, ...]:
    """The question slugs of a body's `::: check` markers in page order, as `render_markdown`
    finds them, from the parse alone (no HTML made or sanitized). Cached by content, as
    `render_markdown` is: each new reading order (lessons/reading_order.py) read every marked
    body again, ~2 ms each, though at most the saved lesson's had changed; and inside a
    transaction, where the order is built afresh on every request (every test's), that was
    ~50 ms a page with the shipped course."""
    return tuple(
        _check_slug(token.info)
        for token in _parser().parse(text)
        if token.type == _OPEN and _directive(token.info) == "check" and _check_slug(token.info)
    )


# A line break as the parser counts lines (markdown-it reads "\r\n" and "\r" as "\n").
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


def with_check_renamed(text: str, old: str, new: str) -> str:
    """`text` with each `::: check old` marker naming `new` instead, every other character as
    it was: what a question's rename in the admin does to the lessons that ask it. Only the
    markers the page reads are changed (found in the parse, as `check_slugs` finds them): the
    same words in a code block, in prose or as part of a longer slug are text, and stay."""
    lines = _LINE_BREAK.split(text)  # the lines at even places, their breaks between
    marker = re.compile(rf"(:{{3,}}\s*check\s+){re.escape(old)}(?=\s|$)")
    for token in _parser().parse(text):
        if token.type != _OPEN or token.map is None or _directive(token.info) != "check":
            continue
        if _check_slug(token.info) == old:
            at = 2 * token.map[0]
            lines[at] = marker.sub(lambda m: m.group(1) + new, lines[at], count=1)
    return "".join(lines)


def unclosed_box_message(info: str) -> str:
    """A box the page ends for want of its line ':::': everything after it was drawn inside
    it. A box opened inside another box is ended with it, so the fix may be a line above."""
    return (
        f"the box '::: {info}' is not closed by a line ':::' of its own (left open, or "
        "opened inside another box), so what follows is drawn inside it: close each box "
        "before the next one opens"
    )


def unknown_diagram_message(name: str) -> str:
    if not name:
        return "'::: diagram' needs a diagram's name: " + ", ".join(DIAGRAM_NAMES)
    close = difflib.get_close_matches(name, DIAGRAM_NAMES, n=1)
    hint = (
        f"did you mean {close[0]!r}?" if close else "the diagrams are " + ", ".join(DIAGRAM_NAMES)
    )
    return f"'::: diagram {name}' names no diagram ({hint})"


def unknown_check_message(slug: str, known) -> str:
    """What the loader and the admin say of a `::: check` naming no question among `known`."""
    close = difflib.get_close_matches(slug, list(known), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"'::: check {slug}' names no question{hint}"


def insert_checks(clean_html: str, checks: tuple[str, ...], draw) -> str:
    """Replace each check marker with `draw(slug)` (HTML the caller vouches for: our own
    template), in order; a marker without a slug, or `draw` returning "", leaves nothing."""
    slugs = iter(checks)
    return _CHECK_MARK.sub(lambda m: str(draw(next(slugs, "")) or ""), clean_html)


def insert_diagrams(clean_html: str) -> str:
    """Replace each diagram marker in sanitized lesson HTML with the diagram itself."""
    from lessons.diagrams import render

    return _DIAGRAM_MARK.sub(lambda m: str(render(m.group(1))), clean_html)


def _pretty_json(self, tokens, idx, options, env):
    """Fenced `json` blocks are re-indented consistently so policies read the same everywhere."""
    token = tokens[idx]
    lang = token.info.strip().split(" ", 1)[0].lower()
    content = token.content
    if lang == "json":
        # Shown as written: an example may be broken on purpose, or nest deeper than the
        # decoder recurses (1,000 `[` in an instructor's prompt raised RecursionError, a 500
        # on the question editor's preview and save, and on every page showing it).
        with contextlib.suppress(ValueError, RecursionError):
            content = json.dumps(json.loads(content), indent=2, ensure_ascii=False) + "\n"
    css = f' class="language-{html.escape(lang)}"' if lang else ""
    # tabindex: a wide block scrolls sideways, and keyboard users must be able to scroll it too.
    return f'<pre tabindex="0"><code{css}>{html.escape(content)}</code></pre>\n'


def _table_name(tokens, idx: int) -> str:
    """A table's header cells, as words: what its scrolling box is called ("Table: Layer,
    AWS, You"). Markdown tables have no caption, and a box a keyboard can stop on needs a name
    a screen reader can announce."""
    cells: list[str] = []
    for token in tokens[idx + 1 :]:
        if token.type in ("thead_close", "tbody_open", "table_close"):
            break
        if token.type == "inline":
            words = "".join(c.content for c in token.children or () if c.type in _WORDS)
            if words.strip():
                cells.append(" ".join(words.split()))
    name = ", ".join(cells)
    if len(name) > TABLE_NAME_CHARS:
        name = name[: TABLE_NAME_CHARS - 1].rstrip(" ,") + "…"
    return f"Table: {name}" if name else "Table"


_WORDS = ("text", "code_inline")
TABLE_NAME_CHARS = 100


def _scrollable_table(self, tokens, idx, options, env):
    """A table scrolls sideways on a narrow screen in a box, as `.table-scroll` boxes do
    elsewhere: focusable, so the keyboard can scroll it too, and named after its columns, so a
    screen reader says what the stop is."""
    label = html.escape(f"{_table_name(tokens, idx)} (scrolls sideways)")
    return f'<div class="table-scroll" tabindex="0" role="group" aria-label="{label}"><table>\n'


def _table_end(self, tokens, idx, options, env):
    return "</table></div>\n"


_ALIGNED = re.compile(r"text-align:(left|center|right)")


def _aligned_cells(state) -> None:
    """A cell of an aligned column (`|:--|`, `|:-:|`, `|--:|`) gets the class `align-<side>`
    instead of the `style` markdown-it gives it: the site's CSP allows no inline style."""
    for token in state.tokens:
        if token.type not in ("th_open", "td_open") or "style" not in token.attrs:
            continue
        side = _ALIGNED.fullmatch(str(token.attrs.pop("style")))
        if side:
            token.attrSet("class", f"align-{side.group(1)}")


def _slugify(text: str) -> str:
    out, dash = [], False
    for ch in text.lower():
        if ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-") or "section"


# The ids the lesson page gives its own parts (templates/base.html, lessons/lesson.html and the
# templates and diagrams drawn in it), which a heading's id must never take: a heading
# "Progress" had the progress box's id, so "Mark lesson complete" (htmx, `#progress`) swapped
# the heading, and "Main" took the skip link's target. Whole ids, and the starts of the ids
# made per check, scenario, diagram and answer control (`k-<slug>-`, `p-<slug>-`);
# tests/lessons/test_heading_ids.py reads the templates for every id they set.
PAGE_IDS = frozenset(
    {
        "main",
        "page-alert",
        "review-badge",
        "site-search-q",
        "theme-toggle",
        "live-status",
        "lesson-title",
        "sources-title",
        "scenarios-title",
        "progress",
        "lesson-done",
        "module-end-title",
        "toc-title",
    }
)
PAGE_ID_STARTS = ("check-", "predict-", "scenario-", "diagram-", "k-", "p-")
# What a heading's id starts with instead, where its words would give one of those.
HEADING_ID_PREFIX = "section-"


def _page_may_use(slug: str) -> bool:
    """Whether the page may give `slug`, or `slug` numbered (-1, -2, ...), to a part of its own."""
    return slug in PAGE_IDS or f"{slug}-".startswith(PAGE_ID_STARTS)


def _anchors(state) -> None:
    """An id for each level-2 and level-3 heading, made from its words (`_slugify`) and made
    unique with -1, -2, ...: what mdit_py_plugins' anchors plugin gives, but it tried every
    suffix from -1 again for each heading, so 3,333 headings of one word (10,000 characters
    of "\\n##") cost 0.7 s of CPU. Each word here goes on from its last suffix. Words that
    would give an id of the page's own (`PAGE_IDS`) give it after `HEADING_ID_PREFIX` instead
    ("## Progress" is `section-progress`); every other heading keeps the id it always had."""
    taken: set[str] = set()
    tried: dict[str, int] = {}
    for idx, token in enumerate(state.tokens):
        if token.type != "heading_open" or token.tag not in ("h2", "h3"):
            continue
        children = state.tokens[idx + 1].children or ()
        base = _slugify("".join(c.content for c in children if c.type in _WORDS))
        if _page_may_use(base):
            base = HEADING_ID_PREFIX + base
        slug, n = base, tried.get(base, 0)
        if n:
            slug = f"{base}-{n}"
        while slug in taken or slug in PAGE_IDS:
            n += 1
            slug = f"{base}-{n}"
        tried[base] = n
        taken.add(slug)
        token.attrSet("id", slug)


# A table holds at most this many cells (columns x rows); its rows past them are read as the
# text that follows it. markdown-it fills a short row with empty cells up to the header's
# width, and stops only at 65,536 filled cells: a 5,000-character prompt of 300 header
# columns over 1,200 one-character rows made 65,536 cells, 1.1 s of CPU to render on every
# page that showed it (docs/limits.md). The course's largest table has 42.
MAX_TABLE_CELLS = 2_000


def _bounded_table(state, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's table rule, over at most MAX_TABLE_CELLS cells: the table's columns are
    counted on its delimiter row (`|---|---|` is two), and the lines it may take are cut to as
    many rows as fit."""
    delimiter = start_line + 1
    if delimiter < end_line:
        start = state.bMarks[delimiter] + state.tShift[delimiter]
        if state.src[start : start + 1] not in ("|", "-", ":"):
            return False  # what markdown-it's rule checks first, before counting columns
        row = state.src[start : state.eMarks[delimiter]].strip().removeprefix("|")
        columns = row.removesuffix("|").count("|") + 1
        end_line = min(end_line, delimiter + 1 + MAX_TABLE_CELLS // columns)
    return _table_rule(state, start_line, end_line, silent)


# Every `::: name` directive is one block rule: a rule per name (four boxes, diagram, check)
# had each looked at every line of a paragraph twice (as it grew, then as a setext heading).
_DIRECTIVES = frozenset({*BOXES, "diagram", "check"})
_OPEN = "container_directive_open"
_CLOSE = "container_directive_close"


def _close_names(state) -> None:
    """Each directive's closing token gets its opening line's words: how it is drawn (a box
    closes its <div>, a diagram's or a check's marker is closed already)."""
    opened: list[str] = []
    for token in state.tokens:
        if token.type == _OPEN:
            opened.append(token.info)
        elif token.type == "container_directive_close" and opened:
            token.info = opened.pop()


# How deep a `[` inside a link's text is still tried as a link of its own. To find where a
# label ends, markdown-it tries every inline rule at each character in it, and a `[` there
# starts a label of its own, down to its `maxNesting` (20), where it gives up on the rest of
# the paragraph ("[[[...[a](b)" with 21 `[` is not a link): text of nothing but `[` cost
# ~9 µs a character. Here it gives up three levels down, the same way (read as text, a
# deeper `[` would make each label scan to the paragraph's end: quadratic).
LINK_DEPTH = 2


def _shallow_link(state, silent: bool) -> bool:
    if silent and state.level > LINK_DEPTH and state.src[state.pos] == "[":
        state.pos = state.posMax
        return True
    return _link_rule(state, silent)


# How deeply parentheses may nest in a link's address. markdown-it reads on to 32 levels before
# it gives up, so each `[](` of a text of them read the next 32 (~100 characters): ~5 µs a
# character. CommonMark asks for three levels at least; the course's addresses use one.
LINK_PARENS = 4


def _link_destination(string: str, pos: int, maximum: int):
    """markdown-it's `parseLinkDestination`, giving up past `LINK_PARENS` open parentheses."""
    if string[pos : pos + 1] == "<":
        return _parse_link_destination(string, pos, maximum)
    result = _parse_link_destination(string, maximum, maximum)  # a failure, to fill in
    start, level = pos, 0
    while pos < maximum:
        ch = string[pos]
        if ch <= " " or ch == "\x7f":
            break
        if ch == "\\" and pos + 1 < maximum:
            if string[pos + 1] == " ":
                break
            pos += 2
            continue
        if ch == "(":
            level += 1
            if level > LINK_PARENS:
                return result
        elif ch == ")":
            if level == 0:
                break
            level -= 1
        pos += 1
    if start == pos or level != 0:
        return result
    result.str = unescapeAll(string[start:pos])
    result.pos = pos
    result.ok = True
    return result


def _parser_uncached() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # Raw HTML is off, so these two rules only ever said no, at every line and character. And
    # images: the sanitizer has never allowed <img> (nor does the site's CSP allow other
    # hosts), so `![alt](url)` showed nothing at all; now it reads as "!" and a link, and a
    # text of `![` no longer costs twice what `[` does.
    md.disable(["html_block", "html_inline", "image"])
    md.block.ruler.at("table", _bounded_table, {"alt": ["paragraph", "reference"]})
    md.inline.ruler.at("link", _shallow_link)
    md.helpers = SimpleNamespace(  # type: ignore[assignment]  # this parser's own, not the module
        parseLinkLabel=helpers.parseLinkLabel,
        parseLinkTitle=helpers.parseLinkTitle,
        parseLinkDestination=_link_destination,
    )
    md.core.ruler.push("anchor", _anchors)
    md.core.ruler.push("aligned_cells", _aligned_cells)
    md.core.ruler.after("block", "directive_close", _close_names)
    container_plugin(
        md,
        "directive",
        validate=lambda params, *_: _directive(params) in _DIRECTIVES,
        render=_render_directive,
    )
    md.add_render_rule("fence", _pretty_json)
    md.add_render_rule("table_open", _scrollable_table)
    md.add_render_rule("table_close", _table_end)
    return md


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return _parser_uncached()


@dataclass(frozen=True)
class Rendered:
    html: str
    # (anchor id, words as HTML: `_heading_words`) of the level-2 headings, for "On this page"
    headings: tuple[tuple[str, str], ...]
    checks: tuple[str, ...] = ()  # question slugs of `::: check` markers, in page order


# Change this when a change to the renderer changes its output: lesson bodies stored rendered
# (lessons/rendered.py) are then rendered again, and so are questions and scenarios
# (`StoredMarkdown`, there), by a migration to add with the change in each of quizzes and
# lessons (as quizzes 0014 and lessons 0013 do; a test says when one is due). 4: headings' ids
# never the lesson page's own, table alignment as classes, headings' words as HTML (a stored
# body of 3 held them as typed, which the page now draws unescaped: never read again).
RENDERER_VERSION = "4"


def _heading_words(inline: Token) -> str:
    """A heading as it reads, for the page's "On this page" list: its words escaped, a code
    span as <code>, every other mark (emphasis, a link's brackets) gone. The list showed the
    heading's Markdown as typed: "Allow `s3:GetObject`" with its backticks."""
    out = []
    for child in inline.children or ():
        if child.type == "text":
            out.append(html.escape(child.content))
        elif child.type == "code_inline":
            out.append(f"<code>{html.escape(child.content)}</code>")
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out).strip()


@lru_cache(maxsize=512)
def render_markdown(text: str) -> Rendered:
    """Render and sanitize; cached by content, so an admin edit shows up at once."""
    return render_markdown_uncached(text)


def render_markdown_uncached(text: str, md: MarkdownIt | None = None) -> Rendered:
    """`render_markdown` without its cache (`md`: another parser, for a test to compare)."""
    md = md or _parser()
    tokens = md.parse(text)
    headings: list[tuple[str, str]] = []
    checks = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            # The anchors plugin's id is text (markdown-it types attributes as text or number).
            headings.append((str(token.attrs.get("id", "")), _heading_words(tokens[i + 1])))
        elif token.type == _OPEN and _directive(token.info) == "check" and _check_slug(token.info):
            checks.append(_check_slug(token.info))
    raw = md.renderer.render(tokens, md.options, {})
    clean = nh3.clean(
        raw,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        allowed_classes=_CLASSES,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer",
    )
    return Rendered(clean, tuple(headings), tuple(checks))


@lru_cache(maxsize=2048)
def markdown_summary(text: str, limit: int) -> str:
    """A Markdown text as one line of HTML for a list (the question bank, a quiz's entries):
    its words, with code spans kept as <code> and every other mark (`**`, `#`, `-`, links'
    brackets) gone, cut to `limit` visible characters with "…". Shown raw, an instructor read
    `**Which**` in the bank; rendered whole, a list row held paragraphs and headings.

    Only the text's start is read (`summary_source`): a list of 100 prompts of 5,000
    characters each built to cost the most (an import's preview) read 500,000 characters to
    show 24,000."""
    out: list[str] = []
    left = limit
    source, cut_short = summary_source(text, limit)
    for piece, is_code in _words(source):
        if left <= 0:
            break
        cut = piece[:left] if len(piece) <= left else piece[: max(left - 1, 0)] + "…"
        left -= len(piece)
        out.append(f"<code>{html.escape(cut)}</code>" if is_code else html.escape(cut))
    if cut_short and left > 0:
        out.append("…")
    return "".join(out)


# A summary of `limit` characters reads at most this many of its text: four characters of
# Markdown for each one shown (a link's address, marks), and some more.
SUMMARY_SOURCE_PER_CHAR = 4
SUMMARY_SOURCE_EXTRA = 400


def summary_source(text: str, limit: int) -> tuple[str, bool]:
    """The start of `text` a summary of `limit` characters is made from, ended at a line's end
    where one is near, and whether the text goes on past it. Its words are the whole text's
    but for marks that span the cut (a link's brackets, a definition of a reference link
    further down), which the cut leaves as they are typed."""
    most = limit * SUMMARY_SOURCE_PER_CHAR + SUMMARY_SOURCE_EXTRA
    if len(text) <= most:
        return text, False
    head = text[:most]
    line_end = head.rfind("\n")
    return (head[:line_end] if line_end >= most // 2 else head), True


def markdown_text(text: str, limit: int) -> str:
    """`markdown_summary` as plain text (for an attribute, or words a screen reader adds)."""
    return html.unescape(re.sub(r"</?code>", "", markdown_summary(text, limit)))


def _words(text: str, md: MarkdownIt | None = None):
    """(piece, is code) in reading order; blocks and line breaks are one space."""
    first = True
    for token in (md or _parser()).parse(text or ""):
        if token.type != "inline" and token.type != "fence" and token.type != "code_block":
            continue
        if not first:
            yield " ", False
        first = False
        if token.type != "inline":
            yield " ".join(token.content.split()), True
            continue
        for child in token.children or ():
            if child.type == "text":
                yield child.content, False
            elif child.type == "code_inline":
                yield child.content, True
            elif child.type in ("softbreak", "hardbreak"):
                yield " ", False
