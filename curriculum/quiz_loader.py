"""Apply checked quiz content to the database: upsert by slug, like `curriculum.loader`.

Runs inside `load_curriculum`'s transaction (after the lessons and scenarios it refers to), so
a broken quiz file aborts everything. Attempts, answers and review cards are never touched:
an answer keeps the text the learner chose even when a question's choices change.
"""

from __future__ import annotations

import hashlib
import random
from typing import cast

from django.db import transaction

from curriculum.loader import LoadReport, Related, Rows, write_tracked
from curriculum.quiz_readers import QuestionData, QuizContent
from lessons.models import Lesson, Module, Scenario
from quizzes import kinds
from quizzes.models import Question, Quiz, QuizQuestion


def stored_data(q: QuestionData, existing: Question | None) -> dict:
    """The question's data as it will be stored: choice and item ids carried over from the
    stored row (so a typo fix or a move keeps learners' answers valid; see `keep_ids`)."""
    data = dict(q.data)
    previous = existing.data if existing is not None and isinstance(existing.data, dict) else {}
    for key in kinds.KINDS[q.type].id_lists:
        entries = data.get(key) or []
        explicit = {i for i, e in enumerate(entries) if e.get("id") in q.fixed_ids}
        data[key] = kinds.keep_ids(entries, previous.get(key) or [], explicit)
    return data


def _entries(quiz: Quiz) -> list[list[int]]:
    rows = quiz.entries.order_by("order", "pk").values_list("question_id", "order")
    return [list(row) for row in rows]


def _all_entries(quiz_ids: list) -> dict[int, list[list[int]]]:
    """`_entries` of each of these quizzes, in one query."""
    found: dict[int, list[list[int]]] = {}
    rows = QuizQuestion.objects.filter(quiz_id__in=quiz_ids).order_by("quiz_id", "order", "pk")
    for quiz_id, question_id, order in rows.values_list("quiz_id", "question_id", "order"):
        found.setdefault(quiz_id, []).append([question_id, order])
    return found


def _set_entries(wanted: list[list[int]], *, new: bool = False):
    """Make a quiz's entries `wanted` ([question id, order], the orders 1, 2, ...); a `new`
    quiz has none to remove."""

    def apply(quiz: Quiz) -> None:
        if not new:
            quiz.entries.all().delete()
        QuizQuestion.objects.bulk_create(
            QuizQuestion(quiz=quiz, question_id=pk, order=order) for pk, order in wanted
        )

    return apply


def with_layout(slug: str, data: dict) -> dict:
    """`data` plus the display order of its choices or items, `data["layout"]`: shuffled with the
    question's slug as the seed (the same on every load), so the files' habit of writing the
    right choice first, or the items in their right order, never reaches the page. An ordering
    question is never laid out in its right order."""
    entries = data.get("choices") or data.get("items")
    if not entries:
        return data
    key = [entry["id"] for entry in entries]
    layout = list(key)
    seed = int.from_bytes(hashlib.sha256(slug.encode("utf-8")).digest()[:8], "big")
    random.Random(seed).shuffle(layout)  # noqa: S311 - a layout, not a secret
    if "items" in data and "categories" not in data and layout == key:
        layout = layout[1:] + layout[:1]
    return {**data, "layout": layout}


@transaction.atomic
def load_quizzes(
    content: QuizContent, report: LoadReport | None = None, *, force: bool = False
) -> LoadReport:
    report = report or LoadReport()
    if not content.quizzes:
        return report
    modules = {m.slug: m for m in Module.objects.all()}
    lessons = {le.path: le for le in Lesson.objects.select_related("module")}
    scenarios = {s.slug: s for s in Scenario.objects.all()}
    questions = {}
    slugs = [q.slug for q in content.questions]
    rows = Rows(Question.objects.filter(slug__in=slugs), "slug")
    found = {slug: rows.get({"slug": slug}) for slug in slugs}
    stored = {slug: cast(Question, row) for slug, row in found.items() if row is not None}
    for q in content.questions:
        values = {
            "type": q.type,
            "category": q.category,
            "module": modules.get(q.module),
            "prompt": q.prompt,
            "explanation": q.explanation,
            "lesson": lessons[q.lesson],
            "misconceptions": list(q.misconceptions),
            "data": with_layout(q.slug, stored_data(q, stored.get(q.slug))),
            "scenario": scenarios.get(q.scenario),
            "ask_statement": q.ask_statement,
        }
        # As with a quiz's time limit: a level joins the fingerprint only when one is set (in
        # the file or stored), so rows loaded before levels existed are not taken for edits.
        before = stored.get(q.slug)
        if q.level or (before is not None and before.level):
            values["level"] = q.level
        questions[q.slug], outcome = write_tracked(
            Question,
            {"slug": q.slug},
            values,
            report=report,
            kind="question",
            force=force,
            rows=rows,
        )
        report.add("questions", outcome)
    rows = Rows(Quiz.objects.filter(slug__in=[qz.slug for qz in content.quizzes]), "slug")
    listed = _all_entries(rows.pks())
    for qz in content.quizzes:
        wanted = [[questions[slug].pk, order] for order, slug in enumerate(qz.questions, start=1)]
        values = {
            "title": qz.title,
            "description": qz.description,
            "module": modules.get(qz.module),
            "pass_mark": qz.pass_mark,
            "attempts_allowed": qz.attempts_allowed,
            "shuffle_questions": qz.shuffle_questions,
            "shuffle_choices": qz.shuffle_choices,
            "feedback": qz.feedback,
            "draw_category": qz.draw_category,
            "draw_count": qz.draw_count,
            "published": qz.published,
            "order": qz.order,
        }
        # A limit joins the row's fingerprint only when there is one (in the file or stored),
        # so rows loaded before time limits existed keep their fingerprint and are not taken
        # for admin edits.
        row = cast(Quiz | None, rows.get({"slug": qz.slug}))
        now: tuple = (
            (row.time_limit, row.tries, row.try_penalty, row.certainty, row.draw_rules)
            if row is not None
            else (None, 1, 0, False, [])
        )
        if qz.time_limit is not None or now[0] is not None:
            values["time_limit"] = qz.time_limit
        # Likewise the behaviours added later (issue 13): only when not the default.
        for n, (name, default) in enumerate(
            (("tries", 1), ("try_penalty", 0), ("certainty", False)), start=1
        ):
            if getattr(qz, name) != default or now[n] != default:
                values[name] = getattr(qz, name)
        # Draw rules likewise (only the exam has them).
        if qz.draw_rules or now[4]:
            values["draw_rules"] = [dict(rule) for rule in qz.draw_rules]
        _, outcome = write_tracked(
            Quiz,
            {"slug": qz.slug},
            values,
            report=report,
            kind="quiz",
            force=force,
            related=Related(
                current=_entries,
                wanted=wanted,
                apply=_set_entries(wanted),
                stored=lambda quiz: listed.get(quiz.pk, []),
                add=_set_entries(wanted, new=True),
                added=wanted,  # read back by their orders (1, 2, ...): as given
            ),
            rows=rows,
        )
        report.add("quizzes", outcome)
    return report
