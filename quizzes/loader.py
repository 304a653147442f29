"""Apply checked quiz content to the database: upsert by slug, like `lessons.loader`.

Runs inside `load_curriculum`'s transaction (after the lessons and scenarios it refers to), so
a broken quiz file aborts everything. Attempts, answers and review cards are never touched:
an answer keeps the text the learner chose even when a question's choices change.
"""

from __future__ import annotations

import hashlib
import random

from django.db import transaction

from lessons.loader import LoadReport, _write
from lessons.models import Lesson, Module, Scenario
from quizzes.curriculum import QuizContent
from quizzes.models import Question, Quiz, QuizQuestion


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
def load_quizzes(content: QuizContent, report: LoadReport | None = None) -> LoadReport:
    report = report or LoadReport()
    if not content.quizzes:
        return report
    modules = {m.slug: m for m in Module.objects.all()}
    lessons = {le.path: le for le in Lesson.objects.select_related("module")}
    scenarios = {s.slug: s for s in Scenario.objects.all()}
    questions = {}
    for q in content.questions:
        questions[q.slug], outcome = _write(
            Question,
            {"slug": q.slug},
            {
                "type": q.type,
                "category": q.category,
                "module": modules.get(q.module),
                "prompt": q.prompt,
                "explanation": q.explanation,
                "lesson": lessons[q.lesson],
                "misconceptions": list(q.misconceptions),
                "data": with_layout(q.slug, q.data),
                "scenario": scenarios.get(q.scenario),
                "ask_statement": q.ask_statement,
            },
        )
        report.add("questions", outcome)
    for qz in content.quizzes:
        quiz, outcome = _write(
            Quiz,
            {"slug": qz.slug},
            {
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
            },
        )
        wanted = [(questions[slug].pk, order) for order, slug in enumerate(qz.questions, start=1)]
        current = list(quiz.entries.order_by("order", "pk").values_list("question_id", "order"))
        if current != wanted:
            quiz.entries.all().delete()
            QuizQuestion.objects.bulk_create(
                QuizQuestion(quiz=quiz, question_id=pk, order=order) for pk, order in wanted
            )
            outcome = "created" if outcome == "created" else "updated"
        report.add("quizzes", outcome)
    return report
