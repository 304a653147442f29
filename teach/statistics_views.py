"""The quiz statistics page (/teach/quizzes/<id>/statistics/): thin views over
`teach.statistics` (the formulas) and `teach.statistics_page` (the charts)."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from quizzes.attempts import OverdueIn, expire_overdue
from quizzes.models import Attempt
from srm_trainer.htmx import HtmxHttpRequest
from srm_trainer.labels import PlainLabels
from srm_trainer.typed_text import LimitsOnServer
from teach.access import _quiz_for_instructor, may_edit, quizzes_visible, teacher_required
from teach.rendering import RENDERER
from teach.statistics import (
    MIN_ATTEMPTS,
    WEAK_DISCRIMINATION,
    kept_statistics,
    learner_attempts,
    submitted_attempts,
)
from teach.statistics import quiz_statistics as compute
from teach.statistics_page import page_context

ALL, FIRST = "all", "first"

# Narrower views of the same statistics that other apps offer (cohorts: one per cohort the
# teacher has this quiz assigned to). A provider takes (user, quiz) and returns (label, url)
# pairs; teach never imports the apps built on it.
ScopeProvider = Callable[[object, object], list[tuple[str, str]]]
_scope_providers: list[ScopeProvider] = []


def register_scopes(provider: ScopeProvider) -> None:
    if provider not in _scope_providers:
        _scope_providers.append(provider)


def _scopes(user, quiz) -> list[tuple[str, str]]:
    return [scope for provider in _scope_providers for scope in provider(user, quiz)]


def sees_every_learner(user, quiz) -> bool:
    """Statistics over all learners are for staff and the quiz's own author. Anyone else who
    may open the quiz (an instructor with a curriculum quiz) sees those of the cohorts they
    teach: with few attempts, a class-wide figure could give away one person's answers."""
    return may_edit(user, quiz)


class StatisticsFilter(LimitsOnServer, PlainLabels, forms.Form):
    default_renderer = RENDERER

    attempts = forms.ChoiceField(
        choices=[(ALL, "All submitted attempts"), (FIRST, "Each learner's first attempt")],
        widget=forms.RadioSelect,
        label="Attempts to count",
        error_messages={"invalid_choice": "Choose “all attempts” or “first attempts”."},
    )


def _partial(request: HtmxHttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_safe
@teacher_required
@vary_on_headers("HX-Request")
def quiz_statistics(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Statistics over every learner's submitted attempts, for those who may see them all
    (`sees_every_learner`); others are shown the narrower scopes they may open."""
    return render_statistics(request, _quiz_for_instructor(request, pk))


def render_statistics(
    request: HtmxHttpRequest,
    quiz,
    *,
    users: QuerySet | None = None,
    attempts: QuerySet | None = None,
    scope: str = "",
    close_overdue: Callable[[], object] | None = None,
    cohort=None,
    class_size: int | None = None,
) -> HttpResponse:
    """The page for `quiz`, which the caller has checked this teacher may see. `users` or
    `attempts` narrow the attempts (a cohort's: a caller passes them, the URL never does) and
    `scope` names that group; without them, the figures cover every learner. First the
    attempts whose time ran out are closed (they count too): the quiz's, or among `attempts`
    those of the quiz, which `close_overdue` does when given (an `OverdueIn`'s, compiled once).
    `cohort`: the class whose page this is, so its trail leads back to its gradebook;
    `class_size`: its learners, so "Learners" says how many of them the figures hold."""
    form = StatisticsFilter({"attempts": request.GET.get("attempts") or ALL})
    first_only = form.is_valid() and form.cleaned_data["attempts"] == FIRST
    narrowed = users is not None or attempts is not None
    everyone = sees_every_learner(request.user, quiz)
    context = {
        "quiz": quiz,
        "cohort": cohort,
        "class_size": class_size,
        "form": form,
        "scope": scope or "all learners",
        "min_attempts": MIN_ATTEMPTS,
        "weak": WEAK_DISCRIMINATION,
        "here": request.path,
        "scopes": (
            [("All learners", reverse("teach:quiz-statistics", args=[quiz.pk]))] if everyone else []
        )
        + _scopes(request.user, quiz),
        "restricted": not narrowed and not everyone,
        # Over every learner, the author's own attempts are left out (`learner_attempts`).
        "author_left_out": not narrowed and quiz.owner_id is not None,
    }
    if not context["restricted"]:
        if attempts is None:
            _OVERDUE.expire(quiz.pk)
        elif close_overdue is not None:
            close_overdue()
        else:
            expire_overdue(attempts.filter(quiz=quiz))
        if attempts is None and users is None:
            attempts = learner_attempts(quiz=quiz)  # the author's own tries left out
        elif attempts is None:
            attempts = submitted_attempts(quiz=quiz, users=users)
        else:
            attempts = attempts.filter(quiz=quiz, submitted_at__isnull=False, score__isnull=False)
        counted = attempts

        def build():
            return compute(quiz=quiz, attempts=counted, first_only=first_only)

        # Kept per scope: every learner's, or a cohort's (its counted attempts, told of its
        # changes by cohorts/signals.py); any other narrowing is computed on each view.
        kept_as = "all" if not narrowed else ("cohort", cohort.pk) if cohort is not None else None
        if kept_as is None:
            stats = build()
        else:
            stats = kept_statistics(quiz=quiz, scope=kept_as, first_only=first_only, build=build)
        context |= page_context(stats)
    template = "teach/statistics.html#results" if _partial(request) else "teach/statistics.html"
    return render(request, template, context)


# A quiz's attempts whose time ran out, asked on every view of its page: SQL compiled once.
_OVERDUE = OverdueIn(lambda quiz_id: Attempt.objects.filter(quiz_id=quiz_id))


@require_safe
@teacher_required
def quiz_statistics_by_slug(request: HttpRequest, slug: str) -> HttpResponse:
    """The issue's address (by slug) leads to the page by id, for those who may see the quiz."""
    quiz = get_object_or_404(quizzes_visible(request.user), slug=slug)
    url = reverse("teach:quiz-statistics", args=[quiz.pk])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)
