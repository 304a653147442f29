"""Read and check the quiz files (`lessons/content/quizzes/*.yaml`, format in
`lessons/content/README.md`).

Like `curriculum.readers`, everything is parsed and cross-checked before the database is
touched, and every error names the file and line. It reuses that module's YAML-with-line-numbers
helpers and needs the parsed `Curriculum` for the references (modules, lessons, scenarios).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curriculum.readers import (
    CONTENT_DIR,
    Curriculum,
    CurriculumError,
    _Fields,
    _load_yaml,
    _read_text,
    _rel,
)
from curriculum.validation import LEVELS
from lessons.markdown import unknown_check_message
from lessons.models import Scenario
from quizzes import kinds
from quizzes.draw_rules import rule_problems, rule_target
from quizzes.kinds import text_id  # noqa: F401 - how new choice ids are made (tests use it)
from quizzes.models import Question, Quiz

FEEDBACK = ("immediate", "end")
# Fields that only make sense for some kinds: a stray one is almost always a mistake.
TYPE_FIELDS: dict[str, set[str]] = {}
for _kind in kinds.KINDS.values():
    for _name in _kind.file_fields:
        TYPE_FIELDS.setdefault(_name, set()).add(_kind.value)
QUESTION_FIELDS = (
    "slug",
    "type",
    "category",
    "prompt",
    "explanation",
    "lesson",
    "misconceptions",
    "level",
    *TYPE_FIELDS,
)


@dataclass(frozen=True)
class QuestionData:
    slug: str
    type: str
    category: str
    module: str  # the quiz file's module ("" for a mixed review)
    prompt: str
    explanation: str
    lesson: str  # "module/lesson"
    misconceptions: tuple[str, ...]
    data: dict
    scenario: str
    ask_statement: bool
    source: str
    line: int
    fixed_ids: frozenset[str] = frozenset()  # choice/item ids written in the file
    level: str = ""  # "" = the level of its lesson


@dataclass(frozen=True)
class QuizData:
    slug: str
    title: str
    description: str
    module: str
    pass_mark: int
    attempts_allowed: int
    shuffle_questions: bool
    shuffle_choices: bool
    feedback: str
    draw_category: str
    draw_count: int
    published: bool
    order: int
    questions: tuple[str, ...]  # question slugs in file order
    source: str
    line: int
    time_limit: int | None = None  # minutes; None = no limit
    tries: int = 1  # per question, with immediate feedback
    try_penalty: int = 0  # percent of a question's marks per extra try
    certainty: bool = False  # certainty-based marking on policy-decision questions
    draw_rules: tuple[dict, ...] = ()  # `draws:`: [{module or category, count}, ...]


@dataclass
class QuizContent:
    quizzes: list[QuizData] = field(default_factory=list)
    questions: list[QuestionData] = field(default_factory=list)


def read_quizzes(
    root: Path = CONTENT_DIR, cur: Curriculum | None = None, *, check_cases: bool = True
) -> QuizContent:
    """Parse every `quizzes/*.yaml` under `root`, checking references against `cur`."""
    cur = cur or Curriculum()
    refs = _Refs(
        modules={m.slug for m in cur.modules},
        lessons={f"{le.module}/{le.slug}" for le in cur.lessons},
        scenarios={s.slug: s.case for s in cur.scenarios},
        check_cases=check_cases,
    )
    content = QuizContent()
    folder = root / "quizzes"
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    for order, path in enumerate(files, start=1):
        quiz, questions = _read_file(root, path, order, refs)
        content.quizzes.append(quiz)
        content.questions.extend(questions)
    _unique(content.quizzes, "quiz")
    _unique(content.questions, "question")
    categories: dict[str, int] = {}
    for q in content.questions:
        categories[q.category] = categories.get(q.category, 0) + 1
    for quiz in content.quizzes:
        if quiz.draw_count and categories.get(quiz.draw_category, 0) < quiz.draw_count:
            raise CurriculumError(
                quiz.source,
                quiz.line,
                f"quiz {quiz.slug!r}: draws {quiz.draw_count} questions from category "
                f"{quiz.draw_category!r}, which has {categories.get(quiz.draw_category, 0)}",
            )
    _check_lesson_checks(cur, content)
    _check_rule_banks(content, categories)
    return content


def _check_lesson_checks(cur: Curriculum, content: QuizContent) -> None:
    """Every `::: check <slug>` in a lesson names a question of the quiz files."""
    known = {q.slug for q in content.questions}
    for lesson in cur.lessons:
        for slug, line in lesson.checks:
            if slug in known:
                continue
            raise CurriculumError(
                lesson.source,
                line,
                f"lesson {lesson.module}/{lesson.slug}: {unknown_check_message(slug, known)}",
            )


def _check_rule_banks(content: QuizContent, categories: dict[str, int]) -> None:
    """Every `draws` rule must find enough questions in the files: a module's are the questions
    of its quiz file (their `module`), a category's those filed under it."""
    modules: dict[str, int] = {}
    for q in content.questions:
        if q.module:
            modules[q.module] = modules.get(q.module, 0) + 1
    for quiz in content.quizzes:
        for number, rule in enumerate(quiz.draw_rules, start=1):
            kind, slug = rule_target(rule)
            have = (modules if kind == "module" else categories).get(slug, 0)
            if have < rule["count"]:
                raise CurriculumError(
                    quiz.source,
                    quiz.line,
                    f"quiz {quiz.slug!r}: draws rule {number} asks for {rule['count']} questions "
                    f"of {kind} {slug!r}, which has {have}",
                )


