"""A form over Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS)
refused in the site's words, where the learner is looking.

Django refuses it while the CSRF check reads the form, before any view runs: a 400 with the
site's 400 page, which htmx leaves unswapped, so a live update this large left the old result
on screen as if it described the new input, and said nothing. This `handler400` answers such a
refusal with the page's own words: the sandbox, its many-request tools and the labs draw
their refusal themselves (`_refusals`), a size or a count of fields as `over_limit` words it;
the policy editor's findings request (a fetch that reads JSON, not htmx) gets JSON the editor
shows, for any 400; every other live update gets a message in the part of the page its
request was about (`PLACES`: a quiz's status line, a teaching editor's preview,
live key or check), said in the page's status region, the form left as typed (the message is
swapped in beside it, never in place of it). A live update from anywhere else gets the
message in the page's alert region (`#page-alert`, base.html), so none goes unanswered. Every
other 400, and a form sent without htmx to a page that draws no refusal, gets the 400 page.
`FormTooLargeMiddleware` reads the form first, so that `make run` (DEBUG on, where Django
would answer with its technical page, a traceback, and never call a `handler400`) refuses it in
the same words as production.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.views import defaults

from srm_trainer.htmx import HtmxHttpRequest, stale_notice, wants_partial

# Django's refusals of a form too large to read: the rest of its 400s (a bad host, a malformed
# cookie) are not about what was typed.
TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
ALERT = "#page-alert"


def bad_request(request: HtmxHttpRequest, exception: Exception) -> HttpResponse:
    """`handler400`: a form too large to read refused in the page's words, else the 400 page
    (the editor's findings: JSON, whatever the 400)."""
    name = view_name(request)
    if name == "sandbox-findings":  # the policy editor reads JSON, whatever went wrong
        from srm_trainer.sandbox import views as sandbox

        return sandbox.findings_unreadable(request, exception)
    if isinstance(exception, TOO_LARGE):
        refusal = _refusals().get(name)
        if refusal is not None:
            return refusal(request, exception)
        if wants_partial(request):
            return live_refusal(request, name, words(exception))
        return whole_page_refusal(exception)
    return defaults.bad_request(request, exception)


def whole_page_refusal(exception: Exception) -> HttpResponse:
    """The 400 page for a form sent without htmx (a question's "Save") that was too large to
    read, saying which limit it went over: the page said "too many fields or parameters, or a
    malformed header" for 3 MB pasted into a case, and nothing of going back to what was typed
    (the browser keeps it; the server never read it, so cannot draw it again)."""
    fix = "shorten it" if isinstance(exception, RequestDataTooBig) else "remove some"
    said = (
        f"{over_limit(exception, 'this page can send')}, so nothing was saved. Go back to the "
        f"form (your browser keeps what you typed there), {fix} and send it again."
    )
    body = render_to_string("400.html", {"too_large": said})
    return HttpResponseBadRequest(body)


def words(exception: Exception) -> str:
    """What was too large, and that nothing was done with it."""
    fix = "shorten it" if isinstance(exception, RequestDataTooBig) else "remove some"
    what = over_limit(exception, "this page can send")
    return f"{what}, so nothing was saved or checked: {fix} and try again."


def over_limit(exception: Exception, takes: str) -> str:
    """Which of Django's limits the form went over, as a sentence's start: "That is more
    fields than the lab takes at once (at most 1,000)"; `takes` names who reads it."""
    if isinstance(exception, TooManyFieldsSent):
        most = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or 0
        return f"That is more fields than {takes} at once (at most {most:,})"
    if isinstance(exception, TooManyFilesSent):
        most = settings.DATA_UPLOAD_MAX_NUMBER_FILES or 0
        return f"That is more files than {takes} at once (at most {most:,})"
    return f"That is more text than {takes} at once (at most {size_limit()})"


def fewer(exception: Exception, parts: str) -> str:
    """What to take out of a form over a count: some of the page's `parts` (its policies, its
    rules), or files."""
    return "send fewer files" if isinstance(exception, TooManyFilesSent) else f"remove some {parts}"


def size_limit() -> str:
    """Django's limit in the units a learner reads: 2.5 MB, 100 KB."""
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{max(1, round(size / 1024))} KB"


# Where a live update's refusal goes, by the view it was sent to: a CSS selector, "status" for
# a status line beside the form's buttons (a sentence of text, also said in the status region),
# or a function of the request's target (`HX-Target`, the id of the part it would have swapped).
def _status_of(target: str) -> str:
    return f"#{target}-status" if target else ALERT


def _teaching_editor(target: str) -> str:
    """The question editor's live parts: the Markdown preview, the policy case's result (and
    the buttons that reshape it, beside it), the least-privilege, network and findings-routing
    checks."""
    if target in ("live", "pd-editor"):
        return "#live-refusal"  # above the case's last result (sandbox/case_editor.html)
    if target in ("md-preview", "lp-check", "net-check", "route-check"):
        return f"#{target}"
    return ALERT


PLACES: dict[str, str | Callable[[str], str]] = {
    "quizzes:answer": "#answer-status",  # its autosave and its buttons alike
    "quizzes:review-answer": "#answer-status",
    "lesson-check": _status_of,  # #check-<ref>-status, beside the check's button
    "teach:quiz-preview-check": "#answer-status",
    "teach:question-create": _teaching_editor,
    "teach:question-edit": _teaching_editor,
}
STATUS_LINES = ("#answer-status",)


def live_refusal(request: HtmxHttpRequest, name: str, message: str) -> HttpResponse:
    """The refusal drawn into the place `PLACES` names for view `name` (the alert region for
    any other), swapped in although it is a 4xx (static/js/stale-page.js)."""
    place = PLACES.get(name, ALERT)
    if callable(place):
        place = place(request.htmx.target or "")
    line = place in STATUS_LINES or place.endswith("-status")
    context = {"message": message, "line": line, "alert": place == ALERT}
    response = render(request, "too_large.html", context, status=413)
    return stale_notice(response, place)


def view_name(request: HttpRequest) -> str:
    """The name of the view the request's address is for ("" for none): which page a request
    that never reached its view (refused while its form was read, or by the CSRF check) was for."""
    try:
        return resolve(request.path_info).view_name or ""
    except Resolver404:
        return ""


def _refusals() -> dict[str, Callable[[HtmxHttpRequest, Exception], HttpResponse]]:
    """The views that draw a refusal of their own, given which limit the form went over."""
    from netlab import views as netlab  # imported late: the URLconf imports this module first
    from srm_trainer.sandbox import analysis
    from srm_trainer.sandbox import views as sandbox

    return {
        "sandbox": sandbox.too_large,
        "sandbox-batch": analysis.too_large,
        "sandbox-summary": analysis.too_large,
        "sandbox-compare": analysis.too_large,
        "network-lab": lambda request, exc: netlab.network_too_large(request, unread=exc),
        "waf-lab": lambda request, exc: netlab.waf_too_large(request, unread=exc),
        "findings-lab": lambda request, exc: netlab.findings_too_large(request, unread=exc),
    }


class FormTooLargeMiddleware:
    """Read a posted form before anything else does, and refuse one over Django's limits with
    `bad_request` whatever DEBUG says. Last in MIDDLEWARE: every other middleware's `__call__`
    has run (the user, htmx), and the CSRF check, which reads the form in its `process_view`,
    has not. Django's own path logs the refusal on `django.security.<Exception>`; so does this."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HtmxHttpRequest) -> HttpResponse:
        if request.method == "POST" and not _reads_its_own_body(request):
            try:
                request.POST  # noqa: B018 - read here, kept by the request for everything after
            except TOO_LARGE as exc:
                request._mark_post_parse_error()  # type: ignore[attr-defined]  # noqa: SLF001 - Django's own, as its handler calls it (not in django-stubs)
                logging.getLogger(f"django.security.{type(exc).__name__}").error(
                    str(exc), extra={"status_code": 400, "request": request}
                )
                return bad_request(request, exc)
        return self.get_response(request)


class OwnLimitMiddleware:
    """A live update (htmx) to the sandbox, its tools or a lab whose declared length is over the
    page's own limit (64 KB; the findings lab's 16 KB), refused before its form is read: the
    view's own refusal, which never reads the form either. Reading it cost up to ~0.3 s of CPU
    (Django's 2.5 MB of `%3C` escapes) for a refusal the view then made from the same length,
    once for each pause in the learner's typing while the form stays too large. With htmx the
    refusal goes above the last result, and the editors keep what was typed. A form sent
    without htmx is read, as before: its page draws what was typed back, which only reading it
    can do (Back does not restore these fields). Placed after HtmxMiddleware (it reads
    `request.htmx`) and before FormTooLargeMiddleware and the CSRF check, which read the form."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HtmxHttpRequest) -> HttpResponse:
        if request.method == "POST" and request.htmx:
            own = _own_limits().get(view_name(request))
            length = int(request.META.get("CONTENT_LENGTH") or 0)  # digits: ContentLengthMiddleware
            if own is not None and length > own[0]:
                _drain(request, length)
                return own[1](request)
        return self.get_response(request)


def _drain(request: HttpRequest, length: int) -> None:
    """Read the body unparsed (a few milliseconds for 2.5 MB), so the answer follows a request
    read to its end: gunicorn reads at most 64 KB of what is left before closing, and a client
    still sending may then be reset before it reads the answer. Bodies over Django's own limit
    are left unread, as Django leaves them."""
    if length <= (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0):
        while request.read(64 * 1024):
            pass


def _own_limits() -> dict[str, tuple[int, Callable[[HtmxHttpRequest], HttpResponse]]]:
    """Each view with a size limit of its own: the limit, and its refusal of a body over it."""
    from netlab import findings
    from netlab import views as netlab
    from netlab.state import MAX_BODY_BYTES as LAB
    from srm_trainer.sandbox import analysis
    from srm_trainer.sandbox import views as sandbox
    from srm_trainer.sandbox.state import MAX_BODY_BYTES as SANDBOX

    def tool(request: HtmxHttpRequest) -> HttpResponse:
        return analysis.too_large(request, RequestDataTooBig())

    return {
        "sandbox": (SANDBOX, sandbox.body_too_large),
        "sandbox-batch": (SANDBOX, tool),
        "sandbox-summary": (SANDBOX, tool),
        "sandbox-compare": (SANDBOX, tool),
        "network-lab": (LAB, netlab.network_too_large),
        "waf-lab": (LAB, netlab.waf_too_large),
        "findings-lab": (findings.MAX_BODY_BYTES, netlab.findings_too_large),
    }


def _reads_its_own_body(request: HttpRequest) -> bool:
    """A view exempt from the CSRF check (the JSON API) takes bodies no browser form sends and
    refuses one too large in its own words (`body_too_large`, 413): left to it."""
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return getattr(match.func, "csrf_exempt", False)
