"""Find glossary terms in lesson HTML and link the first use of each (plain Python).

The HTML is the lessons' sanitized output (`lessons.markdown.render_markdown`), so it is
well formed and its text is already escaped; links are added to text only, never inside
headings, code, existing links, box titles or diagram slots. Names go through one compiled
regular expression built from a trie of every form, so the cost is linear in the HTML and
hardly grows with the number of terms.

Case: a form written like an acronym or in camel case (`SCP`, `DDoS`, `GuardDuty`,
`NotAction`) matches only as written; any other form (`permissions boundary`, `Region`)
matches in any case, so it is found at the start of a sentence too. Plurals (`SCPs`,
`permissions boundaries`) match their singular.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

# Elements whose text is never linked. `p.box-title` is a box's heading ("Key points").
SKIP_TAGS = frozenset({"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style"})
_SKIP_CLASSES = {"p": "box-title", "div": "diagram-slot"}
# A tag, with quoted attribute values that may hold '>' (html5ever does not escape it there).
_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_CLASS = re.compile(r"""\bclass\s*=\s*["']([^"']*)["']""")
# Characters a form may not hold: it is matched against escaped HTML text.
FORBIDDEN_CHARACTERS = frozenset('<>&"')


def is_case_sensitive(form: str) -> bool:
    """Acronyms and camel case keep their case: two capitals in a row, or a capital after a
    lower-case letter inside a word (`IAM`, `DoS`, `GuardDuty`)."""
    for previous, current in zip(form, form[1:], strict=False):
        if current.isupper() and (previous.isupper() or previous.islower()):
            return True
    return False


def variants(form: str) -> set[str]:
    """The form and its plural, so `SCPs` and `permissions boundaries` are found."""
    found = {form}
    last = form[-1]
    if not last.isalpha():
        return found
    if form[-2:].isupper() or (len(form) > 1 and form[-2:-1].isdigit()):
        found.add(form + "s")  # SCPs, OUs, HSMs
    elif last == "y" and len(form) > 1 and form[-2].lower() not in "aeiou":
        found.add(form[:-1] + "ies")  # boundary → boundaries
    elif form.endswith("s"):
        pass  # already plural, or a name such as "Savings Plans"
    elif form.endswith(("x", "ch", "sh")):
        found.add(form + "es")
    else:
        found.add(form + "s")
    return found


def _trie_pattern(words: Iterable[str]) -> str:
    """One regular expression for many literal words, shared prefixes factored out, so the
    engine tries each position against a trie instead of every word in turn. Longer words win
    (a word's ending is optional and greedy)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        ends = "" in node
        branches = [_literal(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


def _literal(ch: str) -> str:
    # Lessons wrap long lines: a space in a form matches any run of white space.
    return r"\s+" if ch == " " else re.escape(ch)


_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Term:
    """What the linker needs of one glossary entry."""

    slug: str
    forms: tuple[str, ...]  # the term itself and its aliases
    lesson_id: int | None = None  # the lesson that teaches it


@dataclass(frozen=True, eq=False)
class Matcher:
    """Every term's forms compiled into one regular expression, and the way back from a
    matched text to its term. Built once per glossary version (see `glossary.terms`)."""

    pattern: re.Pattern | None
    exact: dict[str, str]  # matched text → slug, for case-sensitive forms
    folded: dict[str, str]  # lower-cased text → slug, for the others
    taught_in: dict[int, frozenset[str]] = field(default_factory=dict)  # lesson id → slugs
    pages: dict[str, int] = field(default_factory=dict)  # slug → its page of the A to Z listing

    @classmethod
    def build(cls, terms: Iterable[Term]) -> Matcher:
        exact: dict[str, str] = {}
        folded: dict[str, str] = {}
        taught_in: dict[int, set[str]] = {}
        for term in terms:
            if term.lesson_id is not None:
                taught_in.setdefault(term.lesson_id, set()).add(term.slug)
            for form in term.forms:
                escaped = html.escape(_SPACES.sub(" ", form), quote=False)
                for text in variants(escaped):
                    if is_case_sensitive(form):
                        exact.setdefault(text, term.slug)
                    else:
                        folded.setdefault(text.lower(), term.slug)
        branches = []
        if exact:
            branches.append(_trie_pattern(exact))
        if folded:
            branches.append("(?i:" + _trie_pattern(folded) + ")")
        pattern = None
        if branches:
            pattern = re.compile(r"(?<![\w-])(?:" + "|".join(branches) + r")(?![\w-])")
        return cls(pattern, exact, folded, {k: frozenset(v) for k, v in taught_in.items()})

    def slug_for(self, text: str) -> str | None:
        text = _SPACES.sub(" ", text)
        return self.exact.get(text) or self.folded.get(text.lower())

    def occurrences(self, text: str) -> Iterator[tuple[re.Match, str]]:
        """Each term found in plain (escaped) text, with its slug, in order."""
        if self.pattern is None:
            return
        for match in self.pattern.finditer(text):
            slug = self.slug_for(match.group(0))
            if slug is not None:
                yield match, slug

    def link(self, clean_html: str, *, href, skip: Iterable[str] = ()) -> str:
        """`clean_html` with the first use of each term linked (`href(slug)` gives the
        address); terms in `skip` are left alone."""
        if self.pattern is None:
            return clean_html
        done = set(skip)
        out: list[str] = []
        skipping: str | None = None  # the element being skipped, and how deep in it we are
        depth = 0
        position = 0
        for tag in _TAG.finditer(clean_html):
            text = clean_html[position : tag.start()]
            if text:
                out.append(text if skipping else self._link_text(text, done, href))
            out.append(tag.group(0))
            position = tag.end()
            closing, name = tag.group(1) == "/", tag.group(2).lower()
            if skipping:
                if name == skipping:
                    depth += -1 if closing else 1
                    if depth == 0:
                        skipping = None
            elif not closing and self._skipped(name, tag.group(3)):
                skipping, depth = name, 1
        rest = clean_html[position:]
        if rest:
            out.append(rest if skipping else self._link_text(rest, done, href))
        return "".join(out)

    @staticmethod
    def _skipped(name: str, attributes: str) -> bool:
        if name in SKIP_TAGS:
            return True
        wanted = _SKIP_CLASSES.get(name)
        if wanted is None:
            return False
        found = _CLASS.search(attributes)
        return found is not None and wanted in found.group(1).split()

    def _link_text(self, text: str, done: set[str], href) -> str:
        pieces: list[str] = []
        position = 0
        for match, slug in self.occurrences(text):
            if slug in done:
                continue
            done.add(slug)
            pieces.append(text[position : match.start()])
            pieces.append(f'<a class="glossary-term" href="{href(slug)}">{match.group(0)}</a>')
            position = match.end()
        if not pieces:
            return text
        pieces.append(text[position:])
        return "".join(pieces)
