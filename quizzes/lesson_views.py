"""Answering a knowledge check inside a lesson: a scenario's prediction, or a `::: check`
question. With htmx the check's partial of the lesson template is swapped in place; without
JavaScript the form posts to `...#anchor` and the whole lesson is drawn again, the answer in
place, so the browser lands on it."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from lessons import reading_order
from lessons.hooks import CheckView
from lessons.markdown import render_markdown
from lessons.models import Lesson, Scenario
from lessons.pages import lesson_context, lesson_for
from quizzes import lesson_checks
from quizzes.models import EarlierQuestionSlug
from srm_trainer.htmx import wants_partial
from srm_trainer.ratelimit import rate_limited


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    """Over the answer limit: with htmx, the check drawn again as it was sent (the choice the
    learner made stays, and no message an earlier send got), the refusal in its status line and
    said in the page's status region; without, the usual page."""
    if not wants_partial(request):
        return render(request, "429.html", {"retry_after": retry_after, "what": "answers"})
    refused = (
        f"Too many answers in a short time: nothing was checked. "
        f"Try again in {retry_after} second{'s' if retry_after != 1 else ''}."
    )
    kwargs = request.resolver_match.kwargs if request.resolver_match else {}
    answer = _predict if "scenario_slug" in kwargs else _check
    return answer(request, **kwargs, refused=refused)


def _predict(
    request: HttpRequest, module_slug: str, lesson_slug: str, scenario_slug: str, refused=""
) -> HttpResponse:
    """A prediction answered, or with `refused`, drawn again as sent and not looked at."""
    order = reading_order.visible_to(request.user)
    lesson = lesson_for(request, module_slug, lesson_slug, order)
    scenario = get_object_or_404(Scenario.objects.filter(lessons=lesson), slug=scenario_slug)
    if not scenario.is_usable():
        raise Http404("This scenario is being repaired.")
    view = lesson_checks.prediction_view(
        request=request, lesson=lesson, scenario=scenario, data=request.POST, refused=refused
    )
    return _respond(request, lesson, view, "prediction", order, scenario=scenario)


def _check(
    request: HttpRequest, module_slug: str, lesson_slug: str, question_slug: str, refused=""
) -> HttpResponse:
    """A check answered, or with `refused`, drawn again as sent and not looked at. Only a
    question the lesson itself places may be answered here: this is no way to grade any
    question of the bank."""
    order = reading_order.visible_to(request.user)
    lesson = lesson_for(request, module_slug, lesson_slug, order)
    checks = render_markdown(lesson.body).checks
    if question_slug not in checks:
        question_slug = _renamed(question_slug)  # a page opened before a course update
        if question_slug not in checks:
            raise Http404("This lesson has no such check.")
    question = lesson_checks.lesson_questions([question_slug]).get(question_slug)
    if question is None:
        raise Http404("This check is being repaired.")
    view = lesson_checks.question_view(
        request=request, lesson=lesson, question=question, data=request.POST, refused=refused
    )
    return _respond(request, lesson, view, "check", order)


def _renamed(slug: str) -> str:
    """The slug of the question a course update renamed from `slug` (`formerly:`), or "": the
    caller answers it only if the lesson places it under that slug."""
    earlier = EarlierQuestionSlug.objects.filter(slug=slug).values_list("question__slug", flat=True)
    return next(iter(earlier), "")


def _respond(
    request: HttpRequest, lesson: Lesson, view: CheckView, partial: str, order=None, **extra
):
    if wants_partial(request):
        context = {"lesson": lesson, "check": view, **extra}
        return render(request, f"lessons/lesson.html#{partial}", context)
    posted = {(view.kind, view.ref): view}
    context = lesson_context(request, lesson, posted=posted, order=order)
    return render(request, "lessons/lesson.html", context)


def _to_the_lesson(request: HttpRequest, module_slug: str, lesson_slug: str, anchor: str):
    """A GET of an answer's address: the lesson, at the card. Without JavaScript an answer is
    drawn at its own address (the form's POST), so the header's "Sign in" (which comes back to
    the page's address), a reload from the address bar or a bookmark came back here with a GET,
    and met a bare 405, the browser's blank error page."""
    lesson = lesson_for(request, module_slug, lesson_slug)  # a draft: 404 but for staff
    return redirect(f"{lesson.get_absolute_url()}#{anchor}")


ANSWER_METHODS = ["GET", "HEAD", "POST"]


@require_http_methods(ANSWER_METHODS)
@vary_on_headers("HX-Request")
@rate_limited("answer", _too_many, methods=("POST",))
def lesson_predict(
    request: HttpRequest, module_slug: str, lesson_slug: str, scenario_slug: str
) -> HttpResponse:
    if request.method != "POST":
        return _to_the_lesson(request, module_slug, lesson_slug, f"predict-{scenario_slug}")
    return _predict(request, module_slug, lesson_slug, scenario_slug)


@require_http_methods(ANSWER_METHODS)
@vary_on_headers("HX-Request")
@rate_limited("answer", _too_many, methods=("POST",))
def lesson_check(
    request: HttpRequest, module_slug: str, lesson_slug: str, question_slug: str
) -> HttpResponse:
    if request.method != "POST":
        return _to_the_lesson(request, module_slug, lesson_slug, f"check-{question_slug}")
    return _check(request, module_slug, lesson_slug, question_slug)
