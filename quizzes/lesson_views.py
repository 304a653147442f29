"""Answering a knowledge check inside a lesson: a scenario's prediction, or a `::: check`
question. With htmx the check's partial of the lesson template is swapped in place; without
JavaScript the form posts to `...#anchor` and the whole lesson is drawn again, the answer in
place, so the browser lands on it."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from lessons import reading_order
from lessons.hooks import CheckView
from lessons.markdown import render_markdown
from lessons.models import Lesson, Scenario
from lessons.pages import lesson_context, lesson_for
from quizzes import lesson_checks
from srm_trainer.htmx import HtmxHttpRequest, status_line, wants_partial
from srm_trainer.ratelimit import rate_limited


def _too_many(request: HtmxHttpRequest, retry_after: int) -> HttpResponse:
    """Over the answer limit: with htmx, a line in the check's own status (the choice the
    learner made stays on screen), said in the page's status region; without, the usual page."""
    message = (
        f"Too many answers in a short time: nothing was checked. "
        f"Try again in {retry_after} second{'s' if retry_after != 1 else ''}."
    )
    if request.htmx:
        kwargs = request.resolver_match.kwargs if request.resolver_match else {}
        ref = kwargs.get("scenario_slug") or kwargs.get("question_slug") or ""
        prefix = "predict" if "scenario_slug" in kwargs else "check"
        return status_line(message, f"#{prefix}-{ref}-status")
    return render(request, "429.html", {"retry_after": retry_after, "what": "answers"})


def _respond(
    request: HttpRequest, lesson: Lesson, view: CheckView, partial: str, order=None, **extra
):
    if wants_partial(request):
        context = {"lesson": lesson, "check": view, **extra}
        return render(request, f"lessons/lesson.html#{partial}", context)
    posted = {(view.kind, view.ref): view}
    context = lesson_context(request, lesson, posted=posted, order=order)
    return render(request, "lessons/lesson.html", context)


@require_POST
@vary_on_headers("HX-Request")
@rate_limited("answer", _too_many)
def lesson_predict(
    request: HttpRequest, module_slug: str, lesson_slug: str, scenario_slug: str
) -> HttpResponse:
    order = reading_order.visible_to(request.user)
    lesson = lesson_for(request, module_slug, lesson_slug, order)
    scenario = get_object_or_404(Scenario.objects.filter(lessons=lesson), slug=scenario_slug)
    if not scenario.is_usable():
        raise Http404("This scenario is being repaired.")
    view = lesson_checks.prediction_view(
        request=request, lesson=lesson, scenario=scenario, data=request.POST
    )
    return _respond(request, lesson, view, "prediction", order, scenario=scenario)


@require_POST
@vary_on_headers("HX-Request")
@rate_limited("answer", _too_many)
def lesson_check(
    request: HttpRequest, module_slug: str, lesson_slug: str, question_slug: str
) -> HttpResponse:
    """Only a question the lesson itself places may be answered here: this is no way to grade
    any question of the bank."""
    order = reading_order.visible_to(request.user)
    lesson = lesson_for(request, module_slug, lesson_slug, order)
    if question_slug not in render_markdown(lesson.body).checks:
        raise Http404("This lesson has no such check.")
    question = lesson_checks.lesson_questions([question_slug]).get(question_slug)
    if question is None:
        raise Http404("This check is being repaired.")
    view = lesson_checks.question_view(
        request=request, lesson=lesson, question=question, data=request.POST
    )
    return _respond(request, lesson, view, "check", order)
