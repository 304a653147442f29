"""Read and check `lessons/content/glossary.yaml`: the course's terms.

Checked before anything is written, like the rest of the curriculum: an unknown lesson, an
unknown related term, or a name two terms both claim stops the load with the file, the line
and the term (`glossary.yaml:40: term 'scp': alias 'RCP' is already used by term 'rcp'
(line 52)`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from curriculum.readers import (
    CurriculumError,
    Problems,
    _Fields,
    _load_yaml,
    _read_text,
    _rel,
    _unique,
    combined,
)
from glossary.matching import FORBIDDEN_CHARACTERS
from srm_trainer.typed_text import quoted

GLOSSARY_FILE = "glossary.yaml"
MAX_TERM = 100
MAX_DEFINITION = 600
MAX_ALIASES = 12


@dataclass(frozen=True)
class TermData:
    slug: str
    term: str
    aliases: tuple[str, ...]
    definition: str
    lesson: str  # "module/lesson"
    related: tuple[str, ...]
    source_url: str
    line: int
    source: str = GLOSSARY_FILE


def read_glossary(
    root: Path, lesson_paths: set[str], *, problems: Problems | None = None
) -> list[TermData]:
    """The glossary's terms, checked against each other and against the lessons. Each term is
    read on its own, so one CurriculumError names every problem (with `problems`, they are
    recorded there and the terms that could be read are returned)."""
    if problems is None:
        with Problems() as found:
            return read_glossary(root, lesson_paths, problems=found)
    path = root / GLOSSARY_FILE
    if not path.exists():
        return []
    file = _rel(root, path)
    try:
        data = _load_yaml(_read_text(root, path), file)
    except CurriculumError as exc:
        problems.add(exc)
        return []
    if not isinstance(data, list) or not data:
        problems.add(CurriculumError(file, 1, "must be a non-empty list of terms"))
        return []
    terms = []
    unread = set()  # slugs of terms refused: a term related to one is not refused for that too
    for index, raw in enumerate(data, 1):
        term = problems.attempt(_read_term, raw, file, index, lesson_paths, problems)
        if term is not None:
            terms.append(term)
        elif isinstance(raw, dict) and isinstance(raw.get("slug"), str):
            unread.add(raw["slug"].strip())
    problems.attempt(_unique, terms, "glossary term", file)
    problems.attempt(_check_names, terms, file)
    problems.attempt(_check_related, terms, file, unread)
    return terms


def _name_problem(name: str) -> str | None:
    if name != name.strip() or "\n" in name:
        return "has spaces at its ends or a line break"
    if len(name) > MAX_TERM:
        return f"is longer than {MAX_TERM} characters"
    if not any(ch.isalnum() for ch in name):
        return "has no letter or digit"
    bad = sorted(FORBIDDEN_CHARACTERS & set(name))
    if bad:
        return f"holds {quoted(bad[0])}, which a term's name may not"
    return None


def _read_term(raw, file: str, index: int, lesson_paths: set[str], pb: Problems) -> TermData | None:
    """A term, each field's problem recorded in `pb`; None when its slug or name cannot be
    read (a term with another problem is still checked against the others)."""
    f = _Fields(raw, file, f"term #{index}")
    pb.attempt(f.only, "slug", "term", "aliases", "definition", "lesson", "related", "source")
    slug = f.slug()
    f.what = f"term {quoted(slug)}"
    term = pb.attempt(f.str, "term")
    problem = _name_problem(term) if term is not None else None
    if problem:
        pb.add(f.error(f"'term' {problem}"))
    aliases = pb.attempt(f.str_list, "aliases", required=False) or []
    if len(aliases) > MAX_ALIASES:
        pb.add(f.error(f"at most {MAX_ALIASES} aliases, found {len(aliases)}"))
    for alias in aliases:
        problem = _name_problem(alias)
        if problem:
            pb.add(f.error(f"alias {quoted(alias)} {problem}"))
    definition = " ".join((pb.attempt(f.str, "definition") or "").split())
    if len(definition) > MAX_DEFINITION:
        pb.add(f.error(
            f"'definition' is {len(definition)} characters: keep it to one to three "
            f"sentences (at most {MAX_DEFINITION})"
        ))  # fmt: skip
    lesson = pb.attempt(f.str, "lesson")
    if lesson is not None and lesson not in lesson_paths:
        pb.add(f.error(f"unknown lesson {quoted(lesson)} (write it as module-slug/lesson-slug)"))
    related = pb.attempt(f.str_list, "related", required=False) or []
    source = pb.attempt(f.str, "source", required=False) or ""
    if source:
        parts = urlsplit(source)
        if parts.scheme != "https" or not parts.netloc or any(c.isspace() for c in source):
            pb.add(f.error(f"'source' must be an https address, not {quoted(source)}"))
    if term is None:
        return None
    return TermData(
        slug, term, tuple(aliases), definition, lesson or "", tuple(related), source, f.line or 1
    )


def _check_names(terms: list[TermData], file: str) -> None:
    """No name (a term or an alias) may belong to two terms, whatever its case: a lesson
    could not say which entry it links to. Each name claimed twice is named."""
    owner: dict[str, TermData] = {}
    errors = []
    for term in terms:
        for name in (term.term, *term.aliases):
            key = name.casefold()
            other = owner.get(key)
            if other is term:
                errors.append(CurriculumError(
                    file, term.line, f"term {quoted(term.slug)}: {quoted(name)} is listed twice"
                ))  # fmt: skip
            elif other is not None:
                what = "the term" if name == term.term else "alias"
                errors.append(CurriculumError(
                    file,
                    term.line,
                    f"term {quoted(term.slug)}: {what} {quoted(name)} is already used by term "
                    f"{quoted(other.slug)} (line {other.line})",
                ))  # fmt: skip
            else:
                owner[key] = term
    if errors:
        raise combined(errors)


def _check_related(terms: list[TermData], file: str, unread: Collection[str] = frozenset()) -> None:
    """Each related term is another term, named once (a term that could not be read, in
    `unread`, is not checked)."""
    slugs = {term.slug for term in terms} | set(unread)
    errors = []
    for term in terms:
        seen: set[str] = set()
        for slug in term.related:
            if slug == term.slug:
                errors.append(
                    CurriculumError(file, term.line, f"term {quoted(term.slug)}: related to itself")
                )
            elif slug in seen:
                errors.append(CurriculumError(
                    file, term.line, f"term {quoted(term.slug)}: related term {quoted(slug)} listed twice"
                ))  # fmt: skip
            elif slug not in slugs:
                errors.append(CurriculumError(
                    file,
                    term.line,
                    f"term {quoted(term.slug)}: unknown related term {quoted(slug)} (use a term's slug)",
                ))  # fmt: skip
            seen.add(slug)
    if errors:
        raise combined(errors)
