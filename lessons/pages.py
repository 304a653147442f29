"""What a lesson page shows, built in one place: the lesson view draws it, and so do the views
that answer a knowledge check without JavaScript (they re-draw the whole lesson, with the
answer in place, at the check's anchor)."""

from __future__ import annotations

import copy
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
from srm_trainer.kept_fragments import Keeping, key_of
from srm_trainer.kept_urls import links

# A lesson page's rows, the lesson with its module and its usable scenarios, are kept with the
# reading order the page reads anyway: a lesson, module or scenario saved or deleted anywhere
# makes a new order (lessons/apps.py), so they are read once per version and process, not on
# every request. At most LESSONS_KEPT lessons a process (most recently read first).
LESSONS_KEPT = 128
_kept_lock = threading.Lock()


def _kept(order, name: str, key, read):
    """`read()`, kept in `order.kept[name]` under `key` (a bounded, most-recent-last map)."""
    with _kept_lock:
        rows = order.kept.setdefault(name, OrderedDict())
        found = rows.get(key)
        if found is not None:
            rows.move_to_end(key)
            return found
    found = read()
    with _kept_lock:
        rows[key] = found
        while len(rows) > LESSONS_KEPT:
            rows.popitem(last=False)
    return found


def lesson_for(request: HttpRequest, module_slug: str, lesson_slug: str, order=None) -> Lesson:
    """The one access check for lessons: drafts exist only for staff past the admin's
    two-factor rule (`sees_drafts`), others get a 404.
    `order`: the reader's reading order when the caller has it (`reading_order.visible_to`),
    which keeps the row; each caller gets its own copy."""
    order = order or reading_order.visible_to(request.user)
    lesson = _kept(
        order,
        "lesson-rows",
        (module_slug, lesson_slug),
        lambda: get_object_or_404(
            Lesson.objects.visible_to(request.user).select_related("module"),
            module__slug=module_slug,
            slug=lesson_slug,
        ),
    )
    return copy.copy(lesson)


def lesson_scenarios(lesson: Lesson, order=None) -> list[Scenario]:
    """The lesson's scenarios a page can show, each the caller's own copy (a page annotates
    them); kept with `order` when given, each with the digest of its content its card is kept
    by (`scenario_card`), worked out once as it is read, and its stored rendering of its text
    (`Scenario.shown`): one found stale is rendered and stored here, once, not again on each
    copy's page."""

    def read() -> tuple[Scenario, ...]:
        found = tuple(s for s in Scenario.objects.filter(lessons=lesson) if s.is_usable())
        for scenario in found:
            scenario.card_digest = _content_digest(scenario)
            rendered.SCENARIO.shown(scenario)
        return found

    found = _kept(order, "lesson-scenarios", lesson.pk, read) if order is not None else read()
    return [copy.copy(scenario) for scenario in found]


# A scenario card waiting for a prediction is the same for every reader until the scenario
# changes, except for the form's CSRF token: it is drawn once with a stand-in for the token,
# kept by a digest of the scenario's content (kept_fragments' storage and key rule), and the
# request's own token is put in its place.
_CSRF_STAND_IN = f"csrf-stand-in-{secrets.token_hex(12)}"
CARDS_KEPT = 256
_cards = Keeping(CARDS_KEPT)


def _content_digest(scenario: Scenario) -> str:
    """What a card shows of its scenario, in one short text: a key made of the content itself
    describes only the rows it was drawn from, so it may be kept even when drawn inside a
    transaction (versioned_cache's rule is for keys that name a version, not the content)."""
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
    return hashlib.blake2b(content.encode(), digest_size=16, usedforsecurity=False).hexdigest()


def scenario_card(request: HttpRequest, scenario: Scenario) -> str | None:
    """The scenario's card as HTML when it is the same for everyone (no answer shown, nothing
    just posted), else None: the template draws it for this request. Kept by the content's
    digest, where the form posts (`action`, `ref`), and the script prefix and URLconf."""
    check = getattr(scenario, "prediction_check", None)
    if check is not None and (
        check.result is not None
        or check.just_answered
        or getattr(check.form, "is_bound", True)
        or getattr(check.form, "initial", None)
    ):
        return None
    digest = getattr(scenario, "card_digest", None) or _content_digest(scenario)
    key = key_of((digest, check.action if check else "", check.ref if check else "", *links()))
    assert key is not None  # texts only (the URLconf too, a dotted path): always a key
    html = _cards.get(key)
    if html is None:
        html = render_to_string(
            "lessons/_scenario.html", {"scenario": scenario, "csrf_token": _CSRF_STAND_IN}
        )
        _cards.put(key, html)
    # A rendered (escaped) template with a CSRF token (letters and digits) put in: safe HTML.
    return mark_safe(html.replace(_CSRF_STAND_IN, csrf_token(request)))  # noqa: S308


def csrf_token(request: HttpRequest) -> str:
    """The request's masked CSRF token, made once per request: Django's `get_token` masks the
    secret afresh on every call (32 random characters from the OS each time), and a lesson
    page puts it in every form it draws (the page, each scenario card, each check)."""
    token = getattr(request, "_lesson_csrf_token", None)
    if token is None:
        token = request._lesson_csrf_token = get_token(request)
    return token


def lesson_context(
    request: HttpRequest, lesson: Lesson, *, posted: dict | None = None, order=None
) -> dict:
    """The lesson page's context. `posted`: check views a POST just produced ({(kind, ref):
    view}), drawn in place of the learner's stored state. `order`: the reader's reading order,
    when the caller has it (one cache read less)."""
    order = order or reading_order.visible_to(request.user)
    previous, following = order.neighbours(lesson.pk)
    token = csrf_token(request)
    content = rendered.lesson_body(lesson)
    scenarios = lesson_scenarios(lesson, order)
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
        # `lesson`: an anonymous answer's "create an account" and "sign in" come back to it.
        context = {"check": check, "csrf_token": token, "lesson": lesson}
        return render_to_string("lessons/lesson.html#check", context, request=request)

    # The last lesson of a module offers the module's quiz before the next module.
    last_in_module = following is None or following.module_id != lesson.module_id
    quiz = None
    if last_in_module:
        # A question check already carries the module's quiz (its way on): not read twice.
        quiz = next(
            (view.quiz for view in views.values() if view.kind == hooks.QUESTION and view.quiz),
            None,
        ) or hooks.module_quizzes(user=request.user, module_ids=[lesson.module_id]).get(
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
        "csrf_token": token,  # one token for every form on the page (see `csrf_token`)
    }
