"""Which cohort a signed-out visitor who followed a join link is about to join, for the sign-in
and sign-up pages ("Sign in to join “Spring class”").

Only a cohort the join link itself found is named: `join_link` (rate-limited as every code
tried is, `join`) keeps the cohort of a current code in the visitor's session
(`remember`), and the pages name it only while their `next` is that same link (`joining`).
Nothing is looked up from a `next` typed into the sign-in page's address, and a wrong,
rotated or archived code keeps nothing: the visitor meets the plain sign-in page, as before,
and learns nothing about codes by it beyond what the rate limit allows.
"""

from __future__ import annotations

from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve, reverse

from cohorts import codes
from cohorts.models import Cohort
from srm_trainer.site_paths import inside_site

SESSION_KEY = "cohorts.joining"


def remember(request: HttpRequest, cohort: Cohort | None) -> None:
    """The join link's cohort, kept for the sign-in page; forgotten for a code that does not
    admit anyone (none, rotated, archived)."""
    if cohort is not None and not cohort.archived:
        request.session[SESSION_KEY] = cohort.pk
    elif SESSION_KEY in request.session:
        del request.session[SESSION_KEY]


def _code_in(next_url: str) -> str:
    """The join code of a join link's path (`/join/<code>/`), or "". The sign-in page's
    "Create an account" link comes back through sign-in (`/accounts/login/?next=/join/…/`)."""
    path, _, query = (next_url or "")[:300].partition("?")
    if path == reverse("account_login"):
        path = QueryDict(query).get("next", "").partition("?")[0]
    path = inside_site(path) or ""  # a site served under a script prefix: `/srm/join/…/`
    if not path.startswith("/join/"):
        return ""
    try:
        match = resolve(path)
    except Resolver404:
        return ""
    if match.view_name != "cohorts:join-link":
        return ""
    return codes.normalise(match.kwargs.get("code", ""))


def joining(request: HttpRequest) -> Cohort | None:
    """The cohort a signed-out visitor is signing in (or up) to join: the one the join link
    kept, while the page's `next` is still that link and its code still admits learners."""
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated or not hasattr(request, "session"):
        return None
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    code = _code_in(request.POST.get("next") or request.GET.get("next") or "")
    if not code:
        return None
    cohort = Cohort.objects.select_related("owner").filter(pk=pk, join_code=code).first()
    return cohort if cohort is not None and not cohort.archived else None
