"""Thin views for the curriculum pages; the work happens in progress.py and explorers.py."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from lessons import hooks, progress, reading_order
from lessons.diagrams import srm_stack_html
from lessons.explorers import compliance_view, srm_view
from lessons.models import Level
from lessons.pages import lesson_context, lesson_for
from srm_trainer.htmx import page_or_partial, wants_partial

# A module page lists this many lessons and links to the rest page by page (`?page=`), so it
# costs the same whatever the size of the module.
LESSONS_PER_PAGE = 50

# The anonymous home page's course listing, rendered once per reading order (a lesson or
# module saved anywhere makes a new order): (order, html).
_anonymous_course: tuple[object, str] | None = None


def _course_html(order, modules_for) -> str | None:
    """The course listing a visitor with no progress sees: the same for all of them until the
    course changes, so it is rendered once per order and process rather than per request."""
    global _anonymous_course
    kept = _anonymous_course
    if kept is not None and kept[0] is order:
        return kept[1]
    html = render_to_string("lessons/home.html#course", _course_context(order, modules_for()))
    if not connection.in_atomic_block:  # only an order of committed rows is kept
        _anonymous_course = (order, html)
    return html


def _course_context(order, modules, done=None) -> dict:
    grouped = order.by_module()
    for module in modules:
        module.visible_lessons = grouped.get(module.pk, ())
        module.done = (done or {}).get(module.pk, 0)
    sequence = order.entries
    return {
        "modules": modules,
        "first_lesson": sequence[0] if sequence else None,
        "lesson_count": len(sequence),
        "show_progress": done is not None,
        "kept_cards": order.kept.setdefault("home-cards", {}),  # lessons_extras.module_card
    }


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Modules with their counts and the learner's place: from the kept reading order and
    per-module counts made by the database, so the page costs the same with 24 lessons or
    2,400. A visitor with no progress gets the course listing rendered once per order."""
    user = request.user
    order = reading_order.visible_to(user)
    modules = order.modules
    if not user.is_authenticated and not progress.session_completed(request.session):
        sequence = order.entries
        context = {
            "course_html": _course_html(order, modules),
            "first_lesson": sequence[0] if sequence else None,
            "lesson_count": len(sequence),
        }
    else:
        done = progress.done_by_module(user, request.session, order)
        context = _course_context(order, modules(), done)
        context["resume"] = progress.resume(user, request.session, order)
    return render(request, "lessons/home.html", context)


@require_safe
def module_detail(request: HttpRequest, module_slug: str) -> HttpResponse:
    """The module's lessons, from the kept reading order (no lesson rows read), a page of
    LESSONS_PER_PAGE at a time; `?level=advanced` (etc.) shows only the lessons of one level,
    a plain link so the filter works without JavaScript. An unknown level shows them all, an
    unknown page number the nearest page."""
    order = reading_order.visible_to(request.user)
    module = order.module(module_slug)
    if module is None:
        raise Http404("No such module.")
    wanted = request.GET.get("level", "")
    level = wanted if wanted in Level.values else ""
    everything = order.in_module(module.pk)
    page = Paginator(order.in_module(module.pk, level), LESSONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    signed_in = request.user.is_authenticated
    completed = progress.done_among(
        request.user, request.session, [entry.pk for entry in page.object_list]
    )
    return render(
        request,
        "lessons/module.html",
        {
            "module": module,
            # Each row is a rendered (escaped) template, so the joined rows are safe HTML.
            "rows": mark_safe(  # noqa: S308
                "".join(_lesson_row(order, entry, entry.pk in completed) for entry in page)
            ),
            "page": page,
            "level": level,
            "unknown_level": wanted if wanted and not level else "",
            "lesson_total": len(everything),
            "levels": [
                (value, label, len(order.in_module(module.pk, value)))
                for value, label in Level.choices
            ],
            "done": (
                progress.done_by_module(request.user, request.session, order).get(module.pk, 0)
                if signed_in
                else 0
            ),
            "module_quiz": hooks.module_quizzes(user=request.user, module_ids=[module.pk]).get(
                module.pk
            ),
        },
    )


def _lesson_row(order, entry, done: bool) -> str:
    """A module page's row for one lesson, drawn once per reading order (its data all comes
    from the order) and kept with it: a page of 50 rows then costs what a page of 4 does."""
    rows = order.kept.setdefault("module-rows", {})
    key = (entry.pk, done)
    row = rows.get(key)
    if row is None:
        row = rows[key] = render_to_string(
            "lessons/module.html#lesson-row", {"lesson": entry, "done": done}
        )
    return row


@require_safe
def lesson_detail(request: HttpRequest, module_slug: str, lesson_slug: str) -> HttpResponse:
    order = reading_order.visible_to(request.user)  # keeps the lesson's rows (lessons/pages.py)
    lesson = lesson_for(request, module_slug, lesson_slug, order)
    return render(request, "lessons/lesson.html", lesson_context(request, lesson, order=order))


@require_POST
def lesson_complete(request: HttpRequest, module_slug: str, lesson_slug: str) -> HttpResponse:
    """Mark a lesson done (or not done again); htmx swaps the button, a plain form redirects.
    Anonymous learners may too: their session keeps it until they sign up."""
    lesson = lesson_for(request, module_slug, lesson_slug)
    done = request.POST.get("done", "true") != "false"
    if done:
        progress.mark_complete(user=request.user, lesson=lesson, session=request.session)
    else:
        progress.mark_incomplete(user=request.user, lesson=lesson, session=request.session)
    if request.htmx:
        return render(
            request,
            "lessons/lesson.html#progress",
            {"lesson": lesson, "is_complete": done, "announce": True},
        )
    return redirect(lesson.get_absolute_url() + "#progress")


@require_safe
@vary_on_headers("HX-Request")
def srm_explorer(request: HttpRequest) -> HttpResponse:
    service_slug = request.GET.get("service")
    view = srm_view(service_slug=service_slug, compare_slug=request.GET.get("compare"))
    unknown = (
        service_slug
        if service_slug and view.selected and view.selected.slug != service_slug
        else None
    )
    template = page_or_partial(request, "lessons/srm.html", "explorer")
    diagram = None if request.htmx else srm_stack_html()
    return render(request, template, {"view": view, "unknown": unknown, "diagram": diagram})


@require_safe
@vary_on_headers("HX-Request")
def compliance_explorer(request: HttpRequest) -> HttpResponse:
    program_slug = request.GET.get("program")
    view = compliance_view(program_slug=program_slug)
    unknown = (
        program_slug
        if program_slug and view.selected and view.selected.slug != program_slug
        else None
    )
    template = page_or_partial(request, "lessons/compliance.html", "program_swap")
    return render(
        request, template, {"view": view, "unknown": unknown, "oob": wants_partial(request)}
    )
