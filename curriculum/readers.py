"""Read and check the curriculum's source files (`lessons/content/`).

Reading is separate from loading: everything is parsed and cross-checked here first, so a
single malformed file stops the load before the database is touched. Every error names the
file and line (`iam/03-policies.md:4: minutes must be a whole number`).
"""

from __future__ import annotations

import builtins
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from curriculum.validation import LEVELS, link_problem, scenario_case_problem, sources_problem
from lessons.markdown import body_problems

# The content stays beside the models it fills; this app only reads it.
CONTENT_DIR = Path(__file__).resolve().parent.parent / "lessons" / "content"
RESERVED_MODULE_SLUGS = {"srm", "compliance", "glossary"}
OWNERS = {"aws", "customer", "shared"}
PROGRAM_KINDS = {"law", "industry-standard", "attestation", "certification", "government-program"}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LESSON_FILE = re.compile(r"^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


class CurriculumError(Exception):
    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file, self.line, self.message = file, line, message
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")


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
    def str(self, key: str, *, required: bool = True, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(f"'{key}' is required")
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.error(f"'{key}' must be non-empty text")
        return value.strip()

    def slug(self, key: builtins.str = "slug") -> builtins.str:
        value = self.str(key)
        if not _SLUG.match(value):
            raise self.error(f"'{key}' must be lowercase words joined by hyphens, not {value!r}")
        return value

    def int(self, key: builtins.str, default: int) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.error(f"'{key}' must be a whole number, not {value!r}")
        return value

    def bool(self, key: builtins.str, default: builtins.bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.error(f"'{key}' must be true or false, not {value!r}")
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
        unknown = sorted(set(self.data) - set(allowed))
        if unknown:
            raise self.error(
                f"unknown field {unknown[0]!r} (expected one of: {', '.join(allowed)})"
            )


# --- The parsed curriculum ---------------------------------------------------------------


@dataclass(frozen=True)
class ModuleData:
    slug: str
    title: str
    summary: str
    order: int
    published: bool = True


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


# --- Readers -----------------------------------------------------------------------------


def read_curriculum(root: Path = CONTENT_DIR, *, check_cases: bool = True) -> Curriculum:
    """Parse every source file under `root` and check the references between them."""
    cur = Curriculum()
    cur.modules = _read_modules(root)
    for module in cur.modules:
        cur.lessons.extend(_read_lessons(root, module))
    if (root / "srm.yaml").exists():
        cur.layers, cur.services = _read_srm(root)
    if (root / "compliance.yaml").exists():
        cur.artifact_sections, cur.programs = _read_compliance(root)
    lesson_paths = {f"{lesson.module}/{lesson.slug}" for lesson in cur.lessons}
    scenario_dir = root / "scenarios"
    files = sorted(scenario_dir.glob("*.yaml")) if scenario_dir.is_dir() else []
    for path in files:
        cur.scenarios.extend(_read_scenarios(root, path, lesson_paths, start=len(cur.scenarios)))
    _unique(cur.scenarios, "scenario")
    from curriculum.glossary_reader import read_glossary  # it builds on this module's helpers

    cur.glossary = read_glossary(root, lesson_paths)
    if check_cases:
        for scenario in cur.scenarios:
            _check_scenario_case(scenario)
    return cur


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
    seen: set[str] = set()
    for item in items:
        if item.slug in seen:
            where = getattr(item, "source", file or "?")
            raise CurriculumError(
                where, getattr(item, "line", None), f"duplicate {what} slug {item.slug!r}"
            )
        seen.add(item.slug)


def _read_modules(root: Path) -> list[ModuleData]:
    path = root / "modules.yaml"
    file = _rel(root, path)
    if not path.exists():
        raise CurriculumError(file, None, "missing: the list of modules")
    data = _load_yaml(_read_text(root, path), file)
    if not isinstance(data, list) or not data:
        raise CurriculumError(file, 1, "must be a non-empty list of modules")
    modules = []
    for order, raw in enumerate(data, start=1):
        f = _Fields(raw, file, f"module #{order}")
        f.only("slug", "title", "summary", "published")
        slug = f.slug()
        if slug in RESERVED_MODULE_SLUGS:
            raise f.error(f"the slug {slug!r} is taken by a page (/learn/{slug}/)")
        modules.append(
            ModuleData(
                slug,
                f.str("title"),
                f.str("summary", required=False),
                order,
                f.bool("published", True),
            )
        )
    _unique(modules, "module", file)
    return modules


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
        for index, link in enumerate(raw, start=1):
            problem = link_problem(link, f"source #{index}")
            if problem:
                # Mappings remember their line inside the front matter, which starts on line 2.
                line = getattr(link, "line", 0) + 1 if getattr(link, "line", 0) else key_line
                raise CurriculumError(file, line, f"front matter: {problem}")
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


def _read_lessons(root: Path, module: ModuleData) -> list[LessonData]:
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
            raise CurriculumError(
                file, None, "lesson files are named NN-slug.md (e.g. 01-root-user.md)"
            )
        text = _read_text(root, path)
        meta, body, body_line = _split_front_matter(text, file)
        f = _Fields(meta, file, "front matter", line=2)
        f.line = 2
        f.only("title", "summary", "minutes", "published", "level", "sources")
        level = f.str("level", required=False, default="foundational")
        if level not in LEVELS:
            raise CurriculumError(
                file,
                _key_line(text, "level") or 2,
                f"front matter: 'level' must be one of {', '.join(LEVELS)}, not {level!r}",
            )
        if not body.strip():
            raise CurriculumError(file, body_line, "the lesson has no body")
        title, summary = f.str("title"), f.str("summary", required=False)
        minutes, published = f.int("minutes", 5), f.bool("published", True)
        checks = _read_checks(body, body_line, file)
        # What the page would drop without a word (an unknown diagram), as the admin refuses it.
        for line, message in body_problems(body):
            raise CurriculumError(file, body_line + line - 1, message)
        lessons.append(
            LessonData(
                module=module.slug,
                slug=match.group(2),
                title=title,
                summary=summary,
                body=body.strip() + "\n",
                minutes=minutes,
                order=int(match.group(1)),
                published=published,
                source=file,
                level=level,
                sources=_read_sources(meta, text, file),
                checks=checks,
            )
        )
    _unique(lessons, f"lesson in module {module.slug!r}", _rel(root, folder))
    return lessons


MAX_CHECKS_PER_LESSON = 3
_CHECK_LINE = re.compile(r"^\s*:::+\s*check\b(.*)$")


def _read_checks(body: str, body_line: int, file: str) -> tuple[tuple[str, int], ...]:
    """The questions a lesson embeds with `::: check <question-slug>` (closed by `:::`), with
    their lines; whether each question exists is checked once the quizzes are read."""
    found: list[tuple[str, int]] = []
    for offset, line in enumerate(body.splitlines()):
        match = _CHECK_LINE.match(line)
        if not match:
            continue
        number = body_line + offset
        slug = match.group(1).strip()
        if not _SLUG.match(slug):
            raise CurriculumError(
                file,
                number,
                f"'::: check' needs a question slug, as in '::: check iam-mfa-1', not {slug!r}",
            )
        if slug in {s for s, _ in found}:
            raise CurriculumError(file, number, f"the check {slug!r} is already in this lesson")
        found.append((slug, number))
    if len(found) > MAX_CHECKS_PER_LESSON:
        raise CurriculumError(
            file,
            found[MAX_CHECKS_PER_LESSON][1],
            f"a lesson holds at most {MAX_CHECKS_PER_LESSON} checks (the module quiz has the rest)",
        )
    return tuple(found)


def _read_srm(root: Path) -> tuple[list[LayerData], list[ServiceData]]:
    file = "srm.yaml"
    data = _load_yaml(_read_text(root, root / file), file)
    top = _Fields(data, file, "srm.yaml", line=1)
    top.only("layers", "services")
    raw_layers, raw_services = data.get("layers"), data.get("services")
    if not isinstance(raw_layers, list) or not raw_layers:
        raise top.error("'layers' must be a non-empty list")
    if not isinstance(raw_services, list) or not raw_services:
        raise top.error("'services' must be a non-empty list")
    layers = []
    for order, raw in enumerate(raw_layers, start=1):
        f = _Fields(raw, file, f"layer #{order}")
        f.only("slug", "name", "description")
        layers.append(
            LayerData(f.slug(), f.str("name"), f.str("description", required=False), order)
        )
    _unique(layers, "layer", file)
    layer_slugs = [layer.slug for layer in layers]
    services = []
    for order, raw in enumerate(raw_services, start=1):
        f = _Fields(raw, file, f"service #{order}")
        f.only("slug", "name", "model", "summary", "responsibilities")
        slug = f.slug()
        f.what = f"service {slug!r}"
        resp = _Fields(
            raw.get("responsibilities"), file, f"service {slug!r} responsibilities", line=f.line
        )
        table: dict[str, tuple[str, str]] = {}
        for layer_slug, value in resp.data.items():
            if layer_slug not in layer_slugs:
                raise resp.error(f"unknown layer {layer_slug!r}")
            entry = _Fields(value, file, f"service {slug!r}, layer {layer_slug!r}", line=resp.line)
            entry.only("owner", "reason")
            owner = entry.str("owner")
            if owner not in OWNERS:
                raise entry.error(f"owner must be one of aws, customer, shared, not {owner!r}")
            table[layer_slug] = (owner, entry.str("reason"))
        missing = [s for s in layer_slugs if s not in table]
        if missing:
            raise resp.error(f"no owner given for layer {missing[0]!r}")
        services.append(
            ServiceData(
                slug, f.str("name"), f.str("model"), f.str("summary", required=False), order, table
            )
        )
    _unique(services, "service", file)
    return layers, services


def _read_compliance(root: Path) -> tuple[list[ArtifactSectionData], list[ProgramData]]:
    file = "compliance.yaml"
    data = _load_yaml(_read_text(root, root / file), file)
    top = _Fields(data, file, "compliance.yaml", line=1)
    top.only("artifact_sections", "programs")
    sections = []
    for order, raw in enumerate(data.get("artifact_sections") or [], start=1):
        f = _Fields(raw, file, f"artifact section #{order}")
        f.only("slug", "name", "description")
        sections.append(
            ArtifactSectionData(
                f.slug(), f.str("name"), f.str("description", required=False), order
            )
        )
    _unique(sections, "artifact section", file)
    section_slugs = {s.slug for s in sections}
    programs = []
    raw_programs = data.get("programs")
    if not isinstance(raw_programs, list) or not raw_programs:
        raise top.error("'programs' must be a non-empty list")
    for order, raw in enumerate(raw_programs, start=1):
        f = _Fields(raw, file, f"program #{order}")
        f.only(
            "slug",
            "name",
            "kind",
            "jurisdiction",
            "summary",
            "aws_provides",
            "artifact",
            "customer_keeps",
        )
        slug = f.slug()
        f.what = f"program {slug!r}"
        kind = f.str("kind")
        if kind not in PROGRAM_KINDS:
            raise f.error(f"kind must be one of {', '.join(sorted(PROGRAM_KINDS))}, not {kind!r}")
        section, item = "", ""
        if raw.get("artifact") is not None:
            art = _Fields(raw["artifact"], file, f"program {slug!r} artifact", line=f.line)
            art.only("section", "item")
            section, item = art.str("section"), art.str("item")
            if section not in section_slugs:
                raise art.error(f"unknown artifact section {section!r}")
        programs.append(
            ProgramData(
                slug,
                f.str("name"),
                kind,
                f.str("jurisdiction", required=False),
                f.str("summary"),
                tuple(f.str_list("aws_provides")),
                tuple(f.str_list("customer_keeps")),
                section,
                item,
                order,
            )
        )
    _unique(programs, "program", file)
    return sections, programs


def _read_scenarios(
    root: Path, path: Path, lesson_paths: set[str], *, start: int
) -> list[ScenarioData]:
    file = _rel(root, path)
    data = _load_yaml(_read_text(root, path), file)
    if not isinstance(data, list):
        raise CurriculumError(file, 1, "must be a list of scenarios")
    scenarios = []
    for index, raw in enumerate(data, start=1):
        f = _Fields(raw, file, f"scenario #{index}")
        f.only("slug", "title", "situation", "explanation", "lessons", "rule", "case")
        slug = f.slug()
        f.what = f"scenario {slug!r}"
        lessons = f.str_list("lessons", required=False)
        for lesson in lessons:
            if lesson not in lesson_paths:
                raise f.error(f"unknown lesson {lesson!r} (write it as module-slug/lesson-slug)")
        case = raw.get("case")
        if not isinstance(case, dict):
            raise f.error("'case' must be a mapping in the IAM case format")
        rule = None
        if raw.get("rule") is not None:
            problem = link_problem(raw["rule"], "'rule'")
            if problem:
                raise CurriculumError(
                    file, getattr(raw["rule"], "line", None) or f.line, f"{f.what}: {problem}"
                )
            rule = (raw["rule"]["title"].strip(), raw["rule"]["url"].strip())
        scenarios.append(
            ScenarioData(
                slug,
                f.str("title"),
                f.str("situation"),
                _plain(case),
                tuple(lessons),
                start + index,
                file,
                f.line or 1,  # as the glossary's reader: a mapping from YAML has its line
                rule,
                f.str("explanation", required=False),
            )
        )
    return scenarios


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
            scenario.source, scenario.line, f"scenario {scenario.slug!r}: {problem}"
        )
