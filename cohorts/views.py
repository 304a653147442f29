"""Thin views for instructors (/teach/cohorts/): each fetches its cohort through
`cohorts.access` first, then calls a form, a service or the gradebook. Every page works
without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from cohorts import departures, exports, gradebook, learner_finder, roster, services, sorting
from cohorts.access import _cohort_for_instructor, cohort_lists, learners
from cohorts.forms import (
    AssignmentForm,
    CohortForm,
    CoInstructorForm,
    ExtensionForm,
    NextTermForm,
    RenameForm,
)
from cohorts.models import Assignment, Cohort, Extension, Membership
from lessons import shown_names
from lessons.timezones import zoned
from quizzes import attempts
from quizzes import finder as quiz_finder
from srm_trainer import once
from srm_trainer.finder import too_many_said
from srm_trainer.htmx import HtmxHttpRequest
from srm_trainer.ratelimit import rate_limited
from teach import statistics_views
from teach.access import classes_required, quizzes_visible

LEARNERS_PER_PAGE = 50
# The gradebook's assignments (columns) and learners (rows) a page shows: with 40 assignments,
# a page of 50 learners was 2,000 cells (500 KiB; on a phone, 50 cards of 42 cells each). Each
# row also sums up every assignment.
ASSIGNMENTS_PER_PAGE = 8
GRADEBOOK_LEARNERS = 25


def _assignable_quizzes(user):
    """Quizzes this teacher may use (their own or the curriculum's) that learners can open."""
    return quizzes_visible(user).filter(published=True).order_by("title")


def _to_assign(user, cohort: Cohort):
    """The quizzes `user` may assign to `cohort` now: those it does not have yet."""
    return _assignable_quizzes(user).exclude(cohort_assignments__cohort=cohort)


def _assignment_for(cohort: Cohort, pk: int) -> Assignment:
    assignment = get_object_or_404(Assignment.objects.select_related("quiz"), pk=pk, cohort=cohort)
    Assignment.cohort.field.set_cached_value(assignment, cohort)  # the services ask if archived
    return assignment


def _refused_if_archived(
    request: HttpRequest, cohort: Cohort, what: str, to: str = "teach_cohorts:gradebook", **kw
) -> HttpResponse | None:
    """A change an archived cohort does not take (asked for, or sent from a page drawn before
    it was archived: Back, another tab): its page again, saying why and what to do. None when
    the cohort is not archived."""
    try:
        services.check_not_archived(cohort, what)
    except services.CohortError as exc:
        messages.error(request, str(exc))
        return redirect(to, pk=cohort.pk, **kw)
    return None


# --- cohorts ------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@classes_required
def cohort_list(request: HttpRequest) -> HttpResponse:
    """The list and its "Create a cohort" form, known by the form's token in the page's
    address (`once.page`): Back after creating asks for it again, also in a browser that keeps
    no copy and fills the name in again, and shows the list with the cohort made; sending that
    form again opens the cohort rather than making another (or refusing its name as taken)."""
    token = ""
    if request.method != "POST":
        opened = once.page(request, lambda kept: _made_cohort(request, kept))
        if isinstance(opened, HttpResponse):
            return opened
        token, made = opened
        if made is not None:
            messages.info(
                request,
                f"You created “{made.name}” from this page already: it is in the list below. "
                "Sending the form again opens it rather than creating another.",
            )
    initial = {"once": token, "name": request.GET.get("name", "")[:120]}
    form = CohortForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if not once.claim(form.cleaned_data["once"]):
            return _cohort_sent_again(request, form.cleaned_data["once"])
        try:
            cohort = services.cohort_create(owner=request.user, name=form.cleaned_data["name"])
        except services.CohortError as exc:
            once.release(form.cleaned_data["once"])  # nothing made: the form may be sent again
            form.add_error("name", str(exc))
        else:
            once.remember_save(request, form.cleaned_data["once"], cohort=cohort.pk)
            messages.success(request, f"Cohort “{cohort.name}” created. Share its join code.")
            return redirect("teach_cohorts:people", pk=cohort.pk)
    cohorts, archived = cohort_lists(request.user)
    return render(
        request,
        "cohorts/teach_list.html",
        {"cohorts": cohorts, "archived": archived, "form": form},
    )


def _made_cohort(request: HttpRequest, kept: dict) -> Cohort | None:
    """The cohort the list's form made (`kept`: `once.mine`), if its maker still owns it."""
    if not request.user.is_authenticated or not isinstance(kept.get("cohort"), int):
        return None
    return Cohort.objects.filter(pk=kept["cohort"], owner=request.user).first()


def _cohort_sent_again(request: HttpRequest, token: str) -> HttpResponse:
    """The list's form, which created its cohort already, sent again: never a second cohort.
    As it was (a double click, Back and Create): that cohort's page, saying so. With another
    name (a kept page edited after Back): nothing is made either, but the name is not lost:
    the list opens with a fresh form holding it, saying which cohort the page made, so a
    second cohort is one more deliberate Create away."""
    kept = once.mine(request, token)
    made = _made_cohort(request, kept) if kept else None
    if kept and made is not None and once.changed(kept, request.POST):
        name = request.POST.get("name", "")[:120]
        messages.info(
            request,
            f"This form created “{made.name}” already, so nothing more was made from it. The "
            f"name you sent, “{name}”, is filled in below: create it to make a second cohort.",
        )
        return once.readdressed(request, name=name)
    messages.info(request, "That cohort was created already (the form was sent twice).")
    if made is not None:
        return redirect("teach_cohorts:people", pk=made.pk)
    return redirect("teach_cohorts:list")


@require_http_methods(["GET", "HEAD", "POST"])
@classes_required
def cohort_next_term(request: HttpRequest, pk: int) -> HttpResponse:
    """The next term, set up from this cohort (current or archived): a form, then a new
    cohort with its assignments copied (`services.cohort_next_term`), opened at its gradebook.
    Sent twice (a double click, Back), the cohort made opens, nothing more is made."""
    cohort = _cohort_for_instructor(request, pk)
    dues = [due for due in cohort.assignments.values_list("due_at", flat=True) if due]
    form = NextTermForm(
        request.POST or None,
        initial={"once": once.new_token()},
        due_range=(min(dues, default=None), max(dues, default=None)),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not once.claim(data["once"]):
            made = _made_cohort(request, once.mine(request, data["once"]) or {})
            messages.info(request, "That cohort was created already (the form was sent twice).")
            if made is not None:
                return redirect("teach_cohorts:gradebook", pk=made.pk)
            return redirect("teach_cohorts:list")
        try:
            made_next = services.cohort_next_term(
                source=cohort,
                owner=request.user,
                name=data["name"],
                shift_days=data["shift_days"],
                with_instructors=data["with_instructors"],
                zone=form.page_zone(),  # the page's, as its help counted the days
            )
        except services.CohortError as exc:
            once.release(data["once"])  # nothing made: the form may be sent again
            form.add_error(
                "shift_days" if isinstance(exc, services.ShiftRefused) else "name", str(exc)
            )
        else:
            once.remember_save(request, data["once"], cohort=made_next.cohort.pk)
            for line in _next_term_said(made_next, data["shift_days"]):
                messages.success(request, line)
            if made_next.left_out:
                messages.warning(
                    request,
                    "Not copied, as they are another instructor's quizzes, which only they can "
                    "assign: " + ", ".join(f"“{title}”" for title in made_next.left_out) + ".",
                )
            if made_next.unpublished:
                messages.warning(
                    request,
                    "Not copied, as they are not published, so their learners could not open "
                    "them: "
                    + ", ".join(f"“{title}”" for title in made_next.unpublished)
                    + ". Publish each from its page, then assign it to the new cohort.",
                )
            return redirect("teach_cohorts:gradebook", pk=made_next.cohort.pk)
    return render(
        request,
        "cohorts/next_term.html",
        {"cohort": cohort, "form": form, "assignment_count": cohort.assignments.count()},
    )


def _next_term_said(made: services.NextTerm, shift_days: int | None) -> list[str]:
    copied = f"{made.copied} assignment{pluralize(made.copied)}"
    if not made.copied:
        dates = "nothing to assign was copied"
    elif shift_days is None:
        dates = f"{copied} copied without dates: set each one's on its page"
    else:
        its = "its" if made.copied == 1 else "their"
        dates = f"{copied} copied, {its} dates moved {shift_days} day{pluralize(shift_days)} later"
    return [f"Cohort “{made.cohort.name}” created: {dates}. Share its join code."]


@require_safe
@never_cache  # a class's names and scores, as its CSV files: no copy in a shared browser
@classes_required
def cohort_gradebook(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for_instructor(request, pk)
    _OVERDUE.expire(cohort.pk)
    # At most the ceiling's, newest due first: a cohort assigned past it before says so.
    shown = gradebook.assignments_shown(cohort)
    assignments = shown.assignments
    # By name, progress or an assignment's best score (`?sort=`, `?order=`): keys the roster's
    # one query reads, so a sorted page costs what one in name order does.
    sort = sorting.parse(request.GET, assignments)
    found = roster.roster(cohort, request.GET.get("q", ""), sort)
    page = Paginator(found.ids, GRADEBOOK_LEARNERS).get_page(request.GET.get("page"))
    columns = Paginator(assignments, ASSIGNMENTS_PER_PAGE).get_page(request.GET.get("columns"))
    rows = gradebook.gradebook_rows(
        cohort=cohort,
        assignments=assignments,
        memberships=roster.memberships(list(page.object_list)),
        read=0,  # the figures alone (`gradebook.Tally`)
    )
    now = timezone.now()
    return render(
        request,
        "cohorts/gradebook.html",
        {
            "cohort": cohort,
            "assignments": assignments,
            "assignments_left_out": shown.left_out,
            "assignment_total": shown.total,
            "rows": rows,
            "page": page,
            "found": found,
            "figures": gradebook.class_figures(cohort, assignments, found.total),
            "sort": sort,
            "headings": sorting.headings(sort, list(columns.object_list)),
            "sort_hints": sorting.HINTS,
            "columns": columns,  # each row's cells drawn: `row.cells|slice:shown`
            "shown": f"{max(columns.start_index() - 1, 0)}:{columns.end_index()}",
            "now": now,
            "join_url": request.build_absolute_uri(cohort.join_path()),
            **_departures(cohort, now),
        },
    )


@require_safe
@classes_required
def cohort_people(request: HttpRequest, pk: int) -> HttpResponse:
    return _people_page(request, _cohort_for_instructor(request, pk))


def _people_page(
    request: HttpRequest,
    cohort: Cohort,
    *,
    form: CoInstructorForm | None = None,
    rename_form: RenameForm | None = None,
) -> HttpResponse:
    """The people page; a refused co-instructor or name comes back in it as typed. Its
    learners LEARNERS_PER_PAGE at a time, by name (the gradebook's GRADEBOOK_LEARNERS): a
    class of 500 was one list of 500 on every visit. In name order, and `?q=` finds a learner
    (`cohorts.roster`)."""
    found = roster.roster(cohort, request.GET.get("q", ""))
    page = Paginator(found.ids, LEARNERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "cohorts/people.html",
        {
            "cohort": cohort,
            "members": page,
            "kept": _kept(request),
            "listed": roster.memberships(list(page.object_list)),
            "found": found,
            "co_instructors": cohort.co_instructors.order_by("username"),
            "is_owner": cohort.owner_id == request.user.pk,
            "form": form or CoInstructorForm(),
            "rename_form": rename_form or RenameForm(initial={"name": cohort.name}),
            "join_url": request.build_absolute_uri(cohort.join_path()),
            **_departures(cohort, timezone.now()),
        },
    )


def _departures(cohort: Cohort, now) -> dict:
    """The "Recently left" of the gradebook and the people page (`cohorts.departures`)."""
    return {
        "departures": departures.recent(cohort, now=now),
        "departure_days": departures.RECENT_DAYS,
    }


def _kept(request: HttpRequest) -> str:
    """The people page's search and page, as a query string its "Remove…" links carry, so the
    instructor comes back to the list as they left it (page 4 of a search), not page 1."""
    return urlencode({key: request.GET[key][:100] for key in ("q", "page") if request.GET.get(key)})


def _people_again(request: HttpRequest, cohort: Cohort) -> str:
    url = reverse("teach_cohorts:people", args=[cohort.pk])
    kept = _kept(request)
    return f"{url}?{kept}" if kept else url


@require_POST
@classes_required
def cohort_rename(request: HttpRequest, pk: int) -> HttpResponse:
    """Anyone teaching the cohort renames it (its owner's other cohorts' names are taken)."""
    cohort = _cohort_for_instructor(request, pk)
    refused = _refused_if_archived(
        request, cohort, "its name stays as its learners knew it", "teach_cohorts:people"
    )
    if refused:
        return refused
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            services.cohort_rename(cohort=cohort, name=form.cleaned_data["name"])
        except services.CohortError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, f"The cohort is now called “{cohort.name}”.")
            return redirect("teach_cohorts:people", pk=cohort.pk)
    # Refused: the people page again with the name as typed and the problem beside it.
    return _people_page(request, cohort, rename_form=form)


@require_http_methods(["GET", "HEAD", "POST"])
@classes_required
def code_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks first (the old code stops working for good); POST makes the new code."""
    cohort = _cohort_for_instructor(request, pk)
    refused = _refused_if_archived(
        request, cohort, "its code admits no one and stays as it was", "teach_cohorts:people"
    )
    if refused:
        return refused
    if request.method != "POST":
        return render(request, "cohorts/code_rotate.html", {"cohort": cohort})
    services.code_rotate(cohort=cohort)
    messages.success(
        request, f"New join code {cohort.code_display}. The old code and link no longer work."
    )
    return redirect("teach_cohorts:people", pk=cohort.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@classes_required
def cohort_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Owner only. GET asks first and says what goes (the cohort, its assignments and
    memberships) and what stays (every learner's attempts); POST deletes."""
    try:
        cohort = _cohort_for_instructor(request, pk, owner_only=True)
    except Http404:
        name = _deleted_here(request).get(str(pk))
        if name is None:
            raise
        # A double click, or Back to the question: this browser deleted it a moment ago.
        messages.info(request, f"Cohort “{name}” is deleted already.")
        return redirect("teach_cohorts:list")
    if request.method != "POST":
        return render(
            request,
            "cohorts/cohort_delete.html",
            {
                "cohort": cohort,
                "member_count": cohort.memberships.count(),
                "assignment_count": cohort.assignments.count(),
                "results": services.cohort_results(cohort),
            },
        )
    name = cohort.name
    services.cohort_delete(cohort=cohort)
    deleted = _deleted_here(request)
    deleted[str(pk)] = name
    request.session[_DELETED_KEY] = dict(list(deleted.items())[-_DELETED_KEPT:])
    messages.success(request, f"Cohort “{name}” deleted. Its learners keep their attempts.")
    return redirect("teach_cohorts:list")


# The cohorts this session deleted (id -> name), the last few: asked to delete one again (a
# double click, Back to the question), the list says it is gone instead of a 404. Only the
# browser that deleted it is told, so nobody learns of another teacher's cohort.
_DELETED_KEY = "cohorts_deleted"
_DELETED_KEPT = 20


def _deleted_here(request: HttpRequest) -> dict[str, str]:
    kept = request.session.get(_DELETED_KEY)
    return dict(kept) if isinstance(kept, dict) else {}


@require_http_methods(["GET", "HEAD", "POST"])
@classes_required
def cohort_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Owner only (it takes the class out of every instructor's list). GET asks first and
    says what archiving does; POST archives. Asked again once archived (a double click, Back
    to the question), the gradebook opens saying so: nothing changes twice."""
    cohort = _cohort_for_instructor(request, pk, owner_only=True)
    if request.method != "POST":
        if cohort.archived:
            messages.info(request, f"“{cohort.name}” is archived already.")
            return redirect("teach_cohorts:gradebook", pk=cohort.pk)
        return render(
            request,
            "cohorts/cohort_archive.html",
            {
                "cohort": cohort,
                "member_count": cohort.memberships.count(),
                "assignment_count": cohort.assignments.count(),
            },
        )
    if services.cohort_archive(cohort=cohort):
        messages.success(
            request,
            f"“{cohort.name}” archived: it is under “Archived cohorts” below, its gradebook "
            "readable. Restore it there or on its gradebook at any time.",
        )
    else:
        messages.info(request, f"“{cohort.name}” was archived already (the form was sent twice).")
    return redirect("teach_cohorts:list")


@require_POST
@classes_required
def cohort_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """Owner only: the cohort is current again, as it was when archived."""
    cohort = _cohort_for_instructor(request, pk, owner_only=True)
    if services.cohort_restore(cohort=cohort):
        messages.success(
            request,
            f"“{cohort.name}” restored: it is in your list again, its code "
            f"{cohort.code_display} admits learners and its work is on their home pages.",
        )
    else:
        messages.info(request, f"“{cohort.name}” is not archived (it was restored already).")
    return redirect("teach_cohorts:gradebook", pk=cohort.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@classes_required
def member_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """GET asks first: a learner taken out loses their extensions, and if they join again
    only attempts started after that count, so one stray click must not do it. POST removes."""
    cohort = _cohort_for_instructor(request, pk)
    refused = _refused_if_archived(
        request,
        cohort,
        "its learners stay in its gradebook as the class ended",
        "teach_cohorts:people",
    )
    if refused:
        return refused
    membership = (
        Membership.objects.select_related("user", shown_names.RELATED)
        .filter(cohort=cohort, user_id=user_pk)
        .first()
    )
    if membership is None:
        # Removed already (a double click, Back, another tab) or left: the people page says
        # so, rather than "Page not found".
        messages.info(request, "That learner is not in this cohort (any more).")
        return redirect(_people_again(request, cohort))
    if request.method != "POST":
        return render(
            request,
            "cohorts/member_remove.html",
            {
                "cohort": cohort,
                "membership": membership,
                "back": _people_again(request, cohort),
                "departure_days": departures.RECENT_DAYS,
                "extension_count": Extension.objects.filter(
                    assignment__cohort=cohort, user_id=user_pk
                ).count(),
            },
        )
    services.member_remove(cohort=cohort, user_id=user_pk, by=request.user)
    messages.success(request, f"{membership.user.get_username()} is no longer in this cohort.")
    return redirect(_people_again(request, cohort))


@require_POST
@classes_required
def instructor_add(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for_instructor(request, pk, owner_only=True)
    form = CoInstructorForm(request.POST)
    if form.is_valid():
        try:
            user = services.co_instructor_add(cohort=cohort, username=form.cleaned_data["username"])
        except services.CohortError as exc:
            form.add_error("username", str(exc))
        else:
            messages.success(request, f"{user.get_username()} now teaches this cohort with you.")
            return redirect("teach_cohorts:people", pk=cohort.pk)
    # Refused: the people page again with the name as typed and the problem beside it.
    return _people_page(request, cohort, form=form)


@require_POST
@classes_required
def instructor_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    cohort = _cohort_for_instructor(request, pk, owner_only=True)
    removed = services.co_instructor_remove(cohort=cohort, user_id=user_pk)
    if removed is not None:
        messages.success(request, f"{removed.get_username()} no longer teaches this cohort.")
    else:  # a double click, or a tab drawn before: nobody was taken off
        messages.info(request, "That instructor does not teach this cohort (removed already?).")
    return redirect("teach_cohorts:people", pk=cohort.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@classes_required
def owner_hand(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """Owner only. GET asks first (what the new owner may do that a co-instructor may not,
    and that the asker stays as a co-instructor); POST hands the cohort over."""
    cohort = _cohort_for_instructor(request, pk, owner_only=True)
    to = cohort.co_instructors.filter(pk=user_pk).first()
    if to is None:
        messages.info(request, "Only one of the cohort's co-instructors can be made its owner.")
        return redirect("teach_cohorts:people", pk=cohort.pk)
    if request.method != "POST":
        return render(request, "cohorts/owner_hand.html", {"cohort": cohort, "to": to})
    name = cohort.name
    try:
        services.cohort_hand_to(cohort=cohort, user_id=to.pk)
    except services.CohortError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{to.get_username()} now owns “{cohort.name}”; you teach it with them as a "
            "co-instructor.",
        )
        if cohort.name != name:
            messages.info(
                request,
                f"{to.get_username()} had a cohort called “{name}” already, so this one is "
                f"now called “{cohort.name}”.",
            )
    return redirect("teach_cohorts:people", pk=cohort.pk)


# --- assignments --------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@classes_required
def assignment_create(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for_instructor(request, pk)
    refused = _refused_if_archived(request, cohort, "no work can be assigned to it")
    if refused:
        return refused
    assignable = _assignable_quizzes(request.user)
    form = AssignmentForm(
        request.POST or None,
        quizzes=_to_assign(request.user, cohort),
        assigned=assignable.filter(cohort_assignments__cohort=cohort),
        drafts=quizzes_visible(request.user).filter(published=False, owner=request.user),
        find_url=reverse("teach_cohorts:quiz-find", args=[cohort.pk]),
    )
    if request.method == "POST" and not _finding(request, form) and form.is_valid():
        data = form.cleaned_data
        try:
            services.assignment_create(
                cohort=cohort,
                quiz=data["quiz"],
                lessons=data["lessons"],
                opens_at=data["opens_at"],
                due_at=data["due_at"],
                by=request.user,
                count_ok=form.count_asked(),
            )
        except services.WouldStartCounting as exc:
            form.ask_count(str(exc))
        except services.CohortError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"“{data['quiz'].title}” assigned to {cohort.name}.")
            return redirect("teach_cohorts:gradebook", pk=cohort.pk)
    return render(
        request,
        "cohorts/assignment_form.html",
        {"cohort": cohort, "form": form, "assignment": None},
    )


QUIZ_OPTIONS_TEMPLATE = "cohorts/assignment_form.html#quiz-options"


def _too_many_searches(request: HttpRequest, retry_after: int) -> HttpResponse:
    """Over the search limit: the status line says when to try again; what is typed stays."""
    said = too_many_said(retry_after)
    return render(request, QUIZ_OPTIONS_TEMPLATE, {"found": None, "said": said})


@require_safe
@classes_required
@rate_limited("search", _too_many_searches)
def quiz_find(request: HttpRequest, pk: int) -> HttpResponse:
    """`?quiz=words`: the quizzes this teacher may assign to the cohort matching the words
    (`quizzes.finder`, at most `MATCHES`), as the options of the assignment form's
    <datalist> (the field sends itself as the quiz is typed)."""
    cohort = _cohort_for_instructor(request, pk)
    found = quiz_finder.find(
        _to_assign(request.user, cohort), request.GET.get("quiz", ""), request.user
    )
    return render(request, QUIZ_OPTIONS_TEMPLATE, {"found": found, "said": found.said})


@require_http_methods(["GET", "HEAD", "POST"])
@classes_required
def assignment_detail(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    cohort = _cohort_for_instructor(request, pk)
    assignment = _assignment_for(cohort, assignment_pk)
    form = AssignmentForm(
        request.POST or None,
        initial=_assignment_initial(assignment),
        quizzes=None,
        editing=True,
    )
    if request.method == "POST":
        refused = _refused_if_archived(
            request,
            cohort,
            "its assignments stay as they were",
            "teach_cohorts:assignment",
            assignment_pk=assignment.pk,
        )
        if refused:
            return refused
    if request.method == "POST" and not _finding(request, form) and form.is_valid():
        data = form.cleaned_data
        try:
            services.assignment_update(
                assignment=assignment,
                lessons=data["lessons"],
                opens_at=data["opens_at"],
                due_at=data["due_at"],
                seen=data["seen"],
                uncount_ok=form.uncount_asked(),
                count_ok=form.count_asked(),
            )
        except services.WouldStopCounting as exc:
            form.ask_uncount(str(exc))
        except services.WouldStartCounting as exc:
            form.ask_count(str(exc))
        except services.AssignmentEditedElsewhere as clash:
            form.add_error(None, str(clash))
            kept = request.POST.copy()  # remembers the newer save: sent again, it is meant
            kept["seen"] = clash.stamp
            form.data = kept
        else:
            messages.success(request, "Assignment saved.")
            return redirect("teach_cohorts:assignment", pk=cohort.pk, assignment_pk=assignment.pk)
    return _assignment_page(request, cohort, assignment, form=form)


def _archived_assignment(
    request: HttpRequest, cohort: Cohort, assignment: Assignment, what: str
) -> HttpResponse | None:
    return _refused_if_archived(
        request, cohort, what, "teach_cohorts:assignment", assignment_pk=assignment.pk
    )


def _finding(request: HttpRequest, form: AssignmentForm) -> bool:
    """The lesson picker's "Find" pressed (without JavaScript): the form comes back as sent,
    with the matches, saved nowhere."""
    if request.method == "POST" and "find_lessons" in request.POST:
        form.hold()
        return True
    return False


def _assignment_initial(assignment: Assignment) -> dict:
    return {
        "seen": services.assignment_stamp(assignment),
        "lessons": list(assignment.lessons.values_list("pk", flat=True)),
        "opens_at": assignment.opens_at and timezone.localtime(assignment.opens_at),
        "due_at": assignment.due_at and timezone.localtime(assignment.due_at),
    }


def _assignment_page(
    request: HttpRequest,
    cohort: Cohort,
    assignment: Assignment,
    *,
    form: AssignmentForm | None = None,
    extension_form: ExtensionForm | None = None,
) -> HttpResponse:
    """The assignment's page; a refused extension comes back in it with what was typed."""
    if form is None:
        form = AssignmentForm(initial=_assignment_initial(assignment), quizzes=None, editing=True)
    return render(
        request,
        "cohorts/assignment_form.html",
        {
            "cohort": cohort,
            "assignment": assignment,
            "form": form,
            "extensions": assignment.extensions.select_related(
                "user", shown_names.RELATED
            ).order_by("user__username"),
            "extension_form": extension_form or _extension_form(cohort, assignment),
        },
    )


def _extension_form(cohort: Cohort, assignment: Assignment, data=None) -> ExtensionForm:
    return ExtensionForm(
        data,
        learners=learners(cohort),
        assignment_due=assignment.due_at,
        find_url=reverse("teach_cohorts:learner-find", args=[cohort.pk]),
    )


LEARNER_OPTIONS_TEMPLATE = "cohorts/assignment_form.html#learner-options"


def _too_many_learner_searches(request: HttpRequest, retry_after: int) -> HttpResponse:
    """Over the search limit: the status line says when to try again; what is typed stays."""
    said = too_many_said(retry_after)
    return render(request, LEARNER_OPTIONS_TEMPLATE, {"found": None, "said": said})


@require_safe
@classes_required
@rate_limited("search", _too_many_learner_searches)
def learner_find(request: HttpRequest, pk: int) -> HttpResponse:
    """`?learner=letters`: the cohort's learners whose username holds them (at most `MATCHES`),
    as the options of the extension form's <datalist> (the field sends itself as it is typed)."""
    cohort = _cohort_for_instructor(request, pk)
    found = learner_finder.find(learners(cohort), request.GET.get("learner", ""))
    return render(request, LEARNER_OPTIONS_TEMPLATE, {"found": found, "said": found.said})


@require_POST
@classes_required
def assignment_close(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    cohort = _cohort_for_instructor(request, pk)
    assignment = _assignment_for(cohort, assignment_pk)
    refused = _archived_assignment(request, cohort, assignment, "its assignments stay as they were")
    if refused:
        return refused
    close = request.POST.get("closed", "true") != "false"
    services.assignment_close(assignment=assignment, closed=close)
    if not close:
        messages.success(request, "Open again: learners can start and submit it.")
        return redirect("teach_cohorts:assignment", pk=cohort.pk, assignment_pk=assignment.pk)
    messages.success(
        request, "Closed: its quiz can no longer be started or submitted by this cohort."
    )
    if midway := services.learners_mid_attempt(assignment):
        messages.warning(
            request,
            f"{midway} learner{pluralize(midway)} had started an attempt and not handed it "
            f"in: {'it stays' if midway == 1 else 'those stay'} unsubmitted until you open the "
            "assignment again.",
        )
    return redirect("teach_cohorts:assignment", pk=cohort.pk, assignment_pk=assignment.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@classes_required
def assignment_remove(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    """GET asks first, or says why it cannot be removed (learners' results count for it);
    POST removes it. Sent again once removed (a double click, Back), the gradebook says so."""
    cohort = _cohort_for_instructor(request, pk)
    assignment = Assignment.objects.select_related("quiz").filter(pk=assignment_pk).first()
    if assignment is None or assignment.cohort_id != cohort.pk:
        messages.info(request, "That assignment is not in this cohort (removed already?).")
        return redirect("teach_cohorts:gradebook", pk=cohort.pk)
    Assignment.cohort.field.set_cached_value(assignment, cohort)
    refused = _archived_assignment(request, cohort, assignment, "its assignments stay as they were")
    if refused:
        return refused
    if request.method != "POST":
        attempts, learners = services.assignment_results(assignment)
        return render(
            request,
            "cohorts/assignment_remove.html",
            {
                "cohort": cohort,
                "assignment": assignment,
                "attempt_count": attempts,
                "learner_count": learners,
                "extension_count": assignment.extensions.count(),
            },
        )
    try:
        services.assignment_remove(assignment=assignment)
    except services.CohortError as exc:
        messages.error(request, str(exc))
        return redirect("teach_cohorts:assignment", pk=cohort.pk, assignment_pk=assignment.pk)
    messages.success(request, f"“{assignment.quiz.title}” is no longer assigned to this cohort.")
    return redirect("teach_cohorts:gradebook", pk=cohort.pk)


@require_POST
@classes_required
def extension_set(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    cohort = _cohort_for_instructor(request, pk)
    assignment = _assignment_for(cohort, assignment_pk)
    refused = _archived_assignment(
        request, cohort, assignment, "its due dates and extensions stay as they were"
    )
    if refused:
        return refused
    form = _extension_form(cohort, assignment, request.POST)
    if form.is_valid():
        learner = form.cleaned_data["learner"]
        before = services.extension_of(assignment=assignment, user_id=learner.pk)
        try:
            services.extension_set(
                assignment=assignment,
                user_id=form.cleaned_data["learner"].pk,
                due_at=form.cleaned_data["due_at"],
            )
        except services.CohortError as exc:  # left the cohort since the form was read
            form.add_error("learner", str(exc))
        else:
            with timezone.override(form.page_zone()):  # as it was typed
                when = zoned(form.cleaned_data["due_at"])
                was = zoned(before)
            who = learner.get_username()
            moved = services.lateness_moved(
                assignment=assignment,
                user_id=learner.pk,
                was=before,
                now=form.cleaned_data["due_at"],
            )
            if before is None:
                messages.success(
                    request, f"{who} has their own due date now: {when}. {moved}".rstrip()
                )
            elif before == form.cleaned_data["due_at"]:
                messages.info(request, f"{who}'s extension was {when} already: nothing changed.")
            else:
                messages.success(
                    request, f"{who}'s extension moved from {was} to {when}. {moved}".rstrip()
                )
            return redirect("teach_cohorts:assignment", pk=cohort.pk, assignment_pk=assignment.pk)
    # Refused: the page again, the learner and date as typed, each problem beside its field.
    return _assignment_page(request, cohort, assignment, extension_form=form)


@require_POST
@classes_required
def extension_remove(
    request: HttpRequest, pk: int, assignment_pk: int, user_pk: int
) -> HttpResponse:
    cohort = _cohort_for_instructor(request, pk)
    assignment = _assignment_for(cohort, assignment_pk)
    refused = _archived_assignment(
        request, cohort, assignment, "its due dates and extensions stay as they were"
    )
    if refused:
        return refused
    before = services.extension_of(assignment=assignment, user_id=user_pk)
    if services.extension_remove(assignment=assignment, user_id=user_pk):
        moved = services.lateness_moved(
            assignment=assignment, user_id=user_pk, was=before, now=None
        )
        messages.success(
            request, f"Extension removed: the cohort's due date applies. {moved}".rstrip()
        )
    else:  # removed already (a double click, another tab or co-instructor): nothing to undo
        messages.info(request, "That extension was removed already: the cohort's due date applies.")
    return redirect("teach_cohorts:assignment", pk=cohort.pk, assignment_pk=assignment.pk)


# --- one learner, and the exports ---------------------------------------------------------


@require_safe
@never_cache  # a learner's scores and answers, as the CSV files: as the gradebook
@classes_required
def learner_detail(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    cohort = _cohort_for_instructor(request, pk)
    _OVERDUE.expire(cohort.pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user", shown_names.RELATED),
        cohort=cohort,
        user_id=user_pk,
    )
    shown = gradebook.assignments_shown(cohort)  # at most the ceiling's, newest due first
    assignments = shown.assignments
    [row] = gradebook.gradebook_rows(
        cohort=cohort,
        assignments=assignments,
        memberships=[membership],
        read=gradebook.ATTEMPTS_SHOWN,
    )
    return render(
        request,
        "cohorts/learner.html",
        {
            "cohort": cohort,
            "row": row,
            "learner": membership.user,
            "now": timezone.now(),
            "assignments_left_out": shown.left_out,
            "assignment_total": shown.total,
        },
    )


# Before every report on a cohort (its pages, its exports), its attempts whose time limit ran
# out are closed, so they show as they ended rather than "in progress" (bounded per request):
# compiled once. The reports then read the counted attempts themselves: the gradebook's reads
# are compiled once too (`gradebook.gradebook_rows`), so no `counted_attempts` QuerySet is
# built for them (building it cost about as much as running a page's read).
_OVERDUE = attempts.OverdueIn(gradebook.counted_attempts)


def _csv(rows, filename: str) -> StreamingHttpResponse:
    """`rows` as a CSV file, its times in this request's zone (as the pages show them): the
    body is written after the middleware has put the zone away, so it is taken now. Kept by
    no cache (`no-store`), as a learner's own "Your data" file is: it holds a class's names
    and answers, and a shared computer's browser or a proxy kept a copy."""
    response = StreamingHttpResponse(
        exports.csv_lines(rows, timezone.get_current_timezone()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _file_name(cohort: Cohort, what: str) -> str:
    return exports.file_name(cohort, what, timezone.localdate())


def _too_many_files(request: HttpRequest, retry_after: int) -> HttpResponse:
    return render(
        request,
        "429.html",
        {"retry_after": retry_after, "what": "downloads of a class's files", "download": True},
    )


def _part_asked(request: HttpRequest) -> bool:
    return "from" in request.GET or "before" in request.GET


def _part_file(request: HttpRequest, cohort: Cohort, rows, what: str) -> StreamingHttpResponse:
    """One part's file (`?from=&before=&part=`), named by its number."""
    number = request.GET.get("part", "")
    what = f"{what}-part-{number}" if number.isdigit() and len(number) < 5 else f"{what}-part"
    return _csv(rows, _file_name(cohort, what))


def _in_range(request: HttpRequest, members: list[Membership]) -> list[Membership]:
    return exports.in_range(members, request.GET.get("from", ""), request.GET.get("before", ""))


def _parts_page(request: HttpRequest, cohort: Cohort, parts, what: str, most: int):
    """The list of a file's parts (`exports.Part`), each a link to its own file."""
    return render(
        request,
        "cohorts/file_parts.html",
        {
            "cohort": cohort,
            "parts": parts,
            "rows": sum(p.rows for p in parts),
            "most": most,
            "what": what,
        },
    )


@require_safe
@classes_required
@rate_limited("class_files", _too_many_files)
def gradebook_csv(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    """The gradebook as one file, in the order the page was sorted in (its link carries
    `?sort=` and `?order=`); past `exports.GRADEBOOK_ROWS_PER_FILE` rows, a page listing it in
    parts (ranges of learners by name, in name order: a range of names cannot cut a list sorted
    by a score), each a file of its own. `?from=&before=` (a part's link) is that part's file."""
    cohort = _cohort_for_instructor(request, pk)
    _OVERDUE.expire(cohort.pk)
    if _part_asked(request):
        among = _in_range(request, exports.members(cohort, shown=True))
        return _part_file(request, cohort, exports.gradebook_rows(cohort, among=among), "gradebook")
    learners, assignments = exports.gradebook_size(cohort)
    most = exports.GRADEBOOK_ROWS_PER_FILE
    if learners * assignments <= most:
        rows = exports.gradebook_rows(cohort, asked=request.GET)
        return _csv(rows, _file_name(cohort, "gradebook"))
    parts = exports.parts(exports.members(cohort), assignments, most)
    return _parts_page(request, cohort, parts, "gradebook", most)


@require_safe
@classes_required
@rate_limited("class_files", _too_many_files)
def answers_csv(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    """Every counted answer as one file; past `exports.ANSWERS_PER_FILE` answers, a page listing
    the class's answers in parts (ranges of learners by name), each part a file of its own, so
    no download costs more than about a second of the server's time whatever the class's size.
    `?from=&before=` (a part's link) is that part's file."""
    cohort = _cohort_for_instructor(request, pk)
    _OVERDUE.expire(cohort.pk)
    members = exports.members(cohort)
    if _part_asked(request):
        return _part_file(
            request,
            cohort,
            exports.answer_rows(cohort, among=_in_range(request, members)),
            "answers",
        )
    most = exports.ANSWERS_PER_FILE
    parts = exports.parts(members, exports.answer_counts(cohort), most)
    if len(parts) <= 1:
        return _csv(exports.answer_rows(cohort, memberships=members), _file_name(cohort, "answers"))
    return _parts_page(request, cohort, parts, "answers", most)


@require_safe
@classes_required
@vary_on_headers("HX-Request")
def cohort_statistics(request: HtmxHttpRequest, pk: int, quiz_pk: int) -> HttpResponse:
    """The quiz's statistics over this cohort's counted attempts (those its gradebook counts:
    started after the learner joined and the assignment opened), for the people teaching it.
    Its attempts whose time ran out are closed first (this quiz's only: the cohort's other
    quizzes are not on the page)."""
    cohort = _cohort_for_instructor(request, pk)
    assignment = get_object_or_404(
        Assignment.objects.select_related("quiz"), cohort=cohort, quiz_id=quiz_pk
    )
    return statistics_views.render_statistics(
        request,
        assignment.quiz,
        attempts=gradebook.counted_attempts(cohort),
        scope=f"the cohort {cohort.name}" + (" (archived)" if cohort.archived else ""),
        close_overdue=lambda: _OVERDUE_OF_QUIZ.expire(cohort.pk, assignment.quiz_id),
        cohort=cohort,
        class_size=Membership.objects.filter(cohort=cohort).count(),
    )


# The cohort's counted attempts at one quiz, by the cohort's and the quiz's ids: compiled once.
_OVERDUE_OF_QUIZ = attempts.OverdueIn(
    lambda cohort_id, quiz_id: gradebook.counted_attempts(cohort_id).filter(quiz_id=quiz_id),
    arity=2,
)
