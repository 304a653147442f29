"""What a lesson page shows, built in one place: the lesson view draws it, and so do the views
that answer a knowledge check without JavaScript (they re-draw the whole lesson, with the
answer in place, at the check's anchor)."""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections import OrderedDict

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from lessons import hooks, knowledge_checks, progress, reading_order, rendered
from lessons.markdown import insert_checks, insert_diagrams
from lessons.models import Lesson, Scenario


def lesson_for(request: HttpRequest, module_slug: str, lesson_slug: str) -> Lesson:
    """The one access check for lessons: drafts exist only for staff, others get a 404."""
    return get_object_or_404(
        Lesson.objects.visible_to(request.user).select_related("module"),
        module__slug=module_slug,
        slug=lesson_slug,
    )


def lesson_scenarios(lesson: Lesson) -> list[Scenario]:
    return [s for s in Scenario.objects.filter(lessons=lesson) if s.is_usable()]


# A scenario card waiting for a prediction is the same for every reader until the scenario
# changes, except for the form's CSRF token: it is drawn once with a stand-in for the token,
# kept by the scenario's content, and the request's own token is put in its place.
_CSRF_STAND_IN = f"csrf-stand-in-{secrets.token_hex(12)}"
CARDS_KEPT = 256
_cards: OrderedDict[tuple, str] = OrderedDict()
_cards_lock = threading.Lock()


def _scenario_key(scenario: Scenario, check) -> tuple:
    content = json.dumps(
        [
            scenario.slug,
            scenario.title,
            scenario.situation,
            scenario.explanation,
            scenario.case,
            scenario.rule,
        ],
        sort_keys=True,
        default=str,
    )
    digest = hashlib.blake2b(content.encode(), digest_size=16, usedforsecurity=False).hexdigest()
    return (digest, check.action if check else "", check.ref if check else "")


def scenario_card(request: HttpRequest, scenario: Scenario) -> str | None:
    """The scenario's card as HTML when it is the same for everyone (no answer shown, nothing
    just posted), else None: the template draws it for this request."""
    check = getattr(scenario, "prediction_check", None)
    if check is not None and (
        check.result is not None
        or check.just_answered
        or getattr(check.form, "is_bound", True)
        or getattr(check.form, "initial", None)
    ):
        return None
    key = _scenario_key(scenario, check)
    with _cards_lock:
        html = _cards.get(key)
        if html is not None:
            _cards.move_to_end(key)
    if html is None:
        html = render_to_string(
            "lessons/_scenario.html", {"scenario": scenario, "csrf_token": _CSRF_STAND_IN}
        )
        with _cards_lock:
            _cards[key] = html
            while len(_cards) > CARDS_KEPT:
                _cards.popitem(last=False)
    # A rendered (escaped) template with a CSRF token (letters and digits) put in: safe HTML.
    return mark_safe(html.replace(_CSRF_STAND_IN, get_token(request)))  # noqa: S308


def lesson_context(request: HttpRequest, lesson: Lesson, *, posted: dict | None = None) -> dict:
    """The lesson page's context. `posted`: check views a POST just produced ({(kind, ref):
    view}), drawn in place of the learner's stored state."""
    previous, following = reading_order.visible_to(request.user).neighbours(lesson.pk)
    content = rendered.lesson_body(lesson)
    scenarios = lesson_scenarios(lesson)
    views = hooks.checks(
        request=request,
        lesson=lesson,
        scenarios=scenarios,
        slugs=content.checks,
        answered=knowledge_checks.answered_in(request.user, lesson)
        if scenarios or content.checks
        else {},
        posted=posted or {},
    )
    for scenario in scenarios:
        # Not `check`: that would hide Django's Model.check (the template would call it).
        scenario.prediction_check = views.get((hooks.PREDICTION, scenario.slug))
        scenario.card = scenario_card(request, scenario)

    def draw(slug: str) -> str:
        check = views.get((hooks.QUESTION, slug))
        if check is None:
            return ""
        return render_to_string("lessons/lesson.html#check", {"check": check}, request=request)

    # The last lesson of a module offers the module's quiz before the next module.
    last_in_module = following is None or following.module_id != lesson.module_id
    quiz = None
    if last_in_module:
        quiz = hooks.module_quizzes(user=request.user, module_ids=[lesson.module_id]).get(
            lesson.module_id
        )
    return {
        "lesson": lesson,
        "module": lesson.module,
        "content": content,
        "body_html": insert_checks(
            insert_diagrams(hooks.filter_body(content.html, lesson=lesson)), content.checks, draw
        ),
        "previous": previous,
        "next": following,
        "module_quiz": quiz,
        "is_complete": progress.has_completed(request.user, lesson, request.session),
        "scenarios": scenarios,
    }
