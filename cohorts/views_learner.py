"""Thin views for learners: the cohorts they are in, joining by code or link, leaving.

Joining is rate-limited (group `join`), so a join code cannot be found by guessing: every
code typed or link opened counts, right or wrong. Anonymous visitors are sent to sign in first
(and come back to the link); a link they open counts too (by their browser and address), as
the sign-in page then names the cohort it found (`cohorts.invitations`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from cohorts import codes, departures, invitations, services
from cohorts.access import teachers, teachers_of, teaches
from cohorts.forms import JoinForm
from cohorts.models import Cohort, Extension, Membership
from srm_trainer.ratelimit import rate_limited


def _too_many_tries(request: HttpRequest, retry_after: int) -> HttpResponse:
    return render(request, "429.html", {"retry_after": retry_after, "what": "join codes"})


def _joined(request: HttpRequest, cohort: Cohort, form: JoinForm | None = None) -> HttpResponse:
    """Join and say so; refused (an instructor of it, an archived cohort), the reason beside
    the code typed in `form`, which stays as typed, or for a link on the cohorts page."""
    try:
        _, created = services.cohort_join(cohort=cohort, user=request.user)
    except services.CohortError as exc:
        if form is not None:
            form.add_error("code", str(exc))
            return _mine(request, form, status=400)
        messages.error(request, str(exc))
        return redirect("cohorts:mine")
    if created and departures.was_in(cohort, request.user):
        messages.success(
            request,
            f"You joined “{cohort.name}” again. Its assigned work is on your home page; only "
            "attempts you start from now count for it (your earlier ones stay in your own "
            "history).",
        )
    elif created:
        messages.success(
            request, f"You joined “{cohort.name}”. Its assigned work is on your home page."
        )
    elif cohort.archived:  # its link says so too; "already in" read as a running class
        messages.info(
            request,
            f"You are in “{cohort.name}”, which has ended: its instructor archived it. It is "
            "under Past cohorts below.",
        )
    else:
        messages.info(request, f"You are already in “{cohort.name}”.")
    return redirect("cohorts:mine")


def _mine(request: HttpRequest, form: JoinForm, status: int = 200) -> HttpResponse:
    assert request.user.is_authenticated  # its views are login_required
    memberships = list(
        Membership.objects.filter(user=request.user)
        .select_related("cohort__owner")
        .order_by("cohort__name", "pk")
    )
    # Every instructor who sees their results, as joining and leaving name them (the page
    # named the owner alone).
    taught_by = teachers_of([m.cohort for m in memberships])
    for m in memberships:
        m.teachers = taught_by[m.cohort_id]  # type: ignore[attr-defined]
    return render(
        request,
        "cohorts/mine.html",
        {
            "memberships": [m for m in memberships if not m.cohort.archived],
            "past": [m for m in memberships if m.cohort.archived],
            "form": form,
        },
        status=status,
    )


@require_safe
@never_cache  # as "Your data": which classes the learner is in, and their instructors
@login_required
def my_cohorts(request: HttpRequest) -> HttpResponse:
    return _mine(request, JoinForm())


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@rate_limited("join", _too_many_tries, methods=("POST",))
def join(request: HttpRequest) -> HttpResponse:
    """Type a code. GET shows the form (on the cohorts page)."""
    if request.method != "POST":
        return _mine(request, JoinForm())
    form = JoinForm(request.POST)
    if form.is_valid():
        cohort = services.cohort_by_code(form.cleaned_data["code"])
        if cohort is not None:
            return _joined(request, cohort, form)
        form.add_error(
            "code",
            codes.problem(form.cleaned_data["code"])
            or "No cohort has this code. Check it with your instructor: it may have been changed.",
        )
    return _mine(request, form, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("join", _too_many_tries)
def join_link(request: HttpRequest, code: str) -> HttpResponse:
    """The link an instructor shares: GET asks to confirm (a link never changes anything by
    itself), POST joins. A rotated code's link is a 404 that says so; an archived cohort's
    says the class has ended (POST is refused by `services.cohort_join`, saying so too)."""
    cohort = services.cohort_by_code(code)
    if not request.user.is_authenticated:
        # Sign in first, whatever the code (a wrong one is found out after signing in, as
        # before); the sign-in page names a cohort this found (`invitations`).
        invitations.remember(request, cohort)
        return redirect_to_login(request.get_full_path())
    if cohort is None:
        return render(request, "cohorts/join_link.html", {"cohort": None}, status=404)
    if request.method == "POST":
        return _joined(request, cohort)
    member = Membership.objects.filter(cohort=cohort, user=request.user).exists()
    # Its instructors try the link they share; asked to join, they were refused on confirming.
    teaching = not member and teaches(request.user, cohort)
    again = not member and not teaching and departures.was_in(cohort, request.user)
    return render(
        request,
        "cohorts/join_link.html",
        {
            "cohort": cohort,
            "member": member,
            "teaching": teaching,
            "again": again,
            "teachers": teachers(cohort),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks first, as an instructor removing a learner is asked: leaving drops the
    learner's extensions, and if they join again only attempts started after that count, so
    their work so far leaves the gradebook. One stray tap on a phone must not do that. POST
    leaves. An archived cohort is left the same way (`services.learner_leave`); its page says
    it cannot be joined again while archived."""
    assert request.user.is_authenticated  # login_required
    membership = (
        Membership.objects.select_related("cohort__owner")
        .filter(cohort_id=pk, user=request.user)
        .first()
    )
    if membership is None:
        # Left already: a double click on Leave, or Back to this page afterwards. The same
        # words for any cohort one is not in, so they tell nothing about other cohorts.
        messages.info(
            request, "You are not in that cohort (any more), so there is nothing to leave."
        )
        return redirect("cohorts:mine")
    if request.method != "POST":
        extensions = Extension.objects.filter(assignment__cohort_id=pk, user=request.user).count()
        return render(
            request,
            "cohorts/leave.html",
            {
                "membership": membership,
                "cohort": membership.cohort,
                "extension_count": extensions,
                "teachers": teachers(membership.cohort),
            },
        )
    services.learner_leave(cohort=membership.cohort, user_id=request.user.pk)
    messages.success(request, f"You left “{membership.cohort.name}”.")
    return redirect("cohorts:mine")
