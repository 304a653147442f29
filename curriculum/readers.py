"""Read and check the curriculum's source files (`lessons/content/`).

Reading is separate from loading: everything is parsed and cross-checked here first, so a
single malformed file stops the load before the database is touched. Every error names the
file and line (`iam/03-policies.md:4: minutes must be a whole number`).
"""

from __future__ import annotations

import builtins
import pickle
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import yaml

from curriculum.validation import (
    LESSON_MINUTES,
    LEVELS,
    MAX_LESSON_BODY,
    MAX_LESSON_LINES,
    MAX_SCENARIO_TEXT,
    MINUTES_PROBLEM,
    length_problem,
    lines_problem,
    link_problem,
    scenario_case_problem,
    sources_problem,
)
from lessons.hands_on import hands_on_problem
from lessons.markdown import MAX_CHECKS_PER_LESSON, body_problems, too_many_checks_message
from srm_trainer.typed_text import quoted

# The content stays beside the models it fills; this app only reads it.
CONTENT_DIR = Path(__file__).resolve().parent.parent / "lessons" / "content"
RESERVED_MODULE_SLUGS = {"srm", "compliance", "glossary"}
OWNERS = {"aws", "customer", "shared"}
PROGRAM_KINDS = {"law", "industry-standard", "attestation", "certification", "government-program"}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LESSON_FILE = re.compile(r"^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
T = TypeVar("T")


MAX_PROBLEMS = 20  # the problems one error names, as the import and the labs list them


class CurriculumError(Exception):
    """A problem with the content files: the file, the line (None: the whole file) and what is
    wrong. One error may name several (`problems`, at most `MAX_PROBLEMS`, in the order they
    were found; `total` counts them all): the error itself is the first, so its `str` is as
    it was when only the first was reported."""

    def __init__(
        self,
        file: str,
        line: int | None,
        message: str,
        *,
        problems: Iterable[CurriculumError] = (),
        total: int = 0,
    ) -> None:
        self.file, self.line, self.message = file, line, message
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")
        self.problems: tuple[CurriculumError, ...] = tuple(problems)[:MAX_PROBLEMS] or (self,)
        self.total = max(total, len(self.problems))

    @property
    def more(self) -> int:
        """How many problems were found beyond those `problems` holds."""
        return self.total - len(self.problems)

    def lines(self) -> list[str]:
        """Each problem as `file:line: message`, then how many more (the import's words)."""
        out = [str(p) for p in self.problems]
        if self.more:
            out.append(f"... and {self.more} more.")
        return out


class Problems:
    """Collects the problems of a read that goes on past them, so one run names every
    problem an author can fix, not only the first.

    `found.attempt(read, ...)` runs one reader (a file, an entry, a field): its CurriculumError
    is recorded and None is returned in its place, and the read goes on with the next. `with
    Problems() as found:` raises, when the block ends, one CurriculumError naming all of them
    (an error raised inside the block is the last). At most `MAX_PROBLEMS` are kept; `total`
    counts the rest."""

    def __init__(self) -> None:
        self.found: list[CurriculumError] = []
        self.total = 0

    def __bool__(self) -> bool:
        return self.total > 0

    def add(self, exc: CurriculumError) -> None:
        room = MAX_PROBLEMS - len(self.found)
        if room > 0:
            self.found.extend(exc.problems[:room])
        self.total += exc.total

    def attempt(self, read: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """`read(*args, **kwargs)`, or None (its problems recorded) when it refuses the text."""
        try:
            return read(*args, **kwargs)
        except CurriculumError as exc:
            self.add(exc)
            return None

    def each(self, read: Callable[..., T], raws: list[Any], file: str, *args: Any) -> list[T]:
        """`read(raw, file, order, *args)` for each entry of a list (`order` from 1), the ones
        it accepts in order; each refused one's problems recorded."""
        return [
            found
            for order, raw in enumerate(raws, start=1)
            if (found := self.attempt(read, raw, file, order, *args)) is not None
        ]

    def error(self) -> CurriculumError:
        """Everything collected, as one error (its file, line and message: the first's)."""
        first = self.found[0]
        if self.total == 1:
            return first
        return CurriculumError(first.file, first.line, first.message, problems=self.found,
                               total=self.total)  # fmt: skip

    def check(self) -> None:
        """Raise what was collected, if anything was."""
        if self:
            raise self.error()

    def __enter__(self) -> Problems:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if isinstance(exc, CurriculumError):
            self.add(exc)
            raise self.error() from None
        if exc is None:
            self.check()


def combined(errors: list[CurriculumError]) -> CurriculumError:
    """One error naming each of `errors` (not empty), in order."""
    found = Problems()
    for error in errors:
        found.add(error)
    return found.error()


# --- YAML with line numbers -------------------------------------------------------------


class _Mapping(dict):
    """A YAML mapping that remembers the line it started on (1-based), and the line of each
    of its keys (`key_lines`: a problem with one field is put on that field's line)."""

    line: int = 0
    key_lines: dict[str, int] = {}  # each mapping sets its own


# libyaml's parser when PyYAML was built with it (about 4x faster on the whole course; the same
# safe constructors and marks); the pure-Python one otherwise.
try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _LineLoader(_SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {
        key.value: key.start_mark.line + 1
        for key, _value in node.value
        if isinstance(key, yaml.ScalarNode)
    }
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# What each text parsed to, kept for the process as a pickle (a copy of it costs a few percent
# of parsing it): a second read of the same files parses nothing again (the tests read the
# shipped course several times a process), and every read still gets data of its own to change.
# Only what parsed is kept (an error is raised again from the text). Bounded; cleared when full.
_PARSED: dict[str, bytes] = {}
_PARSED_MAX = 2000


def _load_yaml(text: str, file: str, *, first_line: int = 1) -> Any:
    kept = _PARSED.get(text)
    if kept is not None:
        return pickle.loads(kept)  # noqa: S301 - pickled by this process, from parsed YAML
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else None
        raise CurriculumError(file, line, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise CurriculumError(file, None, f"invalid YAML: {exc}") from None
    if len(_PARSED) >= _PARSED_MAX:
        _PARSED.clear()
    _PARSED[text] = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    return data


class _Fields:
    """Typed access to one YAML mapping, with errors that point at its line."""

    def __init__(self, data: Any, file: str, what: str, *, line: int | None = None) -> None:
        if not isinstance(data, dict):
            raise CurriculumError(file, line, f"{what} must be a mapping of fields")
        self.data, self.file, self.what = data, file, what
        self.line = getattr(data, "line", None) or line

    def error(self, message: str) -> CurriculumError:
        return CurriculumError(self.file, self.line, f"{self.what}: {message}")

    # `str`, `int` and `bool` below are methods: annotations after them name the builtin
    # types as `builtins.str` and so on (a bare `str` there would be the method).
    def str(
        self, key: str, *, required: bool = True, default: str = "", max_chars: int | None = None
    ) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(f"'{key}' is required")
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.error(f"'{key}' must be non-empty text")
        too_long = length_problem(value.strip(), max_chars) if max_chars else None
        if too_long:
            raise self.error(f"'{key}' {too_long}")
        return value.strip()

    def slug(self, key: builtins.str = "slug") -> builtins.str:
        value = self.str(key)
        if not _SLUG.match(value):
            raise self.error(
                f"'{key}' must be lowercase words joined by hyphens, not {quoted(value)}"
            )
        return value

    def int(self, key: builtins.str, default: int) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.error(f"'{key}' must be a whole number, not {quoted(value)}")
        return value

    def bool(self, key: builtins.str, default: builtins.bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.error(f"'{key}' must be true or false, not {quoted(value)}")
        return value

    def str_list(self, key: builtins.str, *, required: builtins.bool = True) -> list[builtins.str]:
        value = self.data.get(key)
        if value is None and not required:
            return []
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            raise self.error(f"'{key}' must be a non-empty list of text")
        return [v.strip() for v in value]

    def only(self, *allowed: builtins.str) -> None:
        """Refuse a field not in `allowed` (each one named)."""
        unknown = sorted(set(self.data) - set(allowed), key=builtins.str)
        if unknown:
            raise combined(
                [
                    self.error(
                        f"unknown field {quoted(name)} (expected one of: {', '.join(allowed)})"
                    )
                    for name in unknown
                ]  # fmt: skip
            )


# --- The parsed curriculum ---------------------------------------------------------------


@dataclass(frozen=True)
class ModuleData:
    slug: str
    title: str
    summary: str
    order: int
    published: bool = True
    hands_on: tuple[str, ...] = ()  # the hands-on pieces its page offers (lessons/hands_on.py)


@dataclass(frozen=True)
class LessonData:
    module: str
    slug: str
    title: str
    summary: str
    body: str
    minutes: int
    order: int
    published: bool
    source: str
    level: str = "foundational"
    sources: tuple[tuple[str, str], ...] = ()  # (title, url) pairs
    checks: tuple[tuple[str, int], ...] = ()  # `::: check <question>`: (question slug, file line)
    # `formerly:` the lesson's earlier names, each "slug" (in this module) or "module/slug",
    # latest first: a database holding one has that row renamed to this lesson (the loader).
    formerly: tuple[str, ...] = ()
    formerly_line: int = 2

    @property
    def path(self) -> str:
        return f"{self.module}/{self.slug}"

    def former_paths(self) -> list[str]:
        """`formerly` as "module/slug" (a bare slug is in this lesson's module)."""
        return [name if "/" in name else f"{self.module}/{name}" for name in self.formerly]


@dataclass(frozen=True)
class LayerData:
    slug: str
    name: str
    description: str
    order: int


@dataclass(frozen=True)
class ServiceData:
    slug: str
    name: str
    model: str
    summary: str
    order: int
    responsibilities: dict[str, tuple[str, str]]  # layer slug -> (owner, reason)


@dataclass(frozen=True)
class ScenarioData:
    slug: str
    title: str
    situation: str
    case: dict
    lessons: tuple[str, ...]  # "module/lesson"
    order: int
    source: str
    line: int
    rule: tuple[str, str] | None = None  # (title, url) of the documentation rule
    explanation: str = ""  # why AWS decides so: shown after the learner predicts


@dataclass(frozen=True)
class ArtifactSectionData:
    slug: str
    name: str
    description: str
    order: int


@dataclass(frozen=True)
class ProgramData:
    slug: str
    name: str
    kind: str
    jurisdiction: str
    summary: str
    aws_provides: tuple[str, ...]
    customer_keeps: tuple[str, ...]
    artifact_section: str
    artifact_item: str
    order: int


@dataclass
class Curriculum:
    modules: list[ModuleData] = field(default_factory=list)
    lessons: list[LessonData] = field(default_factory=list)
    layers: list[LayerData] = field(default_factory=list)
    services: list[ServiceData] = field(default_factory=list)
    scenarios: list[ScenarioData] = field(default_factory=list)
    artifact_sections: list[ArtifactSectionData] = field(default_factory=list)
    programs: list[ProgramData] = field(default_factory=list)
    glossary: list = field(default_factory=list)  # curriculum.glossary_reader.TermData
    # What exists but could not be read ("module:iam", "lesson:iam/03-policies" as
    # "lesson:iam/policies", "scenario:s3-read", "question:q"): its own problem is reported, so
    # what refers to it is not refused for that too, nor checked against it.
    unread: set[str] = field(default_factory=set)

    def lesson_paths(self) -> set[str]:
        """Every lesson as "module/lesson", those that could not be read too."""
        found = {f"{lesson.module}/{lesson.slug}" for lesson in self.lessons}
        return found | {name[7:] for name in self.unread if name.startswith("lesson:")}


# --- Readers -----------------------------------------------------------------------------


def read_curriculum(
    root: Path = CONTENT_DIR, *, check_cases: bool = True, problems: Problems | None = None
) -> Curriculum:
    """Parse every source file under `root` and check the references between them. Each file,
    entry and field is read on its own, so one CurriculumError names every problem found (in
    the order of the files; `Problems`); with `problems`, they are recorded there instead and
    what could be read is returned (`Curriculum.unread` names what could not)."""
    if problems is None:
        with Problems() as found:
            return read_curriculum(root, check_cases=check_cases, problems=found)
    pb = problems
    cur = Curriculum()
    modules = pb.attempt(_read_modules, root, cur, pb)
    if modules is None:  # no list of modules: each folder of lessons is read as one
        modules = _module_folders(root)
        cur.unread.update(f"module:{m.slug}" for m in modules)
    else:
        cur.modules = modules
    for module in modules:
        cur.lessons.extend(_read_lessons(root, module, cur, pb))
    pb.attempt(_check_formerly, cur.lessons, cur.unread)
    if (root / "srm.yaml").exists():
        cur.layers, cur.services = pb.attempt(_read_srm, root, pb) or ([], [])
    if (root / "compliance.yaml").exists():
        cur.artifact_sections, cur.programs = pb.attempt(_read_compliance, root, pb) or ([], [])
    lesson_paths = cur.lesson_paths()
    scenario_dir = root / "scenarios"
    files = sorted(scenario_dir.glob("*.yaml")) if scenario_dir.is_dir() else []
    for path in files:
        scenarios = pb.attempt(_read_scenarios, root, path, lesson_paths, cur, pb,
                               start=len(cur.scenarios))  # fmt: skip
        cur.scenarios.extend(scenarios or ())
    pb.attempt(_unique, cur.scenarios, "scenario")
    from curriculum.glossary_reader import read_glossary  # it builds on this module's helpers

    cur.glossary = read_glossary(root, lesson_paths, problems=pb)
    if check_cases:
        for scenario in cur.scenarios:
            before = pb.total
            pb.attempt(_check_scenario_case, scenario)
            if pb.total > before:
                cur.unread.add(f"scenario:{scenario.slug}")  # its questions are not checked
    return cur


def _got(value: T | None) -> T:
    """A value read within a `with Problems()` that ended without a problem: it was read."""
    assert value is not None
    return value


def _module_folders(root: Path) -> list[ModuleData]:
    """The folders under `root` that hold lesson files, as modules (when the list of modules
    cannot be read, their lessons are still read and checked)."""
    folders = sorted(p for p in root.iterdir() if p.is_dir() and _SLUG.match(p.name)) \
        if root.is_dir() else []  # fmt: skip
    return [ModuleData(p.name, p.name, "", n) for n, p in enumerate(folders, start=1)
            if any(_LESSON_FILE.match(f.name) for f in p.iterdir())]  # fmt: skip


def _rel(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _read_text(root: Path, path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CurriculumError(_rel(root, path), None, f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise CurriculumError(_rel(root, path), None, f"cannot read: {exc.strerror}") from None


def _unique(items: list, what: str, file: str | None = None) -> None:
    """Refuse a slug used twice (each repeat named)."""
    seen: set[str] = set()
    errors = []
    for item in items:
        if item.slug in seen:
            where = getattr(item, "source", file or "?")
            errors.append(CurriculumError(
                where, getattr(item, "line", None), f"duplicate {what} slug {quoted(item.slug)}"
            ))  # fmt: skip
        seen.add(item.slug)
    if errors:
        raise combined(errors)


def _read_modules(root: Path, cur: Curriculum, pb: Problems) -> list[ModuleData]:
    """The list of modules, each entry read on its own (one refused is named in
    `cur.unread`, so what refers to it is not refused for that too)."""
    path = root / "modules.yaml"
    file = _rel(root, path)
    if not path.exists():
        raise CurriculumError(file, None, "missing: the list of modules")
    data = _load_yaml(_read_text(root, path), file)
    if not isinstance(data, list) or not data:
        raise CurriculumError(file, 1, "must be a non-empty list of modules")
    modules = []
    for order, raw in enumerate(data, start=1):
        module = pb.attempt(_read_module, raw, file, order)
        if module is not None:
            modules.append(module)
        elif isinstance(raw, dict) and isinstance(raw.get("slug"), str):
            cur.unread.add(f"module:{raw['slug'].strip()}")
    pb.attempt(_unique, modules, "module", file)
    return modules


def _read_module(raw: Any, file: str, order: int) -> ModuleData:
    f = _Fields(raw, file, f"module #{order}")
    with Problems() as pb:
        pb.attempt(f.only, "slug", "title", "summary", "published", "hands_on")
        slug = f.slug()
        if slug in RESERVED_MODULE_SLUGS:
            pb.add(f.error(f"the slug {quoted(slug)} is taken by a page (/learn/{slug}/)"))
        title = pb.attempt(f.str, "title")
        summary = pb.attempt(f.str, "summary", required=False)
        published = pb.attempt(f.bool, "published", True)
        hands_on = pb.attempt(_read_hands_on, f)
    return ModuleData(
        slug, _got(title), _got(summary), order, _got(published), hands_on=_got(hands_on)
    )


def _read_hands_on(f: _Fields) -> tuple[str, ...]:
    """A module's `hands_on:` list, checked as the admin checks it (`hands_on_problem`), the
    problem put on the key's line: an unknown slug is refused with the known ones listed."""
    value = f.data.get("hands_on")
    if value is None:  # left out, or written with nothing after it: no pieces
        return ()
    problem = hands_on_problem(value)
    if problem:
        line = getattr(f.data, "key_lines", {}).get("hands_on") or f.line
        raise CurriculumError(f.file, line, f"{f.what}: 'hands_on' {problem}")
    return tuple(value)


def _key_line(text: str, key: str) -> int | None:
    """The 1-based line of a top-level `key:` in a lesson file's front matter, for errors."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
        if number > 1 and line.strip() == "---":
            return None
    return None


def _read_sources(meta: Any, text: str, file: str) -> tuple[tuple[str, str], ...]:
    """A lesson's `sources:` list, checked: every lesson names at least two AWS pages."""
    raw = meta.get("sources") if isinstance(meta, dict) else None
    key_line = _key_line(text, "sources")
    if raw is None:
        raise CurriculumError(
            file,
            2,
            "front matter: 'sources' is missing: list at least two AWS documentation pages "
            "the lesson rests on, each as {title: ..., url: https://...}",
        )
    if isinstance(raw, list):
        errors = []
        for index, link in enumerate(raw, start=1):
            problem = link_problem(link, f"source #{index}")
            if problem:
                # Mappings remember their line inside the front matter, which starts on line 2.
                line = getattr(link, "line", 0) + 1 if getattr(link, "line", 0) else key_line
                errors.append(CurriculumError(file, line, f"front matter: {problem}"))
        if errors:  # each link's problem (what the whole list is checked for next repeats one)
            raise combined(errors)
    problem = sources_problem(raw)
    if problem:
        raise CurriculumError(file, key_line or 2, f"front matter: {problem}")
    return tuple((link["title"].strip(), link["url"].strip()) for link in raw)


def _split_front_matter(text: str, file: str) -> tuple[Any, str, int]:
    """Split `---\\nYAML\\n---\\nbody`; returns (front matter, body, the body's first line)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise CurriculumError(file, 1, "a lesson starts with a '---' front matter block")
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            meta = _load_yaml("".join(lines[1:index]), file, first_line=2)
            return meta, "".join(lines[index + 1 :]), index + 2
    raise CurriculumError(file, 1, "the front matter block is not closed with '---'")


def _read_lessons(
    root: Path, module: ModuleData, cur: Curriculum, pb: Problems
) -> list[LessonData]:
    """A module's lesson files, each read on its own (one refused is named in `cur.unread`)."""
    folder = root / module.slug
    if not folder.is_dir():
        return []
    lessons = []
    for path in sorted(folder.iterdir()):
        file = _rel(root, path)
        if path.suffix != ".md":
            continue
        match = _LESSON_FILE.match(path.name)
        if not match:
            pb.add(CurriculumError(
                file, None, "lesson files are named NN-slug.md (e.g. 01-root-user.md)"
            ))  # fmt: skip
            continue
        lesson = pb.attempt(_read_lesson, root, path, module, match)
        if lesson is None:
            cur.unread.add(f"lesson:{module.slug}/{match.group(2)}")
        else:
            lessons.append(lesson)
    pb.attempt(_unique, lessons, f"lesson in module {quoted(module.slug)}", _rel(root, folder))
    return lessons


def _read_lesson(root: Path, path: Path, module: ModuleData, match: re.Match) -> LessonData:
    """One lesson file: each field of its front matter and each marker of its body checked on
    its own, every problem named in the order of the file (a field's, at its line or at the
    front matter's, line 2)."""
    file = _rel(root, path)
    text = _read_text(root, path)
    meta, body, body_line = _split_front_matter(text, file)
    f = _Fields(meta, file, "front matter", line=2)
    f.line = 2
    with Problems() as pb:
        pb.attempt(
            f.only, "title", "summary", "minutes", "published", "level", "sources", "formerly"
        )
        formerly_line = _key_line(text, "formerly") or 2
        formerly = pb.attempt(
            _read_formerly, meta, file, formerly_line, f"{module.slug}/{match.group(2)}"
        )
        level = pb.attempt(f.str, "level", required=False, default="foundational")
        if level is not None and level not in LEVELS:
            pb.add(CurriculumError(
                file,
                _key_line(text, "level") or 2,
                f"front matter: 'level' must be one of {', '.join(LEVELS)}, not {quoted(level)}",
            ))  # fmt: skip
        title, summary = pb.attempt(f.str, "title"), pb.attempt(f.str, "summary", required=False)
        minutes, published = pb.attempt(f.int, "minutes", 5), pb.attempt(f.bool, "published", True)
        if minutes is not None and not LESSON_MINUTES[0] <= minutes <= LESSON_MINUTES[1]:
            pb.add(CurriculumError(
                file,
                _key_line(text, "minutes") or 2,
                f"front matter: 'minutes' {MINUTES_PROBLEM}, not {minutes}",
            ))  # fmt: skip
        sources = pb.attempt(_read_sources, meta, text, file)
        if not body.strip():
            pb.add(CurriculumError(file, body_line, "the lesson has no body"))
        too_long = length_problem(body.strip(), MAX_LESSON_BODY) or lines_problem(
            body.strip(), MAX_LESSON_LINES
        )
        if too_long:  # not read any further: split the lesson first
            pb.add(CurriculumError(file, body_line, f"the body {too_long} (split the lesson)"))
        before = len(pb.found)
        checks = pb.attempt(_read_checks, body, body_line, file) if not too_long else ()
        said = {e.line for e in pb.found[before:]}  # a malformed check: said once, not twice
        # What the page would drop without a word (an unknown diagram), as the admin refuses it.
        for line, message in body_problems(body) if not too_long else ():
            if body_line + line - 1 not in said:
                pb.add(CurriculumError(file, body_line + line - 1, message))
        pb.found.sort(key=lambda e: e.line or 0)  # in the order of the file (the sort is stable)
    return LessonData(
        module=module.slug,
        slug=match.group(2),
        title=_got(title),
        summary=_got(summary),
        body=body.strip() + "\n",
        minutes=_got(minutes),
        order=int(match.group(1)),
        published=_got(published),
        source=file,
        level=_got(level),
        sources=_got(sources),
        checks=_got(checks),
        formerly=_got(formerly),
        formerly_line=formerly_line,
    )


def _read_formerly(meta: Any, file: str, line: int, path: str) -> tuple[str, ...]:
    """A lesson's `formerly:`, the slug (or slugs, latest first) it had before a rename: each a
    slug of its own module, or "module/slug" for a lesson renamed as it moved."""
    raw = meta.get("formerly") if isinstance(meta, dict) else None
    if raw is None:
        return ()
    names = raw if isinstance(raw, list) else [raw]
    problem = ""
    if not names or not all(isinstance(n, str) for n in names):
        problem = "must be the slug the lesson had before, or a list of them"
    else:
        for name in names:
            parts = name.strip().split("/")
            if len(parts) > 2 or not all(_SLUG.match(p) for p in parts):
                problem = (
                    f"names {quoted(name)}: write a slug (as in 'root-account') or "
                    "module-slug/lesson-slug for a lesson renamed as it moved"
                )
                break
            if name.strip() in (path, path.split("/")[1]):
                problem = f"names {quoted(name)}, the lesson's own slug"
                break
    if not problem and len({n.strip() for n in names}) < len(names):
        problem = "names the same slug twice"
    if problem:
        raise CurriculumError(file, line, f"front matter: 'formerly' {problem}")
    return tuple(n.strip() for n in names)


def _check_formerly(lessons: list[LessonData], unread: set[str]) -> None:
    """Each old name a lesson gives is no lesson in the files now (a rename takes the old
    file away), and no two lessons give the same one (one row cannot become both)."""
    files = {lesson.path: lesson for lesson in lessons}
    claimed: dict[str, LessonData] = {}
    errors = []
    for lesson in lessons:
        for old in lesson.former_paths():
            there = files.get(old)
            if there is not None:
                if lesson.path in there.former_paths():
                    why = (
                        f"{quoted(old)}, whose file ({there.source}) says it was formerly "
                        f"{quoted(lesson.path)}: a cycle; a rename names the slug that is gone"
                    )
                else:
                    why = (
                        f"{quoted(old)}, still a lesson in the files ({there.source}): a "
                        "renamed lesson's old file is taken out"
                    )
                errors.append(
                    CurriculumError(
                        lesson.source, lesson.formerly_line, f"front matter: 'formerly' names {why}"
                    )  # fmt: skip
                )
            elif f"lesson:{old}" in unread:
                continue
            elif old in claimed:
                errors.append(CurriculumError(
                    lesson.source,
                    lesson.formerly_line,
                    f"front matter: 'formerly' names {quoted(old)}, which "
                    f"{claimed[old].source} names too: one lesson cannot become two",
                ))  # fmt: skip
            else:
                claimed[old] = lesson
    if errors:
        raise combined(errors)


_CHECK_LINE = re.compile(r"^\s*:::+\s*check\b(.*)$")


def _read_checks(body: str, body_line: int, file: str) -> tuple[tuple[str, int], ...]:
    """The questions a lesson embeds with `::: check <question-slug>` (closed by `:::`), with
    their lines; whether each question exists is checked once the quizzes are read."""
    found: list[tuple[str, int]] = []
    errors: list[CurriculumError] = []
    for offset, line in enumerate(body.splitlines()):
        match = _CHECK_LINE.match(line)
        if not match:
            continue
        number = body_line + offset
        slug = match.group(1).strip()
        if not _SLUG.match(slug):
            errors.append(CurriculumError(
                file,
                number,
                f"'::: check' needs a question slug, as in '::: check iam-mfa-1', not {quoted(slug)}",
            ))  # fmt: skip
        elif slug in {s for s, _ in found}:
            errors.append(
                CurriculumError(file, number, f"the check {quoted(slug)} is already in this lesson")
            )
        else:
            found.append((slug, number))
    if len(found) > MAX_CHECKS_PER_LESSON:
        errors.append(CurriculumError(
            file,
            found[MAX_CHECKS_PER_LESSON][1],
            too_many_checks_message(),
        ))  # fmt: skip
    if errors:
        raise combined(sorted(errors, key=lambda e: e.line or 0))
    return tuple(found)


def _read_srm(root: Path, pb: Problems) -> tuple[list[LayerData], list[ServiceData]]:
    """The SRM's layers and services, each entry (and each of a service's layers) read on
    its own."""
    file = "srm.yaml"
    data = _load_yaml(_read_text(root, root / file), file)
    top = _Fields(data, file, "srm.yaml", line=1)
    pb.attempt(top.only, "layers", "services")
    raw_layers, raw_services = data.get("layers"), data.get("services")
    if not isinstance(raw_layers, list) or not raw_layers:
        raise top.error("'layers' must be a non-empty list")
    if not isinstance(raw_services, list) or not raw_services:
        pb.add(top.error("'services' must be a non-empty list"))
        raw_services = []
    layers = pb.each(_read_named, raw_layers, file, "layer", LayerData)
    pb.attempt(_unique, layers, "layer", file)
    if len(layers) < len(raw_layers):  # a layer refused: what each service owns is unknown
        return layers, []
    layer_slugs = [layer.slug for layer in layers]
    services = pb.each(_read_service, raw_services, file, layer_slugs)
    pb.attempt(_unique, services, "service", file)
    return layers, services


def _read_named(raw: Any, file: str, order: int, what: str, make: Callable[..., T]) -> T:
    """An entry of only a slug, a name and an optional description (an SRM layer, an AWS
    Artifact section), made with `make(slug, name, description, order)`."""
    f = _Fields(raw, file, f"{what} #{order}")
    with Problems() as pb:
        pb.attempt(f.only, "slug", "name", "description")
        slug, name = f.slug(), pb.attempt(f.str, "name")
        description = pb.attempt(f.str, "description", required=False)
    return make(slug, _got(name), _got(description), order)


def _read_service(raw: Any, file: str, order: int, layer_slugs: list[str]) -> ServiceData:
    f = _Fields(raw, file, f"service #{order}")
    with Problems() as pb:
        pb.attempt(f.only, "slug", "name", "model", "summary", "responsibilities")
        slug = f.slug()
        f.what = f"service {quoted(slug)}"
        name, model = pb.attempt(f.str, "name"), pb.attempt(f.str, "model")
        summary = pb.attempt(f.str, "summary", required=False)
        resp = _Fields(
            raw.get("responsibilities"),
            file,
            f"service {quoted(slug)} responsibilities",
            line=f.line,
        )
        table: dict[str, tuple[str, str]] = {}
        for layer_slug, value in resp.data.items():
            if layer_slug not in layer_slugs:
                pb.add(resp.error(f"unknown layer {quoted(layer_slug)}"))
                continue
            entry = pb.attempt(_read_owner, value, file, slug, layer_slug, resp.line)
            if entry is not None:
                table[layer_slug] = entry
        missing = [s for s in layer_slugs if s not in resp.data]
        if missing:
            pb.add(resp.error(f"no owner given for layer {quoted(missing[0])}"))
    return ServiceData(slug, _got(name), _got(model), _got(summary), order, table)


def _read_owner(
    value: Any, file: str, slug: str, layer_slug: str, line: int | None
) -> tuple[str, str]:
    entry = _Fields(value, file, f"service {quoted(slug)}, layer {quoted(layer_slug)}", line=line)
    with Problems() as pb:
        pb.attempt(entry.only, "owner", "reason")
        owner = pb.attempt(entry.str, "owner")
        if owner is not None and owner not in OWNERS:
            pb.add(entry.error(f"owner must be one of aws, customer, shared, not {quoted(owner)}"))
        reason = pb.attempt(entry.str, "reason")
    return _got(owner), _got(reason)


def _read_compliance(
    root: Path, pb: Problems
) -> tuple[list[ArtifactSectionData], list[ProgramData]]:
    """The compliance programs and AWS Artifact's sections, each entry read on its own."""
    file = "compliance.yaml"
    data = _load_yaml(_read_text(root, root / file), file)
    top = _Fields(data, file, "compliance.yaml", line=1)
    pb.attempt(top.only, "artifact_sections", "programs")
    raw_sections = data.get("artifact_sections") or []
    sections = pb.each(_read_named, raw_sections, file, "artifact section", ArtifactSectionData)
    pb.attempt(_unique, sections, "artifact section", file)
    section_slugs = {s.slug for s in sections}
    if len(sections) < len(raw_sections):  # a section refused: its programs name it anyway
        section_slugs |= {r["slug"] for r in raw_sections
                          if isinstance(r, dict) and isinstance(r.get("slug"), str)}  # fmt: skip
    raw_programs = data.get("programs")
    if not isinstance(raw_programs, list) or not raw_programs:
        raise top.error("'programs' must be a non-empty list")
    programs = pb.each(_read_program, raw_programs, file, section_slugs)
    pb.attempt(_unique, programs, "program", file)
    return sections, programs


def _read_program(raw: Any, file: str, order: int, section_slugs: set[str]) -> ProgramData:
    f = _Fields(raw, file, f"program #{order}")
    with Problems() as pb:
        pb.attempt(f.only, "slug", "name", "kind", "jurisdiction", "summary", "aws_provides",
                   "artifact", "customer_keeps")  # fmt: skip
        slug = f.slug()
        f.what = f"program {quoted(slug)}"
        kind = pb.attempt(f.str, "kind")
        if kind is not None and kind not in PROGRAM_KINDS:
            pb.add(
                f.error(
                    f"kind must be one of {', '.join(sorted(PROGRAM_KINDS))}, not {quoted(kind)}"
                )
            )
        section, item = "", ""
        if raw.get("artifact") is not None:
            art = _Fields(raw["artifact"], file, f"program {quoted(slug)} artifact", line=f.line)
            pb.attempt(art.only, "section", "item")
            section = pb.attempt(art.str, "section") or ""
            item = pb.attempt(art.str, "item") or ""
            if section and section not in section_slugs:
                pb.add(art.error(f"unknown artifact section {quoted(section)}"))
        name, jurisdiction = pb.attempt(f.str, "name"), pb.attempt(f.str, "jurisdiction",
                                                                    required=False)  # fmt: skip
        summary = pb.attempt(f.str, "summary")
        provides = pb.attempt(f.str_list, "aws_provides")
        keeps = pb.attempt(f.str_list, "customer_keeps")
    return ProgramData(slug, _got(name), _got(kind), _got(jurisdiction), _got(summary),
                       tuple(_got(provides)), tuple(_got(keeps)), section, item, order)  # fmt: skip


def _read_scenarios(
    root: Path, path: Path, lesson_paths: set[str], cur: Curriculum, pb: Problems, *, start: int
) -> list[ScenarioData]:
    """A file of scenarios, each read on its own (one refused is named in `cur.unread`)."""
    file = _rel(root, path)
    data = _load_yaml(_read_text(root, path), file)
    if not isinstance(data, list):
        raise CurriculumError(file, 1, "must be a list of scenarios")
    scenarios = []
    for index, raw in enumerate(data, start=1):
        scenario = pb.attempt(_read_scenario, raw, file, index, start + index, lesson_paths)
        if scenario is not None:
            scenarios.append(scenario)
        elif isinstance(raw, dict) and isinstance(raw.get("slug"), str):
            cur.unread.add(f"scenario:{raw['slug'].strip()}")
    return scenarios


def _read_scenario(
    raw: Any, file: str, index: int, order: int, lesson_paths: set[str]
) -> ScenarioData:
    f = _Fields(raw, file, f"scenario #{index}")
    with Problems() as pb:
        pb.attempt(f.only, "slug", "title", "situation", "explanation", "lessons", "rule", "case")
        slug = f.slug()
        f.what = f"scenario {quoted(slug)}"
        lessons = pb.attempt(f.str_list, "lessons", required=False) or []
        for lesson in lessons:
            if lesson not in lesson_paths:
                pb.add(
                    f.error(
                        f"unknown lesson {quoted(lesson)} (write it as module-slug/lesson-slug)"
                    )
                )
        case = raw.get("case")
        if not isinstance(case, dict):
            pb.add(f.error("'case' must be a mapping in the IAM case format"))
        rule = None
        if raw.get("rule") is not None:
            problem = link_problem(raw["rule"], "'rule'")
            if problem:
                pb.add(CurriculumError(
                    file, getattr(raw["rule"], "line", None) or f.line, f"{f.what}: {problem}"
                ))  # fmt: skip
            else:
                rule = (raw["rule"]["title"].strip(), raw["rule"]["url"].strip())
        title = pb.attempt(f.str, "title")
        situation = pb.attempt(f.str, "situation", max_chars=MAX_SCENARIO_TEXT)
        explanation = pb.attempt(f.str, "explanation", required=False, max_chars=MAX_SCENARIO_TEXT)
    return ScenarioData(
        slug,
        _got(title),
        _got(situation),
        _plain(case),
        tuple(lessons),
        order,
        file,
        f.line or 1,  # as the glossary's reader: a mapping from YAML has its line
        rule,
        _got(explanation),
    )


def _plain(value: Any) -> Any:
    """Strip the line-number mapping type so cases are ordinary JSON-ready data."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _check_scenario_case(scenario: ScenarioData) -> None:
    """A scenario must be a valid case whose `expect` the engine agrees with."""
    problem = scenario_case_problem(scenario.case)
    if problem:
        raise CurriculumError(
            scenario.source, scenario.line, f"scenario {quoted(scenario.slug)}: {problem}"
        )
