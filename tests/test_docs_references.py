"""README.md and docs/*.md point at files that exist: a new engineer follows a backticked
repository path (`srm_trainer/iam/arn.py`, `tests/bench/batches.py`) or a relative link
(`[Accounts and roles](docs/accounts.md#audit)`) and finds what it names. A file renamed or
moved without its docs fails here, naming the doc, its line and the path."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# Made by make, npm or a run, never committed: a path under one of these may not exist yet.
GENERATED = {".venv", "build", "node_modules", "staticfiles", ".git", ".pycache", "__pycache__"}

CODE_SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
# A repository path: directories and a name, nothing a shell or a template would fill in.
PATH = re.compile(r"^\.?[\w-]+(?:/[\w.-]+)+/?$")


def _files() -> list[str]:
    """Every file in the checkout but generated ones, as paths relative to the root."""
    found = []
    for directory, subdirectories, names in os.walk(ROOT):
        subdirectories[:] = [d for d in subdirectories if d not in GENERATED]
        relative = Path(directory).relative_to(ROOT).as_posix()
        found += [name if relative == "." else f"{relative}/{name}" for name in names]
    return found


TOP = {p.name for p in ROOT.iterdir() if p.is_dir() and p.name not in GENERATED}


def _named_paths() -> list[tuple[str, int, str]]:
    """(doc, line, path) for each backticked repository path: its first directory is one of the
    checkout's, and it names a file (an extension) or a directory (a trailing slash).
    `path.py::test` and `path.yaml:12` are read as their path."""
    named = []
    for doc in DOCS:
        for number, line in enumerate(doc.read_text("utf-8").splitlines(), 1):
            for span in CODE_SPAN.findall(line):
                path = re.sub(r"(::\w+|:\d+)$", "", span)
                first, _, rest = path.partition("/")
                if not PATH.match(path) or first not in TOP:
                    continue
                if path.endswith("/") or "." in rest.rsplit("/", 1)[-1]:
                    named.append((doc.relative_to(ROOT).as_posix(), number, path))
    return named


def test_every_repository_path_the_docs_name_exists():
    files = _files()
    directories = {f"{d}/" for f in files for d in _parents(f)}
    named = _named_paths()
    missing = []
    for doc, number, path in named:
        if path.endswith("/"):
            # Under its app as a template or migration folder names it (`quizzes/` is a
            # directory either way), or at the root.
            found = path in directories or any(d.endswith("/" + path) for d in directories)
        else:
            # At the root, or as a template name is written: relative to its templates folder.
            found = path in files or any(f.endswith("/" + path) for f in files)
        if not found:
            missing.append(f"{doc}:{number}: {path}")
    assert missing == []
    assert len(named) > 500  # the pattern still finds the docs' paths


def _parents(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[: n + 1]) for n in range(len(parts))]


def _anchors(doc: Path) -> set[str]:
    """The #fragments GitHub gives a Markdown file's headings."""
    anchors: set[str] = set()
    counts: dict[str, int] = {}
    fenced = False
    for line in doc.read_text("utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        heading = re.match(r"#{1,6}\s+(.*)", line)
        if fenced or not heading:
            continue
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.group(1)).replace("`", "")
        slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
        n = counts.get(slug, 0)
        counts[slug] = n + 1
        anchors.add(slug if n == 0 else f"{slug}-{n}")
    return anchors


def test_every_relative_link_and_its_anchor_resolves():
    broken = []
    links = 0
    for doc in DOCS:
        for number, line in enumerate(doc.read_text("utf-8").splitlines(), 1):
            for link in LINK.findall(CODE_SPAN.sub("", line)):
                if re.match(r"^[a-z]+:", link):
                    continue
                links += 1
                path, _, fragment = link.partition("#")
                target = (doc.parent / path).resolve() if path else doc
                anchored = not fragment or target.suffix != ".md"
                if not (target.exists() and (anchored or fragment in _anchors(target))):
                    broken.append(f"{doc.relative_to(ROOT).as_posix()}:{number}: {link}")
    assert broken == []
    assert links > 100
