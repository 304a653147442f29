"""Thin views for the curriculum pages; the work happens in progress.py and explorers.py."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from lessons import hooks, progress, reading_order
from lessons.diagrams import srm_stack
from lessons.explorers import compliance_view, srm_view
from lessons.markdown import insert_diagrams, render_markdown
from lessons.models import Lesson, Level, Module, Scenario
from srm_trainer.htmx import page_or_partial, wants_partial


def _modules_for(request: HttpRequest):
    lessons = Lesson.objects.visible_to(request.user).order_by("order", "slug").defer("body")
    return Module.objects.visible_to(request.user).prefetch_related(
        Prefetch("lessons", queryset=lessons, to_attr="visible_lessons")
    )


def _lesson_for(request: HttpRequest, module_slug: str, lesson_slug: str) -> Lesson:
    """The one access check for lessons: drafts exist only for staff, others get a 404."""
    return get_object_or_404(
        Lesson.objects.visible_to(request.user).select_related("module"),
        module__slug=module_slug,
        slug=lesson_slug,
    )


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Modules with their counts and the learner's place: from the kept reading order, so the
    page costs the same with 24 lessons or 2,400."""
    modules = list(Module.objects.visible_to(request.user))
    order = reading_order.visible_to(request.user)
    sequence = order.entries
    grouped = order.by_module()
    for module in modules:
        module.visible_lessons = grouped.get(module.pk, [])
    learner = progress.learner_progress(request.user, request.session)
    return render(
        request,
        "lessons/home.html",
        {
            "modules": modules,
            "completed": learner.completed,
            "resume": progress.continue_lesson(sequence, learner),
            "first_lesson": sequence[0] if sequence else None,
            "lesson_count": len(sequence),
        },
    )


@require_safe
def module_detail(request: HttpRequest, module_slug: str) -> HttpResponse:
    """The module's lessons; `?level=advanced` (etc.) shows only the lessons of one level, a
    plain link so the filter works without JavaScript. An unknown level shows them all."""
    module = get_object_or_404(_modules_for(request), slug=module_slug)
    wanted = request.GET.get("level", "")
    level = wanted if wanted in Level.values else ""
    lessons = [le for le in module.visible_lessons if not level or le.level == level]
    return render(
        request,
        "lessons/module.html",
        {
            "module": module,
            "lessons": lessons,
            "level": level,
            "unknown_level": wanted if wanted and not level else "",
            "levels": [
                (value, label, sum(1 for le in module.visible_lessons if le.level == value))
                for value, label in Level.choices
            ],
            "completed": progress.learner_progress(request.user, request.session).completed,
        },
    )


@require_safe
def lesson_detail(request: HttpRequest, module_slug: str, lesson_slug: str) -> HttpResponse:
    lesson = _lesson_for(request, module_slug, lesson_slug)
    previous, following = reading_order.visible_to(request.user).neighbours(lesson.pk)
    content = render_markdown(lesson.body)
    return render(
        request,
        "lessons/lesson.html",
        {
            "lesson": lesson,
            "module": lesson.module,
            "content": content,
            "body_html": insert_diagrams(hooks.filter_body(content.html, lesson=lesson)),
            "previous": previous,
            "next": following,
            "is_complete": progress.has_completed(request.user, lesson, request.session),
            "scenarios": [s for s in Scenario.objects.filter(lessons=lesson) if s.is_usable()],
        },
    )


@require_POST
def lesson_complete(request: HttpRequest, module_slug: str, lesson_slug: str) -> HttpResponse:
    """Mark a lesson done (or not done again); htmx swaps the button, a plain form redirects.
    Anonymous learners may too: their session keeps it until they sign up."""
    lesson = _lesson_for(request, module_slug, lesson_slug)
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
    diagram = None if request.htmx else srm_stack().html()
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
