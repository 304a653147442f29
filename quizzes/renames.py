"""A question renamed: what names it by its slug follows it.

Its answers, review cards and quiz entries hold it by key and need nothing. Two things hold
it by slug: learners' lesson checks (`KnowledgeCheck.ref`: lessons never import quizzes, so no
foreign key) and the lessons' `::: check <slug>` lines. A course update's rename (`formerly:`
in its quiz file, `curriculum.quiz_loader`) moves the checks; the files' lessons already name
the new slug, as the loader insists. A rename in the admin moves the checks and also rewrites
the lines of the lessons that ask the question (`rename_in_lessons`): left as they were, each
check showed nothing to learners, the lesson's next save was refused for the line ("names no
question"), and learners' recorded answers stayed under a slug no check asks.
"""

from __future__ import annotations

import re

from django.db.models import Exists, OuterRef

from lessons.markdown import check_slugs, with_check_renamed
from lessons.models import KnowledgeCheck, Lesson
from quizzes.models import EarlierQuestionSlug, Question


def follow_slug(question: Question, before: str) -> int:
    """After `question` was saved under its new slug, renamed from `before`: learners' lesson
    checks recorded under `before` move to it, and a lesson page opened before the rename,
    whose check still posts to `before`, is answered (`EarlierQuestionSlug`, read by
    `quizzes.lesson_views`). How many checks moved. Run in the rename's transaction."""
    slug = question.slug
    EarlierQuestionSlug.objects.update_or_create(slug=before, defaults={"question": question})
    EarlierQuestionSlug.objects.filter(slug=slug).delete()  # the slug is its own again
    # One check per learner, lesson and question: one already recorded under the new slug (a
    # question of that slug deleted since) is kept, as a first answer is.
    kind = KnowledgeCheck.Kind.QUESTION
    clash = KnowledgeCheck.objects.filter(
        user=OuterRef("user"), lesson=OuterRef("lesson"), kind=kind, ref=slug
    )
    return (
        KnowledgeCheck.objects.filter(kind=kind, ref=before).exclude(Exists(clash)).update(ref=slug)
    )


def rename_in_lessons(before: str, after: str) -> list[Lesson]:
    """Every lesson (drafts too) whose `::: check` line names `before` now names `after`
    (`with_check_renamed`: only those lines change), each saved as an edit, so its page drawn
    before this is refused as edited elsewhere, and the audit log records it. The lessons
    changed, in reading order. Run in the rename's transaction, after the question's save."""
    changed = []
    # Narrowed by the database to bodies with "check <before>" in them (SQLite's regular
    # expressions are Python's; PostgreSQL's read "\s" and an escaped "-" alike), then each
    # read as the page reads it: a lesson that only mentions the slug is not parsed.
    written = rf"check\s+{re.escape(before)}"
    found = Lesson.objects.filter(body__regex=written).select_related("module")
    for lesson in found:  # the lessons' order: the module's, then the lesson's
        if before not in check_slugs(lesson.body):
            continue
        lesson.body = with_check_renamed(lesson.body, before, after)
        lesson.save(update_fields=["body"])
        changed.append(lesson)
    return changed
