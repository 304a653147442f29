"""Thin views for the curriculum pages; the work happens in progress.py and explorers.py."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from lessons import addresses, hands_on, hooks, progress, reading_order
from lessons.diagrams import srm_stack_html
from lessons.explorers import compliance_view, srm_view
from lessons.models import Level
from lessons.pages import lesson_context, lesson_for
from srm_trainer.htmx import HtmxHttpRequest, page_or_partial, wants_partial
from srm_trainer.kept_fragments import kept_drawing
from srm_trainer.pager import without

# A module page lists this many lessons and links to the rest page by page (`?page=`), so it
# costs the same whatever the size of the module.
LESSONS_PER_PAGE = 50

# Lesson rows kept (module pages): two per lesson (done or not) fit for a course of thousands;
# and pages of rows (~25 KB each), for the pages and learners' states most recently asked for.
ROWS_KEPT = 8192
PAGES_KEPT = 256


@kept_drawing(limit=4)
def _anonymous_course(course) -> str:
    """The course listing a visitor with no progress sees: the same for all of them until the
    course changes, so it is drawn once per version of the course (srm_trainer/kept_fragments.py)
    rather than per request."""
    order = course.value.published
    context = _course_context(course, order, order.modules())
    return render_to_string("lessons/home.html#course", context)


def _course_context(course, order, modules, done=None) -> dict:
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
        # What home's cards are drawn from (lessons_extras.module_card): this order of the course.
        "course_build": course,
        "published_only": order.published_only,
    }


@require_safe
def learn(request: HttpRequest) -> HttpResponse:
    """`/learn/`, typed or cut back from a module's address (`/learn/<module>/`): the course's
    modules are the home page, which the header's and breadcrumbs' "Learn" open. A temporary
    redirect, so a page of its own could take the address later without browsers keeping this."""
    return redirect("home")


@require_safe
@never_cache  # progress changes it in place: Back must not show a kept copy
def home(request: HttpRequest) -> HttpResponse:
    """Modules with their counts and the learner's place: from the kept reading order and
    per-module counts made by the database, so the page costs the same with 24 lessons or
    2,400. A visitor with no progress gets the course listing drawn once per course version."""
    user = request.user
    course = reading_order.kept()
    order = course.value.visible_to(user)
    if not user.is_authenticated and not progress.session_completed(request.session):
        sequence = order.entries
        context = {
            "course_html": _anonymous_course(course),
            "first_lesson": sequence[0] if sequence else None,
            "lesson_count": len(sequence),
        }
    else:
        done = progress.done_by_module(user, request.session, order)
        context = _course_context(course, order, order.modules(), done)
        context["resume"] = resume = progress.resume(user, request.session, order)
        # Nothing left to continue because everything is read: the next step is their progress
        # page (quizzes, the exam, the certificate), not "Start with the first lesson".
        context["every_lesson_done"] = (
            resume is None and bool(order.entries) and sum(done.values()) >= len(order.entries)
        )
    return render(request, "lessons/home.html", context)


@require_safe
@never_cache  # progress changes it in place: Back must not show a kept copy
def module_detail(request: HttpRequest, module_slug: str) -> HttpResponse:
    """The module's lessons, from the kept reading order (no lesson rows read), a page of
    LESSONS_PER_PAGE at a time; `?level=advanced` (etc.) shows only the lessons of one level,
    a plain link so the filter works without JavaScript. An unknown level shows them all, said
    once: the pager's links leave it out, so the next page does not say it again. An unknown
    page number shows the nearest page."""
    course = reading_order.kept()
    order = course.value.visible_to(request.user)
    module = order.module(module_slug)
    if module is None:
        if moved := addresses.module_now(request.user, module_slug):
            return redirect(moved)  # a module given a new slug by a course update
        raise Http404("No such module.")
    wanted = request.GET.get("level", "")
    level = wanted if wanted in Level.values else ""
    unknown_level = wanted if wanted and not level else ""
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
                _lesson_rows(
                    course,
                    tuple([entry.pk for entry in page]),
                    tuple([entry.pk in completed for entry in page]),
                )
            ),
            "page": page,
            "level": level,
            "unknown_level": unknown_level,
            "pager_query": without(request.GET, "level") if unknown_level else None,
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
            # With a signed-in learner's standing on it (passed, or their best score so far).
            "module_quiz": hooks.module_quizzes(
                user=request.user, module_ids=[module.pk], standing=True
            ).get(module.pk),
            # Named on the kept module row (`hands_on`): no query.
            "hands_on": hands_on.pieces(module.hands_on),
        },
    )


@require_safe
def labs(request: HttpRequest) -> HttpResponse:
    """Every hands-on piece on one page, under the modules that name them in reading order
    (the modules this reader may see, from the kept order: no query). A piece named by
    several modules is described under the first and linked again under the others; the
    pieces no shown module names come last, so every piece of the registry is here."""
    order = reading_order.visible_to(request.user)
    return render(request, "lessons/labs.html", hands_on.by_module(order.modules()))


@kept_drawing(limit=PAGES_KEPT)
def _lesson_rows(course, pks: tuple[int, ...], done: tuple[bool, ...]) -> str:
    """A page of a module's rows, kept by its lessons and which of them are done: one look-up
    for the page. Each row is kept too, so another learner's page of the same lessons with
    other ones done costs no template work either."""
    return "".join(
        [_lesson_row(course, pk, is_done) for pk, is_done in zip(pks, done, strict=True)]
    )


@kept_drawing(limit=ROWS_KEPT)
def _lesson_row(course, pk: int, done: bool) -> str:
    """A module page's row for one lesson, drawn from its reading-order entry (everything the
    row shows) once per course version and kept: a page of 50 rows costs what a page of 4
    does. Both orders of a version share their entries, so any lesson is in `everything`."""
    order = course.value.everything
    entry = order.entries[order.position[pk]]
    return render_to_string("lessons/module.html#lesson-row", {"lesson": entry, "done": done})


@require_safe
@never_cache  # progress changes it in place: Back must not show a kept copy
def lesson_detail(request: HttpRequest, module_slug: str, lesson_slug: str) -> HttpResponse:
    order = reading_order.visible_to(request.user)  # keeps the lesson's rows (lessons/pages.py)
    try:
        lesson = lesson_for(request, module_slug, lesson_slug, order)
    except Http404:
        if moved := addresses.lesson_now(request.user, module_slug, lesson_slug):
            return redirect(moved)  # a bookmark from before a course update moved it
        raise
    return render(request, "lessons/lesson.html", lesson_context(request, lesson, order=order))


@require_POST
def lesson_complete(request: HtmxHttpRequest, module_slug: str, lesson_slug: str) -> HttpResponse:
    """Mark a lesson completed (or not completed again); htmx swaps the button, a plain form redirects.
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
            "lessons/lesson.html#progress_update",
            {"lesson": lesson, "is_complete": done, "announce": True},
        )
    return redirect(lesson.get_absolute_url() + "#progress")


@require_safe
@vary_on_headers("HX-Request")
def srm_explorer(request: HtmxHttpRequest) -> HttpResponse:
    service_slug = request.GET.get("service")
    compare_slug = request.GET.get("compare")
    view = srm_view(service_slug=service_slug, compare_slug=compare_slug)
    unknown = (
        service_slug
        if service_slug and view.selected and view.selected.slug != service_slug
        else None
    )
    known = {service.slug for service in view.services}
    unknown_compare = compare_slug if compare_slug and compare_slug not in known else None
    # The same service picked in both lists is shown once; said, as the form still reads
    # "Compare with: Amazon RDS" beside a table of RDS alone.
    with_itself = bool(view.selected and compare_slug == view.selected.slug and not unknown)
    template = page_or_partial(request, "lessons/srm.html", "live_explorer")
    diagram = None if request.htmx else srm_stack_html()
    context = {
        "view": view,
        "unknown": unknown,
        "unknown_compare": unknown_compare,
        "with_itself": with_itself,
        "diagram": diagram,
    }
    return render(request, template, context)


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
