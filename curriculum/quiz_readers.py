"""Read and check the quiz files (`lessons/content/quizzes/*.yaml`, format in
`lessons/content/README.md`).

Like `curriculum.readers`, everything is parsed and cross-checked before the database is
touched, and every error names the file and line. It reuses that module's YAML-with-line-numbers
helpers and needs the parsed `Curriculum` for the references (modules, lessons, scenarios).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curriculum.readers import (
    CONTENT_DIR,
    Curriculum,
    CurriculumError,
    _Fields,
    _load_yaml,
    _plain,
    _read_text,
    _rel,
)
from quizzes.models import QuestionType

TYPES = [t.value for t in QuestionType]
FEEDBACK = ("immediate", "end")
RESERVED_QUIZ_SLUGS = {"review", "attempts"}
# Fields that only make sense for some types: a stray one is almost always a mistake.
TYPE_FIELDS = {
    "choices": {"single", "multiple"},
    "answer": {"true_false"},
    "items": {"ordering", "categorize"},
    "categories": {"categorize"},
    "scenario": {"policy_decision"},
    "ask_statement": {"policy_decision"},
    "challenge": {"least_privilege"},
}
QUESTION_FIELDS = (
    "slug",
    "type",
    "category",
    "prompt",
    "explanation",
    "lesson",
    "misconceptions",
    *TYPE_FIELDS,
)


def text_id(text: str) -> str:
    """A choice's or item's id, from its text: stable when choices are reordered."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


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
    return content


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
        "published",
    )
    slug = q.slug()
    q.what = f"quiz {slug!r}"
    if slug in RESERVED_QUIZ_SLUGS:
        raise q.error(f"the slug {slug!r} is taken by a page (/quizzes/{slug}/)")
    module = q.str("module", required=False)
    if module and module not in refs.modules:
        raise q.error(f"unknown module {module!r}")
    pass_mark = q.int("pass_mark", 70)
    if pass_mark > 100:
        raise q.error(f"'pass_mark' is a percent (0-100), not {pass_mark}")
    feedback = q.str("feedback", required=False, default="immediate")
    if feedback not in FEEDBACK:
        raise q.error(f"'feedback' must be immediate or end, not {feedback!r}")
    draw_category, draw_count = "", 0
    if data["quiz"].get("draw") is not None:
        d = _Fields(data["quiz"]["draw"], file, f"quiz {slug!r} draw", line=q.line)
        d.only("category", "count")
        draw_category, draw_count = d.slug("category"), d.int("count", 0)
        if draw_count < 1:
            raise d.error("'count' must be at least 1")
    raw_questions = data.get("questions")
    if raw_questions is None:
        raw_questions = []
    if not isinstance(raw_questions, list):
        raise top.error("'questions' must be a list")
    if not raw_questions and not draw_count:
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
    )
    return quiz, questions


def _read_question(raw: Any, file: str, index: int, module: str, refs: _Refs) -> QuestionData:
    f = _Fields(raw, file, f"question #{index}")
    f.only(*QUESTION_FIELDS)
    slug = f.slug()
    f.what = f"question {slug!r}"
    kind = f.str("type")
    if kind not in TYPES:
        raise f.error(f"unknown type {kind!r} (expected one of: {', '.join(TYPES)})")
    for name, types in TYPE_FIELDS.items():
        if name in raw and kind not in types:
            raise f.error(f"'{name}' does not apply to a {kind} question")
    category = f.slug("category") if raw.get("category") is not None else module
    if not category:
        raise f.error("'category' is required in a quiz without a module")
    lesson = f.str("lesson")
    if lesson not in refs.lessons:
        raise f.error(f"unknown lesson {lesson!r} (write it as module-slug/lesson-slug)")
    misconceptions = f.str_list("misconceptions", required=False)
    scenario, ask_statement, data = "", False, {}
    if kind in ("single", "multiple"):
        data = {"choices": _choices(raw, f, kind)}
    elif kind == "true_false":
        data = {"answer": f.bool("answer", None)}
    elif kind == "ordering":
        texts = f.str_list("items")
        if len(texts) < 2:
            raise f.error("an ordering question needs at least 2 items")
        _distinct(texts, f, "item")
        data = {"items": [{"id": text_id(t), "text": t} for t in texts]}
    elif kind == "categorize":
        data = _categorize(raw, f)
    elif kind == "policy_decision":
        scenario = f.slug("scenario")
        if scenario not in refs.scenarios:
            raise f.error(f"unknown scenario {scenario!r}")
        ask_statement = f.bool("ask_statement", False)
    else:
        data = {"challenge": _challenge(raw, f, refs)}
    return QuestionData(
        slug=slug,
        type=kind,
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
    )


def _distinct(texts: list[str], f: _Fields, what: str) -> None:
    seen = set()
    for text in texts:
        if text in seen:
            raise f.error(f"the {what} {text!r} appears twice")
        seen.add(text)


