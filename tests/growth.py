"""The course grown `factor` times over, as the owner grows it to measure (issue 15: "I will
grow the course 100x and measure again"): every lesson, scenario, question, quiz and glossary
term of the database copied `factor - 1` times into the same modules, each copy linked to its
own copies (a question to its lesson's and scenario's copy, a quiz to its questions' copies,
a scenario to its lessons' copies). Written with `bulk_create`, so no signal runs: the reading
order and the glossary are told here, and the search index is rebuilt by the caller if it
needs it. Modules, services and compliance programmes (what the course is about) stay."""

from __future__ import annotations

from glossary import terms as glossary_terms
from glossary.models import GlossaryTerm
from lessons import reading_order
from lessons.models import Lesson, Scenario
from quizzes.models import Question, Quiz, QuizQuestion


def grow(factor: int) -> None:
    lessons = list(Lesson.objects.all())
    top = {}
    for lesson in lessons:
        top[lesson.module_id] = max(top.get(lesson.module_id, 0), lesson.order)
    copied = ("summary", "body", "minutes", "published", "level", "sources")
    Lesson.objects.bulk_create(
        (
            Lesson(module_id=lesson.module_id, slug=f"{lesson.slug}-c{k}",
                   title=f"{lesson.title} ({k})",
                   order=lesson.order + k * (top[lesson.module_id] + 1),
                   **{name: getattr(lesson, name) for name in copied})
            for k in range(1, factor)
            for lesson in lessons
        ),
        batch_size=1000,
    )  # fmt: skip
    lesson_of = {(lesson.module_id, lesson.slug): lesson.pk for lesson in Lesson.objects.all()}

    def lesson_copy(lesson_id, k):
        lesson = by_pk[lesson_id]
        return lesson_of[(lesson.module_id, f"{lesson.slug}-c{k}")]

    by_pk = {lesson.pk: lesson for lesson in lessons}
    scenarios = list(Scenario.objects.prefetch_related("lessons"))
    Scenario.objects.bulk_create(
        (
            Scenario(slug=f"{s.slug}-c{k}", title=f"{s.title} ({k})", situation=s.situation,
                     explanation=s.explanation, case=s.case, rule=s.rule,
                     order=s.order + k * 1000, source=s.source, owner_id=s.owner_id)
            for k in range(1, factor)
            for s in scenarios
        ),
        batch_size=1000,
    )  # fmt: skip
    scenario_of = dict(Scenario.objects.values_list("slug", "pk"))
    links = Scenario.lessons.through
    links.objects.bulk_create(
        (
            links(scenario_id=scenario_of[f"{s.slug}-c{k}"], lesson_id=lesson_copy(lesson.pk, k))
            for k in range(1, factor)
            for s in scenarios
            for lesson in s.lessons.all()
        ),
        batch_size=2000,
    )
    glossary = list(GlossaryTerm.objects.all())
    GlossaryTerm.objects.bulk_create(
        (
            GlossaryTerm(slug=f"{t.slug}-c{k}", term=f"{t.term} {k}",
                         aliases=[f"{alias} {k}" for alias in t.aliases],
                         definition=t.definition, related=t.related, source_url=t.source_url,
                         lesson_id=lesson_copy(t.lesson_id, k) if t.lesson_id else None)
            for k in range(1, factor)
            for t in glossary
        ),
        batch_size=1000,
    )  # fmt: skip
    questions = list(Question.objects.select_related("scenario").prefetch_related("tags"))
    same = ("type", "category", "module_id", "explanation", "misconceptions", "data",
            "ask_statement", "source", "owner_id", "archived", "level")  # fmt: skip
    Question.objects.bulk_create(
        (
            Question(slug=f"{q.slug}-c{k}", prompt=f"{q.prompt} ({k})",
                     lesson_id=lesson_copy(q.lesson_id, k) if q.lesson_id else None,
                     scenario_id=scenario_of[f"{q.scenario.slug}-c{k}"] if q.scenario_id else None,
                     **{name: getattr(q, name) for name in same})
            for k in range(1, factor)
            for q in questions
        ),
        batch_size=1000,
    )  # fmt: skip
    question_of = dict(Question.objects.values_list("slug", "pk"))
    tags = Question.tags.through
    tags.objects.bulk_create(
        (
            tags(question_id=question_of[f"{q.slug}-c{k}"], tag_id=tag.pk)
            for k in range(1, factor)
            for q in questions
            for tag in q.tags.all()
        ),
        batch_size=2000,
    )
    quizzes = list(Quiz.objects.all())
    settings = [
        f.name for f in Quiz._meta.concrete_fields if f.name not in ("id", "slug", "title", "order")
    ]
    Quiz.objects.bulk_create(
        (
            Quiz(slug=f"{z.slug}-c{k}", title=f"{z.title} ({k})", order=z.order + k * 1000,
                 **{name: getattr(z, name) for name in settings})
            for k in range(1, factor)
            for z in quizzes
        ),
        batch_size=1000,
    )  # fmt: skip
    quiz_of = dict(Quiz.objects.values_list("slug", "pk"))
    slug_of = {z.pk: z.slug for z in quizzes}
    entries = list(QuizQuestion.objects.select_related("question"))
    QuizQuestion.objects.bulk_create(
        (
            QuizQuestion(quiz_id=quiz_of[f"{slug_of[e.quiz_id]}-c{k}"],
                         question_id=question_of[f"{e.question.slug}-c{k}"], order=e.order)
            for k in range(1, factor)
            for e in entries
        ),
        batch_size=2000,
    )  # fmt: skip
    reading_order.changed()
    glossary_terms.changed()
