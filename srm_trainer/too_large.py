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
the same words as production. Before both, `BodyLimitMiddleware` refuses a body over its door's
own limit (`body_limit`: what the door's largest legitimate form needs, from one table) from
its declared length, unread, through the same `bad_request`, saying that limit; the teaching
and admin forms carry that limit (`limit_for`, `teach_forms.max_body`) for `static/js/form-size.js` to
say a form over it before it is sent, and the 400 page says what is left of one sent anyway
(`back_words`).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from typing import NamedTuple

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
        return whole_page_refusal(exception, name)
    return defaults.bad_request(request, exception)


def whole_page_refusal(exception: Exception, name: str = "") -> HttpResponse:
    """The 400 page for a form sent without htmx (a question's "Save") that was too large to
    read, saying which limit it went over: the page said "too many fields or parameters, or a
    malformed header" for 3 MB pasted into a case, and nothing of going back to what was typed.
    The server never read it, so cannot draw it again: only the browser has it (`back_words`)."""
    fix = "shorten it" if isinstance(exception, RequestDataTooBig) else "remove some"
    said = f"{over_limit(exception, 'this page can send')}, {back_words(name, fix)}"
    body = render_to_string("400.html", {"too_large": said})
    return HttpResponseBadRequest(body)


# The teaching pages where an instructor writes at length (`static/js/form-size.js` says a
# form too large before it is sent; without JavaScript, the 400 page says what is left).
EDITOR_DOORS = (
    "teach:question-create",
    "teach:question-edit",
    "teach:quiz-create",
    "teach:quiz-edit",
)
IMPORT_DOOR = "teach:import"


def back_words(name: str, fix: str) -> str:
    """What is left of a form refused unread at door `name`, and how to get it back. A teaching
    editor's typing may be long and pasted: the browser usually fills the editor in again on
    Back (Chromium did, with and without its back/forward cache, after a row's button too), but
    nothing promises it (a page reloaded or closed, another browser), and the server has none
    of it. An import's file is never filled in again; its own limit is what to split it to.
    The admin's add and change forms are sent `no-store`, yet Chromium filled their boxes in
    again on Back too (with and without its back/forward cache), all but an inline row added
    with "Add another", which Django's script drew and Back does not (2026-12-07)."""
    if admin_form(name):
        return (
            "so nothing was saved, and the site never read it: only your browser has it. Go "
            f"back to the form, {fix} and save again: your browser usually fills its boxes in "
            "again as you left them, but not a row added with “Add another” (add it again), "
            "and if a box comes back empty, what you pasted may still be on your clipboard."
        )
    if name in EDITOR_DOORS:
        return (
            "so nothing was saved, and the site never read it: only your browser has it. Go "
            "back to the editor, which your browser usually fills in again as you left it (if "
            "a box comes back empty, what you pasted may still be on your clipboard), "
            f"{fix} and save again."
        )
    if name == IMPORT_DOOR:
        from teach.transfer_views import MAX_UPLOAD_BYTES

        return (
            f"so nothing was imported. One import reads at most {MAX_UPLOAD_BYTES // 1024} KB: "
            "go back, split the file or the text into several, and import them one at a time."
        )
    return (
        "so nothing was saved. Go back to the form (your browser keeps what you typed there), "
        f"{fix} and send it again."
    )


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
    return f"That is more text than {takes} at once (at most {size_limit(exception)})"


def fewer(exception: Exception, parts: str) -> str:
    """What to take out of a form over a count: some of the page's `parts` (its policies, its
    rules), or files."""
    return "send fewer files" if isinstance(exception, TooManyFilesSent) else f"remove some {parts}"


def size_limit(exception: Exception | None = None) -> str:
    """The limit a body went over in the units a learner reads (2.5 MB, 100 KB): its door's
    (`BodyTooLarge`), else Django's."""
    return in_units(getattr(exception, "limit", None) or settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


def in_units(size: int) -> str:
    """A size in bytes as a limit is said: 2.5 MB, 945 KB."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{max(1, round(size / 1024))} KB"


# Where a live update's refusal goes, by the view it was sent to: a CSS selector, "status" for
# a status line beside the form's buttons (a sentence of text, also said in the status region),
# or a function of the request's target (`HX-Target`, the id of the part it would have swapped).
# An id a page gives a live part: a lesson check's is `check-<slug>`.
_PART_ID = re.compile(r"[A-Za-z][\w-]{0,199}", re.ASCII)


def _status_of(target: str) -> str:
    """The status line beside the part `target` names; the alert region for a target that is
    no id a page of ours gives. `HX-Target` is the client's word, and django-htmx decodes it
    when `HX-Target-URI-AutoEncoded` says so: `%0A` became a line break in `HX-Retarget`,
    Django's BadHeaderError, a 500."""
    return f"#{target}-status" if _PART_ID.fullmatch(target) else ALERT


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


class BodyTooLarge(RequestDataTooBig):
    """A body over its door's own limit (`body_limit`), refused from its declared length before
    its form is read: Django's refusal of a body too large, with the limit it went over."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"Request body exceeded this page's limit of {limit:,} bytes.")
        self.limit = limit


# What one character of a form's text can cost in its body: `%XX`, when a browser escapes it
# (a letter goes as itself, `<`, `"` or a new line as three bytes). A text outside ASCII costs
# its UTF-8 bytes escaped (up to 9 a character in most scripts): such a text near a field's
# limit would be refused, as the limit's words say.
ESCAPED = 3
SLACK = 8 * 1024  # a form's other fields: its CSRF token, its buttons, its hidden ids
# Every door not named in `_named_limits`: a thousand short fields (Django's own count, of an
# id, a choice or a name each; a cohort's name or a join code is ~120 characters), a sign-in,
# a rename, a bank's ticked rows. Its worst, all escapes: ~11,000 `%XX`, ~5 ms of CPU.
DEFAULT_LIMIT = 32 * 1024
DRAW_BACK = 4  # how far over its own limit the sandbox or a lab still draws the form back


def limit_for(request: HttpRequest, name: str) -> int:
    """The most this request's user may post to the view `name`, as `BodyLimitMiddleware`
    decides it: what a page's form is told (`data-max-body`, `teach_forms.max_body`)."""
    return _limit_for(request, name, body_limit(name))


def body_limit(name: str) -> int:
    """The most a POST to the view `name` may send, in bytes: the largest form its fields'
    own limits allow, escaped, plus slack (`_named_limits`), else `DEFAULT_LIMIT`; never over
    Django's own `DATA_UPLOAD_MAX_MEMORY_SIZE`, the ceiling."""
    ceiling = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    door = _doors().get(name)
    limit = (door.limit if door else None) or _admin_limit(name) or DEFAULT_LIMIT
    return min(limit, ceiling) if ceiling else limit


class Door(NamedTuple):
    """A door named in `_doors`: the most a POST to it may send, in bytes; and for a page with
    a size limit of its own (the sandbox, its tools, the labs), that limit and the view's own
    refusal of a live update over it."""

    limit: int
    own: int = 0
    refuse: Callable[[HtmxHttpRequest], HttpResponse] | None = None


def _own(limit: int, refuse: Callable[[HtmxHttpRequest], HttpResponse]) -> Door:
    """A page that refuses a body over its own `limit` itself: a live update (htmx) over it
    gets `refuse`, unread; a form sent without htmx is read, up to `DRAW_BACK` times that
    limit, for the page to draw what was typed back."""
    return Door(DRAW_BACK * limit, limit, refuse)


@functools.cache  # from constants, form classes and views: the same for the process's life
def _doors() -> dict[str, Door]:
    """The one table: each door whose largest legitimate form is over `DEFAULT_LIMIT`, its
    limit from its fields' own (`ESCAPED` bytes a character; the rest of the form `SLACK`)."""
    from curriculum.validation import MAX_EXPLANATION_CHARS
    from netlab import findings
    from netlab import views as netlab
    from netlab.state import MAX_BODY_BYTES as LAB
    from quizzes.views import MAX_KEPT_ANSWER
    from srm_trainer.sandbox import analysis
    from srm_trainer.sandbox import views as sandbox
    from srm_trainer.sandbox.state import MAX_BODY_BYTES as SANDBOX
    from srm_trainer.sandbox.state import MAX_POLICY_CHARS
    from teach.transfer.drafts import MAX_TEXT_CHARS

    def tool(request: HtmxHttpRequest) -> HttpResponse:
        return analysis.too_large(request, RequestDataTooBig())

    # An answer: its text, at most what a signed-out post keeps (past a network fix's 20,000).
    answer = Door(ESCAPED * MAX_KEPT_ANSWER + SLACK)
    editor = Door(ESCAPED * editor_text() + SANDBOX + SLACK)
    quiz = Door(ESCAPED * MAX_EXPLANATION_CHARS + DEFAULT_LIMIT)
    return {
        "quizzes:answer": answer,
        "quizzes:review-answer": answer,
        "lesson-check": answer,
        "teach:quiz-preview-check": answer,
        # The policy editor's findings: one policy, as long as the sandbox takes.
        "sandbox-findings": Door(ESCAPED * MAX_POLICY_CHARS + SLACK),
        # The sandbox, its tools and the labs: their own 64 KB (the findings lab's 16 KB).
        "sandbox": _own(SANDBOX, sandbox.body_too_large),
        "sandbox-batch": _own(SANDBOX, tool),
        "sandbox-summary": _own(SANDBOX, tool),
        "sandbox-compare": _own(SANDBOX, tool),
        "network-lab": _own(LAB, netlab.network_too_large),
        "waf-lab": _own(LAB, netlab.waf_too_large),
        "findings-lab": _own(findings.MAX_BODY_BYTES, netlab.findings_too_large),
        # An import's pasted text (or its file, sent unescaped): 512 KB.
        "teach:import": Door(ESCAPED * MAX_TEXT_CHARS + SLACK),
        # A quiz's description (a text field of no limit of its own: as long as an
        # explanation) and its draw rules among a default door's fields.
        "teach:quiz-create": quiz,
        "teach:quiz-edit": quiz,
        # The question editors (a save, and the live preview and checks posted to the same
        # address): the largest kind's form at its fields' limits (`editor_text`).
        "teach:question-create": editor,
        "teach:question-edit": editor,
    }


def text_of(form: type) -> int:
    """The most text a form class's fields take, in characters (a tag field: its tags)."""
    from teach.forms import MAX_TAGS, TagChoiceField

    total = 0
    for field in form.base_fields.values():  # type: ignore[attr-defined]
        most = getattr(field, "max_length", None) or 0
        total += most * MAX_TAGS if isinstance(field, TagChoiceField) else most
    return total


def editor_text() -> int:
    """The most text a question editor sends, in characters: every kind's common fields
    (prompt, explanation, tags…) and the largest kind's own. A least-privilege challenge at its
    limits (its two policies and 2 × 20 requests) is ~280,000; a network or WAF case 100,000; a
    policy question's scenario texts 10,200, beside its case (the sandbox's form, its 64 KB
    already counted as sent, added by the caller)."""
    from teach import editors  # noqa: F401 - first: it imports the kinds' editors at its end
    from teach.challenge_editor import LISTS, MAX_REQUESTS, ChallengeForm, RequestRow
    from teach.forms import QuestionForm
    from teach.network_editor import MAX_CASE_CHARS
    from teach.policy_editor import ScenarioForm

    challenge = text_of(ChallengeForm) + len(LISTS) * MAX_REQUESTS * text_of(RequestRow)
    return text_of(QuestionForm) + max(challenge, MAX_CASE_CHARS, text_of(ScenarioForm))


# The admin's add and change forms of the content an author writes: a lesson's body, a
# question's prompt and data, a scenario, a glossary definition have no limit of their own
# there. Every other admin page (its sign-in, a list's actions, an account) has the default.
ADMIN_CONTENT = ("lessons", "quizzes", "glossary")


def admin_form(name: str) -> bool:
    """Whether the view `name` is one of the admin's add or change forms."""
    admin, _, view = name.partition(":")
    return admin == "admin" and view.endswith(("_add", "_change"))


def _admin_limit(name: str) -> int | None:
    if admin_form(name) and name.partition(":")[2].split("_", 1)[0] in ADMIN_CONTENT:
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or None
    return None


class BodyLimitMiddleware:
    """A POST whose declared length is over its door's limit (`body_limit`), refused before its
    form is read: reading a urlencoded form costs ~0.4 µs a `%XX` escape, before any view or
    rate limit (the CSRF check reads the form of any POST with a CSRF cookie), ~0.3 s for
    Django's 2.5 MB; a door's limit is what its largest legitimate form needs. The refusal is
    `bad_request`'s, in the same words as Django's own (which limit, where the learner looks).
    A live update (htmx) to the sandbox, its tools or a lab over the page's own limit (64 KB;
    the findings lab's 16 KB) gets the view's own refusal, which never reads the form either:
    with htmx it goes above the last result and the editors keep what was typed; without, the
    form is read (within `DRAW_BACK` times that limit) for the page to draw what was typed
    back, which only reading it can do (Back does not restore these fields). Placed after
    HtmxMiddleware (it reads `request.htmx`) and before FormTooLargeMiddleware and the CSRF
    check, which read the form. The JSON API refuses its own bodies (`_reads_its_own_body`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HtmxHttpRequest) -> HttpResponse:
        if request.method == "POST" and not _reads_its_own_body(request):
            name = view_name(request)
            length = int(request.META.get("CONTENT_LENGTH") or 0)  # digits: ContentLengthMiddleware
            door = _doors().get(name)
            if request.htmx and door and door.refuse and length > door.own:
                _drain(request, length)
                return door.refuse(request)
            limit = body_limit(name)
            if length > DEFAULT_LIMIT:
                limit = _limit_for(request, name, limit)
            if length > limit:  # said as the page's own limit where it has one (64 KB)
                exc = BodyTooLarge(door.own if door and door.own else limit)
                logging.getLogger("django.security.RequestDataTooBig").error(
                    str(exc), extra={"status_code": 400, "request": request}
                )
                _drain(request, length)
                request._mark_post_parse_error()  # type: ignore[attr-defined]  # noqa: SLF001 - as FormTooLargeMiddleware: an empty form to any reader after
                return bad_request(request, exc)
        return self.get_response(request)


def _limit_for(request: HttpRequest, name: str, limit: int) -> int:
    """A teaching or admin door's larger limit is for those it serves: an instructor (the
    teaching pages), staff (the admin). Signed out, a teaching page's form is read as far as
    the page that shows a signed-out save's typing back reads it (`typed_back.MAX_CHARS`:
    a session that ended mid-question); the admin sends the signed-out to sign in, the form
    unread. Anyone else gets the default: the view refuses them anyway, and no anonymous post
    costs the editors' or an import's parse (~0.1-0.15 s)."""
    from srm_trainer.typed_back import MAX_CHARS
    from teach.access import can_teach

    user = getattr(request, "user", None)
    if user is None or not name.startswith(("teach:", "admin:")):
        return limit
    if name.startswith("admin:"):
        return limit if user.is_active and user.is_staff else DEFAULT_LIMIT
    if not user.is_authenticated:
        return min(limit, max(DEFAULT_LIMIT, ESCAPED * MAX_CHARS + SLACK))
    return limit if can_teach(user) else DEFAULT_LIMIT


def _drain(request: HttpRequest, length: int) -> None:
    """Read the body unparsed (a few milliseconds for 2.5 MB), so the answer follows a request
    read to its end: gunicorn reads at most 64 KB of what is left before closing, and a client
    still sending may then be reset before it reads the answer. Bodies over Django's own limit
    are left unread, as Django leaves them."""
    if length <= (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0):
        while request.read(64 * 1024):
            pass


def _reads_its_own_body(request: HttpRequest) -> bool:
    """A view exempt from the CSRF check (the JSON API) takes bodies no browser form sends and
    refuses one too large in its own words (`body_too_large`, 413): left to it."""
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return getattr(match.func, "csrf_exempt", False)
