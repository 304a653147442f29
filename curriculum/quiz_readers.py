"""Read and check the quiz files (`lessons/content/quizzes/*.yaml`, format in
`lessons/content/README.md`).

Like `curriculum.readers`, everything is parsed and cross-checked before the database is
touched, and every error names the file and line. It reuses that module's YAML-with-line-numbers
helpers and needs the parsed `Curriculum` for the references (modules, lessons, scenarios).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from curriculum.readers import (
    _SLUG,
    CONTENT_DIR,
    Curriculum,
    CurriculumError,
    Problems,
    _Fields,
    _got,
    _load_yaml,
    _read_text,
    _rel,
    combined,
)
from curriculum.validation import LEVELS, MAX_EXPLANATION_CHARS, MAX_PROMPT_CHARS
from lessons.markdown import unknown_check_message
from lessons.models import Scenario
from quizzes import kinds
from quizzes.draw_rules import MAX_DRAWN, rule_problems, rule_target
from quizzes.kinds import text_id  # noqa: F401 - how new choice ids are made (tests use it)
from quizzes.models import FINAL_EXAM_SLUG, Question, Quiz
from srm_trainer.typed_text import quoted

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
    "formerly",
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
    # `formerly:` the slugs it had before a rename, latest first (the loader renames the row)
    formerly: tuple[str, ...] = ()
    formerly_line: int = 1


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
    # `formerly:` the slugs it had before a rename, latest first (the loader renames the row)
    formerly: tuple[str, ...] = ()
    formerly_line: int = 1


@dataclass
class QuizContent:
    quizzes: list[QuizData] = field(default_factory=list)
    questions: list[QuestionData] = field(default_factory=list)


def read_quizzes(
    root: Path = CONTENT_DIR,
    cur: Curriculum | None = None,
    *,
    check_cases: bool = True,
    problems: Problems | None = None,
) -> QuizContent:
    """Parse every `quizzes/*.yaml` under `root`, checking references against `cur`. Each
    file, quiz, question and field is read on its own, so one CurriculumError names every
    problem found (`readers.Problems`); with `problems`, they are recorded there instead (after
    the lessons' own, when `read_curriculum` recorded those) and what was read is returned."""
    if problems is None:
        with Problems() as found:
            return read_quizzes(root, cur, check_cases=check_cases, problems=found)
    pb = problems
    cur = cur or Curriculum()
    unread = cur.unread
    refs = _Refs(
        modules={m.slug for m in cur.modules} | _names(unread, "module"),
        lessons=cur.lesson_paths(),
        scenarios={s.slug: s.case for s in cur.scenarios if f"scenario:{s.slug}" not in unread},
        check_cases=check_cases,
        unread_scenarios=_names(unread, "scenario"),
    )
    content = QuizContent()
    folder = root / "quizzes"
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    complete = True  # every quiz and question was read: counting them means something
    for order, path in enumerate(files, start=1):
        before = pb.total
        read = pb.attempt(_read_file, root, path, order, refs, pb)
        complete = complete and pb.total == before
        if read is None:
            unread.add("question:*")  # a file not read: its questions are unknown
            continue
        quiz, questions, skipped = read
        if quiz is not None:
            content.quizzes.append(quiz)
        content.questions.extend(questions)
        unread.update(f"question:{slug}" for slug in skipped)
    pb.attempt(_unique, content.quizzes, "quiz")
    pb.attempt(_check_formerly, content.quizzes, "quiz")
    pb.attempt(_unique, content.questions, "question")
    pb.attempt(_check_formerly, content.questions, "question")
    if complete:
        categories: dict[str, int] = {}
        for q in content.questions:
            categories[q.category] = categories.get(q.category, 0) + 1
        for quiz in content.quizzes:
            if quiz.draw_count and categories.get(quiz.draw_category, 0) < quiz.draw_count:
                pb.add(CurriculumError(
                    quiz.source,
                    quiz.line,
                    f"quiz {quoted(quiz.slug)}: draws {quiz.draw_count} questions from category "
                    f"{quoted(quiz.draw_category)}, which has {categories.get(quiz.draw_category, 0)}",
                ))  # fmt: skip
        pb.attempt(_check_rule_banks, content, categories)
    if "question:*" not in unread:
        pb.attempt(_check_lesson_checks, cur, content, _names(unread, "question"))
    return content


def _names(unread: set[str], kind: str) -> set[str]:
    """The names of one kind that `Curriculum.unread` holds."""
    prefix = f"{kind}:"
    return {name[len(prefix) :] for name in unread if name.startswith(prefix)}


def _check_lesson_checks(cur: Curriculum, content: QuizContent, unread: set[str]) -> None:
    """Every `::: check <slug>` in a lesson names a question of the quiz files (or one that
    could not be read, in `unread`: its own problem is named)."""
    known = {q.slug for q in content.questions}
    renamed = {old: q.slug for q in content.questions for old in q.formerly}
    errors = []
    for lesson in cur.lessons:
        for slug, line in lesson.checks:
            if slug in known or slug in unread:
                continue
            message = (
                f"'::: check {slug}' names a question renamed to {quoted(renamed[slug])} (its "
                f"'formerly'): write '::: check {renamed[slug]}'"
                if slug in renamed
                else unknown_check_message(slug, known)
            )
            errors.append(CurriculumError(
                lesson.source, line, f"lesson {lesson.module}/{lesson.slug}: {message}"
            ))  # fmt: skip
    if errors:
        raise combined(errors)


def _check_rule_banks(content: QuizContent, categories: dict[str, int]) -> None:
    """Every `draws` rule must find enough questions in the files: a module's are the questions
    of its quiz file (their `module`), a category's those filed under it."""
    modules: dict[str, int] = {}
    for q in content.questions:
        if q.module:
            modules[q.module] = modules.get(q.module, 0) + 1
    errors = []
    for quiz in content.quizzes:
        for number, rule in enumerate(quiz.draw_rules, start=1):
            kind, slug = rule_target(rule)
            have = (modules if kind == "module" else categories).get(slug, 0)
            if have < rule["count"]:
                errors.append(CurriculumError(
                    quiz.source,
                    quiz.line,
                    f"quiz {quoted(quiz.slug)}: draws rule {number} asks for {rule['count']} questions "
                    f"of {kind} {quoted(slug)}, which has {have}",
                ))  # fmt: skip
    if errors:
        raise combined(errors)


@dataclass(frozen=True)
class _Refs:
    modules: set[str]
    lessons: set[str]
    scenarios: dict[str, dict]
    check_cases: bool
    # Scenarios that could not be read (or whose case is refused): a question on one is not
    # refused for that too, nor checked against it.
    unread_scenarios: set[str] = field(default_factory=set)


def _unique(items: list, what: str) -> None:
    """Refuse a slug used twice (each repeat named, with where it was first)."""
    seen: dict[str, Any] = {}
    errors = []
    for item in items:
        if item.slug in seen:
            first = seen[item.slug]
            errors.append(CurriculumError(
                item.source,
                item.line,
                f"duplicate {what} slug {quoted(item.slug)} (first in {first.source}:{first.line})",
            ))  # fmt: skip
        else:
            seen[item.slug] = item
    if errors:
        raise combined(errors)


def _read_file(
    root: Path, path: Path, order: int, refs: _Refs, pb: Problems
) -> tuple[QuizData | None, list[QuestionData], list[str]]:
    """A quiz file: its quiz (None when refused) and each question read on its own; the
    slugs of the questions refused are the third."""
    file = _rel(root, path)
    data = _load_yaml(_read_text(root, path), file)
    top = _Fields(data, file, "quiz file", line=1)
    pb.attempt(top.only, "quiz", "questions")
    raw_quiz = data.get("quiz")
    quiz = pb.attempt(_read_quiz, raw_quiz, file, order, refs)
    if quiz is not None:
        module = quiz.module
    else:  # its module as written (an unknown one is named with the quiz)
        raw_module = raw_quiz.get("module") if isinstance(raw_quiz, dict) else None
        module = raw_module.strip() if isinstance(raw_module, str) else ""
    raw_questions = data.get("questions")
    if raw_questions is None:
        raw_questions = []
    if not isinstance(raw_questions, list):
        pb.add(top.error("'questions' must be a list"))
        raw_questions = []
    elif quiz is not None and not raw_questions and not quiz.draw_count and not quiz.draw_rules:
        pb.add(CurriculumError(file, quiz.line, f"quiz {quoted(quiz.slug)}: a quiz needs at least one "
                               "question (or a 'draw' from a bank category)"))  # fmt: skip
    elif len(raw_questions) > MAX_DRAWN:  # as every other door refuses (`listing_refused`)
        pb.add(CurriculumError(
            file, quiz.line if quiz is not None else 1,
            f"{'quiz ' + quoted(quiz.slug) if quiz is not None else 'the quiz'}: "
            f"{len(raw_questions)} questions listed; a quiz lists at most {MAX_DRAWN} (each "
            "attempt asks every one of them): split the file into two quizzes, or give the "
            f"questions a 'category' and let a quiz 'draw' up to {MAX_DRAWN} of them",
        ))  # fmt: skip
    questions, skipped = [], []
    for index, raw in enumerate(raw_questions, start=1):
        question = pb.attempt(_read_question, raw, file, index, module, refs)
        if question is not None:
            questions.append(question)
        elif isinstance(raw, dict) and isinstance(raw.get("slug"), str):
            skipped.append(raw["slug"].strip())
    if quiz is not None:
        quiz = replace(quiz, questions=tuple(question.slug for question in questions))
    return quiz, questions, skipped


def _read_quiz(raw: Any, file: str, order: int, refs: _Refs) -> QuizData:
    """A file's `quiz:` mapping, each setting checked on its own, then together by the
    model's own checks (as in the admin)."""
    q = _Fields(raw, file, "quiz", line=1)
    with Problems() as pb:
        pb.attempt(q.only, "slug", "title", "module", "description", "pass_mark",
                   "attempts_allowed", "shuffle_questions", "shuffle_choices", "feedback", "draw",
                   "draws", "published", "time_limit", "tries", "try_penalty", "certainty",
                   "formerly")  # fmt: skip
        slug = q.slug()
        q.what = f"quiz {quoted(slug)}"
        formerly_line = getattr(raw, "key_lines", {}).get("formerly") or q.line or 1
        formerly = pb.attempt(_read_formerly, raw.get("formerly"), q, formerly_line, slug, "quiz")
        module = pb.attempt(q.str, "module", required=False)
        if module and module not in refs.modules:
            pb.add(q.error(f"unknown module {quoted(module)}"))
        pass_mark = pb.attempt(q.int, "pass_mark", 70)
        feedback = pb.attempt(q.str, "feedback", required=False, default="immediate")
        if feedback is not None and feedback not in FEEDBACK:
            pb.add(q.error(f"'feedback' must be immediate or end, not {quoted(feedback)}"))
        time_limit = None
        if raw.get("time_limit") is not None:
            time_limit = pb.attempt(q.int, "time_limit", 0)
        tries, try_penalty = pb.attempt(q.int, "tries", 1), pb.attempt(q.int, "try_penalty", 0)
        certainty = pb.attempt(q.bool, "certainty", False)
        # The model's own checks, on what could be read (as in the admin).
        for problem in Quiz(slug=slug, pass_mark=70 if pass_mark is None else pass_mark,
                            time_limit=time_limit,
                            feedback=feedback if feedback in FEEDBACK else "immediate",
                            tries=1 if tries is None else tries,
                            try_penalty=try_penalty or 0).problems():  # fmt: skip
            pb.add(q.error(problem[1]))
        draw_category, draw_count = "", 0
        if raw.get("draw") is not None:
            drawn = pb.attempt(_read_draw, raw["draw"], file, q)
            draw_category, draw_count = drawn or ("", 0)
        draw_rules = pb.attempt(_read_draw_rules, raw.get("draws"), q, file, refs) or []
        if draw_rules and draw_count:
            pb.add(q.error("use either 'draw' (one category) or 'draws' (rules), not both"))
        title, description = pb.attempt(q.str, "title"), pb.attempt(q.str, "description",
                                                                     required=False)  # fmt: skip
        attempts_allowed = pb.attempt(q.int, "attempts_allowed", 0)
        shuffle_questions = pb.attempt(q.bool, "shuffle_questions", False)
        shuffle_choices = pb.attempt(q.bool, "shuffle_choices", False)
        published = pb.attempt(q.bool, "published", True)
    return QuizData(
        slug=slug,
        title=_got(title),
        description=_got(description),
        module=_got(module),
        pass_mark=_got(pass_mark),
        attempts_allowed=_got(attempts_allowed),
        shuffle_questions=_got(shuffle_questions),
        shuffle_choices=_got(shuffle_choices),
        feedback=_got(feedback),
        draw_category=draw_category,
        draw_count=draw_count,
        published=_got(published),
        order=order,
        questions=(),
        source=file,
        line=q.line or 1,
        time_limit=time_limit,
        tries=_got(tries),
        try_penalty=_got(try_penalty),
        certainty=_got(certainty),
        draw_rules=tuple(draw_rules),
        formerly=_got(formerly),
        formerly_line=formerly_line,
    )


def _read_formerly(raw: Any, q: _Fields, line: int, slug: str, noun: str) -> tuple[str, ...]:
    """A quiz's or a question's (`noun`) `formerly:`, the slug (or slugs, latest first) it had
    before a rename."""
    if raw is None:
        return ()
    names = raw if isinstance(raw, list) else [raw]
    problem = ""
    if not names or not all(isinstance(n, str) for n in names):
        problem = f"must be the slug the {noun} had before, or a list of them"
    elif bad := next((n for n in names if not _SLUG.match(n.strip())), None):
        example = "iam-quiz" if noun == "quiz" else "root-user-mfa"
        problem = f"names {quoted(bad)}: write a slug, as in {quoted(example)}"
    elif slug in {n.strip() for n in names}:
        problem = f"names {quoted(slug)}, the {noun}'s own slug"
    elif len({n.strip() for n in names}) < len(names):
        problem = "names the same slug twice"
    if problem:
        raise CurriculumError(q.file, line, f"{q.what}: 'formerly' {problem}")
    return tuple(n.strip() for n in names)


def _check_formerly(items: list[QuizData] | list[QuestionData], noun: str) -> None:
    """Each old slug a quiz (or question: `noun`) gives is no quiz (question) in the files now,
    and no two give the same one (one row cannot become both). The final exam keeps its slug:
    progress finds it by that, so renamed, every learner's course would lose its exam and
    certificate."""

    def place(item: QuizData | QuestionData) -> str:  # a question is one of a file's many
        return item.source if noun == "quiz" else f"{item.source}:{item.line}"

    files: dict[str, QuizData | QuestionData] = {item.slug: item for item in items}
    claimed: dict[str, QuizData | QuestionData] = {}
    errors = []
    for item in items:
        for old in item.formerly:
            there = files.get(old)
            if there is not None:
                why = (
                    f"{quoted(old)}, whose file ({place(there)}) says it was formerly "
                    f"{quoted(item.slug)}: a cycle; a rename names the slug that is gone"
                    if item.slug in there.formerly
                    else f"{quoted(old)}, still a {noun} in the files ({place(there)}): a "
                    f"renamed {noun}'s old slug is in no file"
                )
            elif noun == "quiz" and old == FINAL_EXAM_SLUG:
                why = (
                    f"{quoted(old)}, the slug course progress and the certificate find the "
                    "final exam by: keep it (a new title is fine)"
                )
            elif old in claimed:
                why = (
                    f"{quoted(old)}, which {place(claimed[old])} names too: one {noun} cannot "
                    "become two"
                )
            else:
                claimed[old] = item
                continue
            errors.append(
                CurriculumError(
                    item.source,
                    item.formerly_line,
                    f"{noun} {quoted(item.slug)}: 'formerly' names {why}",
                )  # fmt: skip
            )
    if errors:
        raise combined(errors)


def _read_draw(raw: Any, file: str, q: _Fields) -> tuple[str, int]:
    """`draw: {category, count}`."""
    d = _Fields(raw, file, f"{q.what} draw", line=q.line)
    with Problems() as pb:
        pb.attempt(d.only, "category", "count")
        category, count = pb.attempt(d.slug, "category"), pb.attempt(d.int, "count", 0)
        if count is not None and count < 1:
            pb.add(d.error("'count' must be at least 1"))
    return _got(category), _got(count)


def _read_draw_rules(raw: Any, q: _Fields, file: str, refs: _Refs) -> list[dict]:
    """`draws: [{module: iam, count: 5}, {category: kms, count: 3}]`, checked rule by rule
    (each error names the rule's number and line), then as a whole by the model's own check."""
    if raw is None:
        return []
    if not isinstance(raw, list) or not raw:
        raise q.error("'draws' must be a non-empty list like [{module: iam, count: 5}]")
    with Problems() as pb:
        rules = [rule for rule in (pb.attempt(_read_draw_rule, entry, number, q, file, refs)
                                   for number, entry in enumerate(raw, start=1)) if rule]  # fmt: skip
    errors = [q.error(message) for message in rule_problems(rules)]
    if errors:
        raise combined(errors)
    return rules


def _read_draw_rule(entry: Any, number: int, q: _Fields, file: str, refs: _Refs) -> dict:
    d = _Fields(entry, file, f"{q.what} draws rule {number}", line=q.line)
    with Problems() as pb:
        pb.attempt(d.only, "module", "category", "count")
        if ("module" in entry) == ("category" in entry):
            raise d.error("needs exactly one of 'module' or 'category'")
        name = "module" if "module" in entry else "category"
        target = pb.attempt(d.slug, name)
        if name == "module" and target is not None and target not in refs.modules:
            pb.add(d.error(f"unknown module {quoted(target)}"))
        if "count" not in entry:
            raise d.error("'count' is required")
        count = pb.attempt(d.int, "count", 0)
        if count is not None and count < 1:
            pb.add(d.error("'count' must be at least 1"))
    return {name: target, "count": count}


def _read_question(raw: Any, file: str, index: int, module: str, refs: _Refs) -> QuestionData:
    """One question, each field checked on its own, then by its kind's checks (every problem
    they find, each at its line), the same the admin and the editors run."""
    f = _Fields(raw, file, f"question #{index}")
    with Problems() as pb:
        pb.attempt(f.only, *QUESTION_FIELDS)
        slug = f.slug()
        f.what = f"question {quoted(slug)}"
        value = f.str("type")
        kind = kinds.get(value)
        if kind is None:
            raise f.error(
                f"unknown type {quoted(value)} (expected one of: {', '.join(kinds.KINDS)})"
            )
        for name, types in TYPE_FIELDS.items():
            if name in raw and value not in types:
                pb.add(f.error(f"'{name}' does not apply to a {value} question"))
        for name, why in kind.file_requires.items():
            if raw.get(name) is None:
                pb.add(f.error(f"'{name}' is required for a {value} question: {why}"))
        category = pb.attempt(f.slug, "category") if raw.get("category") is not None else module
        if category == "":
            pb.add(f.error("'category' is required in a quiz without a module"))
        lesson = pb.attempt(f.str, "lesson")
        if lesson is not None and lesson not in refs.lessons:
            pb.add(
                f.error(f"unknown lesson {quoted(lesson)} (write it as module-slug/lesson-slug)")
            )
        misconceptions = pb.attempt(f.str_list, "misconceptions", required=False)
        formerly_line = getattr(raw, "key_lines", {}).get("formerly") or f.line or 1
        formerly = pb.attempt(_read_formerly, raw.get("formerly"), f, formerly_line, slug,
                              "question")  # fmt: skip
        level = pb.attempt(f.str, "level", required=False)
        if level and level not in LEVELS:
            pb.add(f.error(f"'level' must be one of {', '.join(LEVELS)}, not {quoted(level)}"))
        scenario, ask_statement, checkable = "", False, True
        if kind.uses_scenario:
            scenario = pb.attempt(f.slug, "scenario") or ""
            if scenario in refs.unread_scenarios:
                checkable = False  # the scenario's own problem is named
            elif scenario not in refs.scenarios:
                if scenario:
                    pb.add(f.error(f"unknown scenario {quoted(scenario)}"))
                checkable = False
            ask_statement = bool(pb.attempt(f.bool, "ask_statement", False))
        data = kind.data_from_file(raw)
        if checkable:
            # The same validation the admin and the editors run, on an unsaved question.
            question = Question(
                slug=slug,
                type=value,
                data=data,
                ask_statement=ask_statement,
                scenario=Scenario(slug=scenario, case=refs.scenarios[scenario])
                if scenario
                else None,
            )
            for problem in _problems(question, thorough=refs.check_cases):
                pb.add(CurriculumError(
                    file, _line_at(raw, problem.path) or f.line, f"{f.what}: {problem.message}"
                ))  # fmt: skip
        prompt = pb.attempt(f.str, "prompt", max_chars=MAX_PROMPT_CHARS)
        explanation = pb.attempt(f.str, "explanation", max_chars=MAX_EXPLANATION_CHARS)
    return QuestionData(
        slug=slug,
        type=value,
        category=_got(category),
        module=module,
        prompt=_got(prompt),
        explanation=_got(explanation),
        lesson=_got(lesson),
        misconceptions=tuple(_got(misconceptions)),
        data=data,
        scenario=scenario,
        ask_statement=ask_statement,
        source=file,
        line=f.line or 1,
        fixed_ids=frozenset(_fixed_ids(raw, kind)),
        level=_got(level),
        formerly=_got(formerly),
        formerly_line=formerly_line,
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