@dataclass(frozen=True)
class _Refs:
    modules: set[str]
    lessons: set[str]
    scenarios: dict[str, dict]
    check_cases: bool


def _unique(items: list, what: str) -> None:
    seen: dict[str, Any] = {}
    for item in items:
        if item.slug in seen:
            first = seen[item.slug]
            raise CurriculumError(
                item.source,
                item.line,
                f"duplicate {what} slug {item.slug!r} (first in {first.source}:{first.line})",
            )
        seen[item.slug] = item


def _read_file(
    root: Path, path: Path, order: int, refs: _Refs
) -> tuple[QuizData, list[QuestionData]]:
    file = _rel(root, path)
    data = _load_yaml(_read_text(root, path), file)
    top = _Fields(data, file, "quiz file", line=1)
    top.only("quiz", "questions")
    q = _Fields(data.get("quiz"), file, "quiz", line=1)
    q.only(
        "slug",
        "title",
        "module",
        "description",
        "pass_mark",
        "attempts_allowed",
        "shuffle_questions",
        "shuffle_choices",
        "feedback",
        "draw",
        "draws",
        "published",
        "time_limit",
        "tries",
        "try_penalty",
        "certainty",
    )
    slug = q.slug()
    q.what = f"quiz {slug!r}"
    for problem in Quiz(slug=slug).problems():  # the model's own checks, as in the admin
        raise q.error(problem[1])
    module = q.str("module", required=False)
    if module and module not in refs.modules:
        raise q.error(f"unknown module {module!r}")
    pass_mark = q.int("pass_mark", 70)
    for problem in Quiz(slug=slug, pass_mark=pass_mark).problems():
        raise q.error(problem[1])
    feedback = q.str("feedback", required=False, default="immediate")
    if feedback not in FEEDBACK:
        raise q.error(f"'feedback' must be immediate or end, not {feedback!r}")
    time_limit = None
    if data["quiz"].get("time_limit") is not None:
        time_limit = q.int("time_limit", 0)
        for problem in Quiz(slug=slug, time_limit=time_limit).problems():
            raise q.error(problem[1])
    tries, try_penalty = q.int("tries", 1), q.int("try_penalty", 0)
    certainty = q.bool("certainty", False)
    for problem in Quiz(
        slug=slug, feedback=feedback, tries=tries, try_penalty=try_penalty
    ).problems():
        raise q.error(problem[1])
    draw_category, draw_count = "", 0
    if data["quiz"].get("draw") is not None:
        d = _Fields(data["quiz"]["draw"], file, f"quiz {slug!r} draw", line=q.line)
        d.only("category", "count")
        draw_category, draw_count = d.slug("category"), d.int("count", 0)
        if draw_count < 1:
            raise d.error("'count' must be at least 1")
    draw_rules = _read_draw_rules(data["quiz"].get("draws"), q, file, refs)
    if draw_rules and draw_count:
        raise q.error("use either 'draw' (one category) or 'draws' (rules), not both")
    raw_questions = data.get("questions")
    if raw_questions is None:
        raw_questions = []
    if not isinstance(raw_questions, list):
        raise top.error("'questions' must be a list")
    if not raw_questions and not draw_count and not draw_rules:
        raise q.error("a quiz needs at least one question (or a 'draw' from a bank category)")
    questions = [
        _read_question(raw, file, index, module, refs)
        for index, raw in enumerate(raw_questions, start=1)
    ]
    quiz = QuizData(
        slug=slug,
        title=q.str("title"),
        description=q.str("description", required=False),
        module=module,
        pass_mark=pass_mark,
        attempts_allowed=q.int("attempts_allowed", 0),
        shuffle_questions=q.bool("shuffle_questions", False),
        shuffle_choices=q.bool("shuffle_choices", False),
        feedback=feedback,
        draw_category=draw_category,
        draw_count=draw_count,
        published=q.bool("published", True),
        order=order,
        questions=tuple(question.slug for question in questions),
        source=file,
        line=q.line or 1,
        time_limit=time_limit,
        tries=tries,
        try_penalty=try_penalty,
        certainty=certainty,
        draw_rules=tuple(draw_rules),
    )
    return quiz, questions


