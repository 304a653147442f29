"""Small presentation helpers for cohort pages."""

from __future__ import annotations

from django import template

from cohorts import gradebook, learner_finder
from lessons import finder, shown_names
from quizzes import finder as quiz_finder
from srm_trainer import finder as shared_finder
from srm_trainer.error_focus import error_focus

register = template.Library()

_BADGES = {
    gradebook.NOT_STARTED: "badge-draft",
    gradebook.IN_PROGRESS: "badge-partial",
    gradebook.SUBMITTED: "badge-right",
    gradebook.LATE: "badge-wrong",
}


@register.filter
def status_badge(status: str) -> str:
    """The badge class for a status (its words are always shown too: colour is not the message)."""
    return _BADGES.get(status, "badge-draft")


@register.filter
def duration(seconds) -> str:
    """Seconds as a person reads them: `45 s`, `12 min`, `2 h 05 min`."""
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        return ""
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


@register.filter
def overdue(cell, now) -> bool:
    return cell.overdue(now)


@register.filter
def overdue_count(row, now) -> int:
    return row.overdue(now)


@register.filter
def late_for(attempt, due) -> bool:
    return attempt.late(due)


@register.simple_tag
def lesson_picker(field) -> dict:
    """The assignment form's lessons: those chosen (ticked, or the assignment's), a search's
    matches (`lessons.finder`: at most `MATCHES`, whatever the course's size), whether the page
    answers "Find lessons" (its search box then takes the focus), and whether the field's
    message takes the focus of a refused form (`srm_trainer.error_focus`)."""
    form = field.form
    query = str(form.data.get("lesson_q", ""))[: finder.MAX_QUERY] if form.is_bound else ""
    chosen = finder.chosen(field.value() or [])
    return {
        "chosen": chosen,
        "query": query,
        "max_query": finder.MAX_QUERY,
        "found": finder.find(query, leave_out=[lesson.pk for lesson in chosen]),
        "finding": getattr(form, "finding", False),
        "focus": error_focus(form) == field.name,
    }


@register.simple_tag(takes_context=True)
def quiz_options(context, field) -> shared_finder.Found:
    """The assignment form's quiz suggestions as the page is drawn: those the instructor may
    assign matching what the field holds (`quizzes.finder`, at most `MATCHES`)."""
    request = context.get("request")
    return quiz_finder.find(
        field.field.queryset, str(field.value() or ""), getattr(request, "user", None)
    )


@register.simple_tag
def learner_options(field) -> shared_finder.Found:
    """The extension form's learner suggestions as the page is drawn: the cohort's learners
    matching what the field holds (`cohorts.learner_finder`, at most `MATCHES`)."""
    return learner_finder.find(field.field.queryset, str(field.value() or ""))


@register.filter
def shown_name(user) -> str:
    """The name `user` chose to show their instructors, or "" (`lessons.shown_names`). The
    page's read of its learners brings it (`select_related`): no query of its own."""
    return shown_names.of(user)
