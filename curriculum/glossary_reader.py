"""Read and check `lessons/content/glossary.yaml`: the course's terms.

Checked before anything is written, like the rest of the curriculum: an unknown lesson, an
unknown related term, or a name two terms both claim stops the load with the file, the line
and the term (`glossary.yaml:40: term 'scp': alias 'RCP' is already used by term 'rcp'
(line 52)`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from curriculum.readers import CurriculumError, _Fields, _load_yaml, _read_text, _rel, _unique
from glossary.matching import FORBIDDEN_CHARACTERS

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


def read_glossary(root: Path, lesson_paths: set[str]) -> list[TermData]:
    """The glossary's terms, checked against each other and against the lessons."""
    path = root / GLOSSARY_FILE
    if not path.exists():
        return []
    file = _rel(root, path)
    data = _load_yaml(_read_text(root, path), file)
    if not isinstance(data, list) or not data:
        raise CurriculumError(file, 1, "must be a non-empty list of terms")
    terms = [_read_term(raw, file, index, lesson_paths) for index, raw in enumerate(data, 1)]
    _unique(terms, "glossary term", file)
    _check_names(terms, file)
    _check_related(terms, file)
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
        return f"holds {bad[0]!r}, which a term's name may not"
    return None


def _read_term(raw, file: str, index: int, lesson_paths: set[str]) -> TermData:
    f = _Fields(raw, file, f"term #{index}")
    f.only("slug", "term", "aliases", "definition", "lesson", "related", "source")
    slug = f.slug()
    f.what = f"term {slug!r}"
    term = f.str("term")
    problem = _name_problem(term)
    if problem:
        raise f.error(f"'term' {problem}")
    aliases = f.str_list("aliases", required=False)
    if len(aliases) > MAX_ALIASES:
        raise f.error(f"at most {MAX_ALIASES} aliases, found {len(aliases)}")
    for alias in aliases:
        problem = _name_problem(alias)
        if problem:
            raise f.error(f"alias {alias!r} {problem}")
    definition = " ".join(f.str("definition").split())
    if len(definition) > MAX_DEFINITION:
        raise f.error(
            f"'definition' is {len(definition)} characters: keep it to one to three sentences "
            f"(at most {MAX_DEFINITION})"
        )
    lesson = f.str("lesson")
    if lesson not in lesson_paths:
        raise f.error(f"unknown lesson {lesson!r} (write it as module-slug/lesson-slug)")
    related = f.str_list("related", required=False)
    source = f.str("source", required=False)
    if source:
        parts = urlsplit(source)
        if parts.scheme != "https" or not parts.netloc or any(c.isspace() for c in source):
            raise f.error(f"'source' must be an https address, not {source!r}")
    return TermData(
        slug, term, tuple(aliases), definition, lesson, tuple(related), source, f.line or 1
    )


def _check_names(terms: list[TermData], file: str) -> None:
    """No name (a term or an alias) may belong to two terms, whatever its case: a lesson
    could not say which entry it links to."""
    owner: dict[str, TermData] = {}
    for term in terms:
        for name in (term.term, *term.aliases):
            key = name.casefold()
            other = owner.get(key)
            if other is term:
                raise CurriculumError(
                    file, term.line, f"term {term.slug!r}: {name!r} is listed twice"
                )
            if other is not None:
                what = "the term" if name == term.term else "alias"
                raise CurriculumError(
                    file,
                    term.line,
                    f"term {term.slug!r}: {what} {name!r} is already used by term "
                    f"{other.slug!r} (line {other.line})",
                )
            owner[key] = term


def _check_related(terms: list[TermData], file: str) -> None:
    slugs = {term.slug for term in terms}
    for term in terms:
        seen: set[str] = set()
        for slug in term.related:
            if slug == term.slug:
                raise CurriculumError(file, term.line, f"term {term.slug!r}: related to itself")
            if slug in seen:
                raise CurriculumError(
                    file, term.line, f"term {term.slug!r}: related term {slug!r} listed twice"
                )
            if slug not in slugs:
                raise CurriculumError(
                    file,
                    term.line,
                    f"term {term.slug!r}: unknown related term {slug!r} (use a term's slug)",
                )
            seen.add(slug)
