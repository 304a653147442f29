"""A live update (htmx) answered 404 or 403, said on the page instead of nothing.

It happens when something changes under a page left open: a lesson unpublished or its check
taken out while a learner reads it, a question taken out of an attempt's quiz, a cohort or an
assignment deleted, a learner taken out of a cohort. htmx leaves a 4xx unswapped (base.html's
`responseHandling`), so "Mark complete" or "Check" did nothing at all, with no word why. The
notice goes to the page's alert region (`#page-alert`) and is swapped in by
static/js/stale-page.js, as a refused CSRF check's is (srm_trainer/csrf_failure.py); a whole
page (no htmx, or htmx restoring history) keeps the plain 404 or 403 page.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from srm_trainer.csrf_failure import page_address
from srm_trainer.error_pages import came_from
from srm_trainer.htmx import stale_notice, wants_partial
from srm_trainer.typed_back import same_site_form, typed_back


def _notice(request: HttpRequest, status: int) -> HttpResponse:
    context = {"reload": page_address(request), "forbidden": status == 403}
    response = render(request, "_gone_notice.html", context, status=status)
    return stale_notice(response, "#page-alert")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """`handler404`: with htmx the notice; a form sent from one of our pages about something
    deleted since (an assignment, a question, a cohort) gets the 404 page saying so, with what
    it held to copy (`srm_trainer.typed_back`; it said only "the address may be mistyped");
    else the 404 page (templates/404.html), with the way back to the page before. Its header's
    "Sign in" leads back to that page before (or home), not to the address that failed:
    signing in does not make a missing page (a 403 keeps its own: signing in may open it)."""
    if wants_partial(request):
        return _notice(request, 404)
    back = came_from(request)
    if request.method == "POST" and same_site_form(request):
        context = {"sent": True, "typed": typed_back(request), "sign_in_next": back}
        return render(request, "404.html", context, status=404)
    return render(request, "404.html", {"back": back, "sign_in_next": back}, status=404)


class Refused(PermissionDenied):
    """A 403 whose page says why, in the reader's terms, with the way back: raised where the
    reason is known (a co-instructor at a page only the cohort's owner opens). Django's own
    page told an instructor "ask your instructor or an administrator"."""

    def __init__(self, refusal: str, *, back_url: str, back_label: str) -> None:
        super().__init__(refusal)
        self.refusal, self.back_url, self.back_label = refusal, back_url, back_label


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """`handler403`: with htmx the notice, else the 403 page (templates/403.html), saying a
    `Refused`'s reason and way back; in the admin, for staff, what their role does there;
    else the way back to the page before."""
    if wants_partial(request):
        return _notice(request, 403)
    if isinstance(exception, Refused):
        return refusal_page(
            request,
            exception.refusal,
            back_url=exception.back_url,
            back_label=exception.back_label,
        )
    if _staff_in_the_admin(request):
        return refusal_page(
            request,
            _not_in_your_role(request.user),
            back_url=reverse("admin:index"),
            back_label="Back to the admin",
        )
    return render(request, "403.html", {"back": came_from(request)}, status=403)


def refusal_page(
    request: HttpRequest, refusal: str, *, back_url: str, back_label: str
) -> HttpResponse:
    """A 403 saying why and the way back. Staff refused inside the admin get it in the admin's
    frame (templates/admin/refused.html, its header and its links): the learners' layout
    there read as if the refusal had led them out of the admin."""
    context = {"refusal": refusal, "back_url": back_url, "back_label": back_label}
    if _staff_in_the_admin(request):
        from django.contrib import admin

        context = {**admin.site.each_context(request), **context}
        context["title"] = "You can't open this page"
        return render(request, "admin/refused.html", context, status=403)
    return render(request, "403.html", context, status=403)


def _staff_in_the_admin(request: HttpRequest) -> bool:
    match = request.resolver_match
    user = getattr(request, "user", None)
    return bool(match and match.app_name == "admin" and user and user.is_staff)


def _not_in_your_role(user) -> str:
    """An admin page staff may not open, in their terms: the plain page told them to "ask your
    instructor or an administrator" and led out of the admin, to the lessons."""
    from srm_trainer.accounts.roles import only_content_editor

    if only_content_editor(user):
        return (
            "As a content editor, you edit the course here: the curriculum, the glossary and "
            "quizzes. People's accounts, learners' records, certificates and the audit log are "
            "not part of that role; if you need this page, ask an administrator."
        )
    return (
        "This admin page is not open to your role: the admin's home lists what it opens. "
        "Learners' records, two-factor resets and other staff accounts are the superuser's."
    )