def _read_draw_rules(raw: Any, q: _Fields, file: str, refs: _Refs) -> list[dict]:
    """`draws: [{module: iam, count: 5}, {category: kms, count: 3}]`, checked rule by rule
    (each error names the rule's number and line), then as a whole by the model's own check."""
    if raw is None:
        return []
    if not isinstance(raw, list) or not raw:
        raise q.error("'draws' must be a non-empty list like [{module: iam, count: 5}]")
    rules = []
    for number, entry in enumerate(raw, start=1):
        d = _Fields(entry, file, f"{q.what} draws rule {number}", line=q.line)
        d.only("module", "category", "count")
        if ("module" in entry) == ("category" in entry):
            raise d.error("needs exactly one of 'module' or 'category'")
        name = "module" if "module" in entry else "category"
        target = d.slug(name)
        if name == "module" and target not in refs.modules:
            raise d.error(f"unknown module {target!r}")
        if "count" not in entry:
            raise d.error("'count' is required")
        count = d.int("count", 0)
        if count < 1:
            raise d.error("'count' must be at least 1")
        rules.append({name: target, "count": count})
    for message in rule_problems(rules):
        raise q.error(message)
    return rules


def _read_question(raw: Any, file: str, index: int, module: str, refs: _Refs) -> QuestionData:
    f = _Fields(raw, file, f"question #{index}")
    f.only(*QUESTION_FIELDS)
    slug = f.slug()
    f.what = f"question {slug!r}"
    value = f.str("type")
    kind = kinds.get(value)
    if kind is None:
        raise f.error(f"unknown type {value!r} (expected one of: {', '.join(kinds.KINDS)})")
    for name, types in TYPE_FIELDS.items():
        if name in raw and value not in types:
            raise f.error(f"'{name}' does not apply to a {value} question")
    category = f.slug("category") if raw.get("category") is not None else module
    if not category:
        raise f.error("'category' is required in a quiz without a module")
    lesson = f.str("lesson")
    if lesson not in refs.lessons:
        raise f.error(f"unknown lesson {lesson!r} (write it as module-slug/lesson-slug)")
    misconceptions = f.str_list("misconceptions", required=False)
    level = f.str("level", required=False)
    if level and level not in LEVELS:
        raise f.error(f"'level' must be one of {', '.join(LEVELS)}, not {level!r}")
    scenario, ask_statement = "", False
    if kind.uses_scenario:
        scenario = f.slug("scenario")
        if scenario not in refs.scenarios:
            raise f.error(f"unknown scenario {scenario!r}")
        ask_statement = f.bool("ask_statement", False)
    data = kind.data_from_file(raw)
    # The same validation the admin and the editors run, on an unsaved question.
    question = Question(
        slug=slug,
        type=value,
        data=data,
        ask_statement=ask_statement,
        scenario=Scenario(slug=scenario, case=refs.scenarios[scenario]) if scenario else None,
    )
    problems = _problems(question, thorough=refs.check_cases)
    if problems:
        problem = problems[0]
        raise CurriculumError(
            file, _line_at(raw, problem.path) or f.line, f"{f.what}: {problem.message}"
        )
    return QuestionData(
        slug=slug,
        type=value,
        category=category,
        module=module,
        prompt=f.str("prompt"),
        explanation=f.str("explanation"),
        lesson=lesson,
        misconceptions=tuple(misconceptions),
        data=data,
        scenario=scenario,
        ask_statement=ask_statement,
        source=file,
        line=f.line or 1,
        fixed_ids=frozenset(_fixed_ids(raw, kind)),
        level=level,
    )


# A question's problems by a digest of everything its kind's check reads (the type, the data,
# the scenario it asks about), kept for the process: a second read of the same files (every
# restart of `make run` reads them once; the loader's tests read them again and again) repeats
# no check, and some kinds' checks evaluate policies. Bounded; cleared whole when full.
_PROBLEMS: dict[bytes, tuple[kinds.Problem, ...]] = {}
_PROBLEMS_MAX = 5000


def _problems(question: Question, *, thorough: bool) -> list[kinds.Problem]:
    scenario = question.scenario
    depends = [
        question.type,
        question.data,
        question.ask_statement,
        None if scenario is None else [scenario.slug, scenario.case],
        thorough,
    ]
    try:
        text = json.dumps(depends, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):  # YAML that is not JSON (a date, say): checked every time
        return question.problems(thorough=thorough)
    key = hashlib.blake2b(text.encode(), digest_size=16).digest()
    found = _PROBLEMS.get(key)
    if found is None:
        found = tuple(question.problems(thorough=thorough))
        if len(_PROBLEMS) >= _PROBLEMS_MAX:
            _PROBLEMS.clear()
        _PROBLEMS[key] = found
    return list(found)


def _line_at(raw: Any, path: tuple) -> int | None:
    """The line of the deepest thing on `path` (a problem's location in the data) that has
    one: a YAML mapping's first line, else the line of the key it is written under (a text
    or a list, `text:` or `categories:`)."""
    line = getattr(raw, "line", None)
    node = raw
    for step in path:
        key_line = getattr(node, "key_lines", {}).get(step) if isinstance(step, str) else None
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        line = getattr(node, "line", None) or key_line or line
    return line


def _fixed_ids(raw: dict, kind) -> set[str]:
    out = set()
    for key in kind.id_lists:
        for entry in raw.get(key) or []:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                out.add(entry["id"].strip())
    return out
