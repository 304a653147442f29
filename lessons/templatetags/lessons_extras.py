"""Small presentation helpers for curriculum templates."""

from __future__ import annotations

import json
from typing import NamedTuple

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from lessons.diagrams import deciding_step, placed, policy_flow_html
from lessons.markdown import render_markdown
from srm_trainer.code_spans import inline_code, without_backticks
from srm_trainer.iam.words import DECISIONS
from srm_trainer.kept_fragments import kept_drawing

register = template.Library()
register.filter("inline_code", inline_code)
register.filter("without_backticks", without_backticks)

DECISION_WORDS = DECISIONS


@register.filter
def readable_by(lesson, user):
    """`lesson` if `user` can open its page (`Lesson.readable_by`), else None: a question's
    "Learn more" links only to a lesson its reader can open."""
    return lesson if lesson is not None and lesson.readable_by(user) else None


@register.filter
def readable_lessons(lessons, user) -> list:
    """Those of `lessons` that `user` can open (`Lesson.readable_by`)."""
    return [lesson for lesson in lessons or () if lesson.readable_by(user)]


@register.filter
def markdown(text: str) -> str:
    # render_markdown sanitizes its output with an allow-list, so it is safe to mark safe.
    return mark_safe(render_markdown(text or "").html)  # noqa: S308


@register.filter
def pretty_json(value) -> str:
    """A policy may be stored as JSON text (to keep its line numbers) or as data. Text that is
    no JSON, or nested deeper than Python's decoder or the indenting encoder recurse
    (RecursionError, a 500 on the page showing it), is shown as written. Data that deep (it
    was decoded with a shallower stack than a template's) cannot be written at all: it says so."""
    text = value if isinstance(value, str) else None
    try:
        return json.dumps(
            json.loads(value) if text is not None else value, indent=2, ensure_ascii=False
        )
    except (ValueError, RecursionError):
        if text is not None:
            return text
        return TOO_DEEP


TOO_DEEP = "(nested too deeply to show)"


@register.filter
def case_policies(case: dict) -> list[tuple[str, object]]:
    """Every policy in a case with a label a learner understands, in evaluation order."""
    out: list[tuple[str, object]] = []

    def named(policy, fallback: str) -> tuple[str, object]:
        if isinstance(policy, dict) and "document" in policy:
            return f"{fallback}: {policy.get('name') or 'unnamed'}", policy["document"]
        return fallback, policy

    for level, policies in enumerate(case.get("rcp_levels") or [], start=1):
        for policy in policies:
            out.append(named(policy, f"Resource control policy (level {level})"))
    for level, policies in enumerate(case.get("scp_levels") or [], start=1):
        for policy in policies:
            out.append(named(policy, f"Service control policy (level {level})"))
    if case.get("resource_policy"):
        out.append(named(case["resource_policy"], "Resource-based policy"))
    for policy in case.get("identity_policies") or []:
        out.append(named(policy, "Identity-based policy"))
    if case.get("permissions_boundary"):
        out.append(named(case["permissions_boundary"], "Permissions boundary"))
    if case.get("session_policy"):
        out.append(named(case["session_policy"], "Session policy"))
    return out


@register.filter
def decision_words(decision: str) -> str:
    return DECISION_WORDS.get(decision, decision or "")


@register.simple_tag
def policy_flow_diagram(steps, place: str = "") -> str:
    """The evaluation-flow diagram with the step that decided these `steps` highlighted (kept
    per deciding step and outcome: `policy_flow_html`), its ids made `place`'s own (the
    question's slug: a page may show several, `placed`)."""
    found = deciding_step(steps or [])
    drawn = policy_flow_html(*(found or (None, None)))  # one key for "none decided"
    return placed(drawn, "policy-flow", str(place or ""))


# Module cards on home kept (see `module_card`): at most CARDS_KEPT, oldest first out.
CARDS_KEPT = 1024


@register.simple_tag(takes_context=True)
def module_card(context, module, number: int) -> str:
    """Home's card for one module (`lessons/home.html#module-card`). A learner's card differs
    from another's only by their counts, so it is drawn once per course version and state and
    kept: drawn anew, home's cards were most of a learner's home page. The card is drawn from
    its key alone (`_card`): the module in the page's order of that version of the course, its
    place, its lesson count, the learner's lessons done, and its progress when the page shows
    it."""
    show = bool(context.get("show_progress"))
    course = context.get("course_progress") if show else None
    progress = course.for_module(module.pk) if course is not None else None
    return _card(
        context["course_build"],
        context["published_only"],
        module.slug,
        number,
        len(module.visible_lessons),
        module.done,
        show,
        None if progress is None else _plain_progress(progress),
    )


def _plain_progress(progress) -> tuple:
    """A module's progress (certificates' ModuleProgress) as plain values, what its card shows
    of it (certificates/_module_parts.html), in one flat tuple (a key's nested tuples are each
    checked item by item, and this is asked for on every card of every page): whether the
    module is complete, how many parts, how many quizzes it does not name, each part's `_Part`
    fields, then each named quiz's slug and title."""
    flat: list = [progress.complete, len(progress.parts), progress.more_quizzes]
    for p in progress.parts:
        flat += (p.key, p.label, p.done, p.total, p.finished)
    for quiz in progress.named_quizzes:
        flat += (quiz["slug"], quiz["title"])
    return tuple(flat)


class _Part(NamedTuple):
    key: str
    label: str
    done: int
    total: int
    finished: bool


class _Shown(NamedTuple):
    """A module's progress as its card shows it, from `_plain_progress`: in the card's template
    it stands for the learner's course progress (`progress_of` asks it for the module)."""

    module_id: int
    parts: tuple[_Part, ...]
    named_quizzes: list[dict]
    more_quizzes: int
    complete: bool

    def for_module(self, module_id: int) -> _Shown | None:
        return self if module_id == self.module_id else None


@kept_drawing(limit=CARDS_KEPT)
def _card(course, published_only, slug, number, total, done, show, progress) -> str:
    module = (course.value.published if published_only else course.value.everything).module(slug)
    shown = None
    if progress is not None:  # as `_plain_progress` laid it out
        complete, count, more, rest = progress[0], progress[1], progress[2], progress[3:]
        parts = tuple(_Part(*rest[i : i + 5]) for i in range(0, 5 * count, 5))
        quizzes = rest[5 * count :]
        titles = [{"slug": quizzes[i], "title": quizzes[i + 1]} for i in range(0, len(quizzes), 2)]
        shown = _Shown(module.pk, parts, titles, more, complete)
    return render_to_string(
        "lessons/home.html#module-card",
        {
            "module": module,
            "number": number,
            "total": total,
            "done": done,
            "show_progress": show,
            "course_progress": shown,
        },
    )
