"""The quiz statistics page (/teach/quizzes/<id>/statistics/): thin views over
`teach.statistics` (the formulas) and `teach.statistics_page` (the charts)."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from teach.access import _quiz_for_instructor, quizzes_visible, teacher_required
from teach.statistics import MIN_ATTEMPTS, WEAK_DISCRIMINATION, submitted_attempts
from teach.statistics import quiz_statistics as compute
from teach.statistics_page import page_context

ALL, FIRST = "all", "first"


class StatisticsFilter(forms.Form):
    attempts = forms.ChoiceField(
        choices=[(ALL, "All submitted attempts"), (FIRST, "Each learner's first attempt")],
        widget=forms.RadioSelect,
        label="Attempts to count",
        error_messages={"invalid_choice": "Choose “all attempts” or “first attempts”."},
    )


def _partial(request: HttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_safe
@teacher_required
@vary_on_headers("HX-Request")
def quiz_statistics(
    request: HttpRequest, pk: int, *, users: QuerySet | None = None, scope: str = ""
) -> HttpResponse:
    """Statistics over every learner's submitted attempts. `users` narrows them (a cohort's
    learners: a caller passes it, the URL never does) and `scope` names that group."""
    quiz = _quiz_for_instructor(request, pk)
    form = StatisticsFilter({"attempts": request.GET.get("attempts") or ALL})
    first_only = form.is_valid() and form.cleaned_data["attempts"] == FIRST
    stats = compute(
        quiz=quiz, attempts=submitted_attempts(quiz=quiz, users=users), first_only=first_only
    )
    context = page_context(stats) | {
        "quiz": quiz,
        "form": form,
        "scope": scope or "all learners",
        "min_attempts": MIN_ATTEMPTS,
        "weak": WEAK_DISCRIMINATION,
    }
    template = "teach/statistics.html#results" if _partial(request) else "teach/statistics.html"
    return render(request, template, context)


@require_safe
@teacher_required
def quiz_statistics_by_slug(request: HttpRequest, slug: str) -> HttpResponse:
    """The issue's address (by slug) leads to the page by id, for those who may see the quiz."""
    quiz = get_object_or_404(quizzes_visible(request.user), slug=slug)
    url = reverse("teach:quiz-statistics", args=[quiz.pk])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)