def _choices(raw: dict, f: _Fields, kind: str) -> list[dict]:
    items = raw.get("choices")
    if not isinstance(items, list) or not 2 <= len(items) <= 6:
        raise f.error("'choices' must be a list of 2 to 6 choices")
    choices = []
    for n, item in enumerate(items, start=1):
        c = _Fields(item, f.file, f"{f.what} choice #{n}", line=f.line)
        c.only("text", "correct", "feedback")
        if not isinstance(item.get("correct"), bool):
            raise c.error("'correct' must be true or false")
        choice = {"text": c.str("text"), "correct": item["correct"]}
        choice["id"] = text_id(choice["text"])
        choice["feedback"] = c.str("feedback", required=False)
        choices.append(choice)
    _distinct([c["text"] for c in choices], f, "choice")
    right = sum(c["correct"] for c in choices)
    if kind == "single" and right != 1:
        raise f.error(f"a single-choice question has exactly one correct choice, not {right}")
    if kind == "multiple" and right < 1:
        raise f.error("a multiple-select question needs at least one correct choice")
    return choices


def _categorize(raw: dict, f: _Fields) -> dict:
    categories = f.str_list("categories")
    if len(categories) < 2:
        raise f.error("a categorize question needs at least 2 categories")
    _distinct(categories, f, "category")
    items = raw.get("items")
    if not isinstance(items, list) or len(items) < 2:
        raise f.error("'items' must be a list of at least 2 {text, category} entries")
    out = []
    for n, item in enumerate(items, start=1):
        i = _Fields(item, f.file, f"{f.what} item #{n}", line=f.line)
        i.only("text", "category")
        text, category = i.str("text"), i.str("category")
        if category not in categories:
            raise i.error(f"category {category!r} is not one of: {', '.join(categories)}")
        out.append({"id": text_id(text), "text": text, "category": category})
    _distinct([i["text"] for i in out], f, "item")
    return {"categories": categories, "items": out}


def _challenge(raw: dict, f: _Fields, refs: _Refs) -> dict:
    from quizzes.least_privilege import check_policy, request_case
    from srm_trainer.iam import PolicyError, catalog, parse_case

    c = _Fields(raw.get("challenge"), f.file, f"{f.what} challenge", line=f.line)
    c.only("principal", "resource_account", "start_policy", "must_allow", "must_deny", "scope")
    challenge: dict[str, Any] = {"principal": c.str("principal")}
    account = c.data.get("resource_account")
    if account is not None:
        if not isinstance(account, str):
            raise c.error("'resource_account' must be quoted text (\"111122223333\"), not a number")
        challenge["resource_account"] = account
    challenge["start_policy"] = c.data.get("start_policy") or ""
    if not isinstance(challenge["start_policy"], str):
        raise c.error("'start_policy' must be JSON text (use a `|` block)")
    for key in ("must_allow", "must_deny"):
        entries = c.data.get(key)
        if entries is None and key == "must_deny":
            entries = []
        if not isinstance(entries, list) or (key == "must_allow" and not entries):
            raise c.error(f"'{key}' must be a list of {{action, resource}} requests")
        challenge[key] = []
        for n, entry in enumerate(entries, start=1):
            e = _Fields(entry, f.file, f"{f.what} {key} #{n}", line=f.line)
            e.only("action", "resource", "context")
            request = {"action": e.str("action"), "resource": e.str("resource")}
            context = entry.get("context")
            if context is not None:
                if not isinstance(context, dict):
                    raise e.error("'context' must be a mapping of condition keys to values")
                request["context"] = _plain(context)
            try:
                parse_case(
                    request_case(
                        challenge,
                        request["action"],
                        request["resource"],
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {"Effect": "Allow", "Action": request["action"], "Resource": "*"}
                            ],
                        },
                        request.get("context"),
                    )
                )
            except PolicyError as exc:
                raise e.error(f"not a valid request: {exc}") from None
            if refs.check_cases and not catalog.is_known_action(request["action"]):
                raise e.error(f"unknown action {request['action']!r}")
            challenge[key].append(request)

    def same_request(r: dict) -> tuple:
        return (r["action"].lower(), r["resource"], sorted((r.get("context") or {}).items()))

    allowed = [same_request(r) for r in challenge["must_allow"]]
    for r in challenge["must_deny"]:
        if same_request(r) in allowed:
            raise c.error(f"{r['action']} on {r['resource']} is both must_allow and must_deny")
    challenge["scope"] = c.str_list("scope", required=False)
    for resource in challenge["scope"]:
        if not resource.startswith("arn:"):
            raise c.error(f"scope entries are ARNs, not {resource!r}")
    if refs.check_cases and challenge["start_policy"].strip():
        try:
            solved = check_policy(challenge, challenge["start_policy"]).correct
        except PolicyError:
            solved = False  # a start policy to repair: fine
        if solved:
            raise c.error("the start_policy already solves the challenge: there is nothing to do")
    return challenge
