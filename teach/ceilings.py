"""A teacher's ceilings (`bank.MAX_OWN_BANKS`, `MAX_OWN_TAGS`, `MAX_OWN_MISCONCEPTIONS`) as
the admin says them: its question form and its "Put selected questions back in use" are staff
saving a teacher's question, which /teach/'s editor and import refuse past a ceiling. The
checks are `teach.bank`'s; the words name the owner, since the one saving is not them. Both
are registered as `quizzes.hooks` (`TeachConfig.ready`): quizzes never imports teach."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from lessons.models import Source
from quizzes.models import Question
from teach import bank


def _of(owner) -> str:
    return f"{owner.get_username()}'s questions"


def question_refusals(
    question: Question, *, owner, category: str, tags: Iterable[str], misconceptions, archived: bool
) -> dict[str, str]:
    """What the admin's form says, by field, when saving `question` as given would take its
    owner's questions past a ceiling (nothing for a curriculum question or one with no owner).
    At most six queries, each stopping at its ceiling."""
    if owner is None or question.source == Source.FILE:
        return {}
    leaving = question.pk
    said: dict[str, str] = {}
    if not archived and bank.banks_refused(owner.pk, [category], leaving=leaving):
        said["category"] = (
            f"{_of(owner)} fill {bank.MAX_OWN_BANKS} banks (categories) already, the most a "
            "teacher's do, and none of theirs is in this one: give it a category they use, or "
            "archive the questions of a bank they no longer need first."
        )
    if bank.tags_refused(owner.pk, list(tags), leaving=leaving):
        said["tags"] = (
            f"{_of(owner)} carry {bank.MAX_OWN_TAGS} different bank tags at most, and these "
            "would take them past it: choose tags they use, or take one they no longer need "
            "off its questions first."
        )
    listed = (
        [tag for tag in misconceptions if isinstance(tag, str)]
        if isinstance(misconceptions, list)
        else []
    )
    if bank.misconceptions_refused(owner.pk, listed, leaving=leaving):
        said["misconceptions"] = (
            f"{_of(owner)} carry {bank.MAX_OWN_MISCONCEPTIONS} misconception tags of their own "
            "at most (the course's are not counted), and these would take them past it: use "
            "tags they or the course use, or take one they no longer need off its questions "
            "first."
        )
    return said


def restore_refused(questions: Iterable[Question]) -> str:
    """Why putting `questions` (archived ones, `owner` and `category` read) back in use is
    refused, or "": their owners' questions would fill more banks than a teacher's may. Two
    queries an owner."""
    wanted: dict[int, set[str]] = defaultdict(set)
    for question in questions:
        if question.archived and question.owner_id is not None and question.source != Source.FILE:
            wanted[question.owner_id].add(question.category)
    for owner_id, categories in wanted.items():
        if bank.banks_refused(owner_id, categories):
            names = ", ".join(f"“{c}”" for c in sorted(categories)[:5])
            more = f" and {len(categories) - 5:,} more" if len(categories) > 5 else ""
            return (
                f"Nothing was put back in use: their banks ({names}{more}) would take their "
                f"owner's questions past the {bank.MAX_OWN_BANKS} banks (categories) a "
                "teacher's fill. Move them to banks in use first, or select fewer."
            )
    return ""
