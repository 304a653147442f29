"""The sandbox page and its live updates; thin: state.py reads, live.py decides."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from lessons.models import Scenario
from srm_trainer.htmx import HtmxHttpRequest
from srm_trainer.iam import catalog
from srm_trainer.ratelimit import rate_limited
from srm_trainer.sandbox import presets, vocabulary
from srm_trainer.sandbox.live import Analysis, Note
from srm_trainer.sandbox.panel import case_editor_context, drawn_editors
from srm_trainer.sandbox.state import (
    MAX_BODY_BYTES,
    MAX_FIELD_CHARS,
    MAX_POLICY_CHARS,
    OPEN_ROW,
    SandboxState,
    StateError,
    apply_op,
    aws_context_for,
    case_file_text,
    decode_permalink,
    read_case_file,
    row_pair,
    starter_state,
    state_from_case,
    state_from_form,
)
from srm_trainer.too_large import fewer, over_limit, size_limit

TEMPLATE = "sandbox/sandbox.html"
_TOO_LARGE = (
    f"That is more than the sandbox takes at once ({MAX_BODY_BYTES // 1024} KB). "
    "Shorten a policy and try again."
)
_FILE_TOO_LARGE = (
    f"The case file is larger than the sandbox opens ({MAX_BODY_BYTES // 1024} KB): "
    "it was not opened."
)
PAIR = ("action", "resource")


def _too_many(request: HtmxHttpRequest, retry_after: int) -> HttpResponse:
    context = {"retry_after": retry_after}
    if request.htmx:
        return _in_result_panel(render(request, f"{TEMPLATE}#slow_down", context))
    return render(request, "sandbox/slow_down.html", context)


def _in_result_panel(response: HttpResponse) -> HttpResponse:
    """A refusal to a live update goes above the last result (marking it stale), never in place
    of the editors; sandbox.js lets htmx swap these 4xx answers."""
    return reswap(retarget(response, "#live-refusal"), "innerHTML")


def _initial(request: HttpRequest) -> tuple[SandboxState, str, Scenario | None]:
    """The state a GET opens: a preset, a permalink, or the starter example."""
    slug = request.GET.get("preset")
    if slug:
        scenario = presets.find(slug)
        if scenario is None:
            return (
                starter_state(),
                # <bdi>: a direction override in the link cannot turn the sentence around.
                format_html(
                    "There is no preset called “<bdi>{}</bdi>”, so the sandbox opened with its "
                    "example.",
                    slug,
                ),
                None,
            )
        if not isinstance(scenario.case, dict):  # a broken row saved before the checks
            return (
                starter_state(),
                f"The preset “{slug}” needs repair, so the sandbox opened with its example.",
                None,
            )
        try:
            return state_from_case({**scenario.case, "name": scenario.title}), "", scenario
        except StateError as exc:
            return starter_state(), exc.message, None
    token = request.GET.get("case")
    if token:
        try:
            state = decode_permalink(token)
        except StateError as exc:
            return starter_state(), exc.message, None
        # The many-request tools link every row with one token for the policies and the row's
        # own action and resource beside it (sandbox/analysis.py).
        action, resource = (request.GET.get(key, "").strip()[:MAX_FIELD_CHARS] for key in PAIR)
        state = replace(state, action=action or state.action, resource=resource or state.resource)
        return state, "", None
    return starter_state(), "", None


def _row_permalink(request: HttpRequest) -> str:
    """A many-request page's row opened (its button: the page's `case` and the row's `open`,
    state.row_value): the permalink of that request, where the learner lands, as a row's link
    once took them, so the address is a link to share. "" for any other GET."""
    token, value = request.GET.get("case"), request.GET.get(OPEN_ROW)
    if not token or value is None:
        return ""
    action, resource = row_pair(value)
    pair = {"action": action[:MAX_FIELD_CHARS], "resource": resource[:MAX_FIELD_CHARS]}
    return f"{reverse('sandbox')}?{urlencode({'case': token, **pair})}"


def _page(
    request: HttpRequest,
    state: SandboxState,
    *,
    notice: str = "",
    open_error: str = "",
    preset=None,
    status: int = 200,
) -> HttpResponse:
    if request.method == "POST":  # a form posted without JavaScript: drawn for this state only
        context = _live_context(request, state, oob=False)
    else:  # the example, a preset or a shared link: states many visitors open, drawn once
        url = reverse("sandbox")
        drawn = drawn_editors(request, state, url=url, target="#workspace")
        context = {"state": state, "sandbox_url": url, "drawn": drawn}
    # A link that did not decode opened the example (its notice says so): the menu says so too.
    shared = request.method == "POST" or (bool(request.GET.get("case")) and not notice)
    options = presets.menu().options(preset.slug if preset else "")
    context.update(
        preset_options=options, preset=preset, notice=notice, shared=shared, open_error=open_error
    )
    return render(request, TEMPLATE, context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@rate_limited("sandbox", _too_many)
def sandbox(request: HtmxHttpRequest) -> HttpResponse:
    if request.method in ("GET", "HEAD"):
        opened = _row_permalink(request)
        if opened:
            return HttpResponseRedirect(opened)
        state, notice, preset = _initial(request)
        return _page(request, state, notice=notice, preset=preset)
    if _over_the_limit(request):
        return body_too_large(request)
    op = _pressed(request)
    try:
        if op == "open":
            upload = request.FILES.get("case_file")
            if upload is None:
                raise StateError("Choose a case file to open.", "case_file")
            state = read_case_file(upload.read(MAX_BODY_BYTES + 1))
        else:
            state = state_from_form(request.POST)
    except StateError as exc:
        return _refuse(request, exc.message, 400)
    if op == "download":
        filename = "".join(
            c if c.isalnum() or c in "-_" else "-" for c in (state.name or "sandbox-case")
        )[:60]
        response = HttpResponse(
            case_file_text(state), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{filename or "sandbox-case"}.json"'
        )
        return response
    if op and op != "evaluate":
        state = apply_op(state, op, extra_context=aws_context_for(state))
        if request.htmx:
            # The editors changed shape: swap the whole form, and the result beside it.
            return render(
                request, f"{TEMPLATE}#workspace_and_live", _live_context(request, state, oob=False)
            )
    if request.htmx:
        return render(request, f"{TEMPLATE}#live_update", _live_context(request, state, oob=True))
    return _page(request, state)


def _pressed(request: HtmxHttpRequest) -> str:
    """The `op` of the button pressed. With htmx only a request a button named `op` started
    (its own hx-post) presses one: a live update started by the form's fields evaluates, even
    if it carries a button's `op` (htmx sends a submit button that merely has focus with the
    form's next request; static/js/live-updates.js takes it off), never removing a key or
    swapping a download into the result."""
    if request.htmx and request.htmx.trigger_name != "op":
        return ""
    return request.POST.get("op", "")


def _live_context(request: HttpRequest, state: SandboxState, *, oob: bool) -> dict:
    """`oob`: a live update, whose notes and hints are swapped in beside their editors."""
    url = reverse("sandbox")
    context = case_editor_context(request, state, url=url, target="#workspace", oob=oob)
    return {**context, "sandbox_url": url}


def _refuse(
    request: HtmxHttpRequest, message: str, status: int, *, readable: bool = True
) -> HttpResponse:
    """Bad input: say what is wrong, and keep what the learner typed. With htmx the editors
    stay as they are; without, the page is drawn again from the form as posted (the browser's
    Back would not bring the edits back: the fields have autocomplete=off): evaluated when the
    form is within the sandbox's limits (a case file was refused), else each field drawn once as
    typed and nothing evaluated (a policy too long, a form over 64 KB: "Download case" posts
    without htmx, and the page that said so kept nothing). Only a form Django would not read
    (`readable=False`: over its own limits) gets a page without it."""
    if request.htmx:
        return _in_result_panel(
            render(request, f"{TEMPLATE}#refused", {"message": message}, status=status)
        )
    if not readable:
        return render(request, "sandbox/refused.html", {"message": message}, status=status)
    try:
        state = state_from_form(request.POST)
    except StateError:
        return _page_as_typed(request, state_from_form(request.POST, strict=False), message, status)
    if _over_the_limit(request) and not _only_the_file_over(request):
        return _page_as_typed(request, state, message, status)
    if _opening(request):
        # Said beside the file input, which takes the focus (as the network lab's pasted case):
        # a notice at the top of a reloaded page, focus nowhere, went unheard.
        return _page(request, state, open_error=message, status=status)
    return _page(request, state, notice=message, status=status)


def _opening(request: HttpRequest) -> bool:
    """The "Open" button pressed (a case file refused), not another button of a no-htmx form."""
    return request.POST.get("op") == "open"


def body_too_large(request: HtmxHttpRequest) -> HttpResponse:
    """A body over the sandbox's 64 KB (srm_trainer/too_large.py refuses a live update so
    before its form is read). Only "Open" posts multipart (its file): a file too large is not a
    policy to shorten."""
    opening = request.content_type == "multipart/form-data"
    return _refuse(request, _FILE_TOO_LARGE if opening else _TOO_LARGE, 413)


def _over_the_limit(request: HttpRequest) -> bool:
    return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES


def _only_the_file_over(request: HttpRequest) -> bool:
    """A body over the limit for its case file's sake ("Open" posts multipart): its fields
    within it are what the page had, evaluated again."""
    size = sum(len(key) + len(value) for key, values in request.POST.lists() for value in values)
    return request.content_type == "multipart/form-data" and size <= MAX_BODY_BYTES


def _page_as_typed(
    request: HttpRequest, state: SandboxState, message: str, status: int
) -> HttpResponse:
    """The page with the form as sent and `message` in the result's place, nothing evaluated
    and no link (`state` is past the sandbox's limits, read with strict=False)."""
    url = reverse("sandbox")
    refused = Analysis(state=state, case={}, error=Note("error", message, "refused"))
    context = case_editor_context(
        request, state, url=url, target="#workspace", oob=False, analysis=refused, link=False
    )
    context.update(
        sandbox_url=url,
        preset_options=presets.menu().options(""),
        preset=None,
        notice=message,
        shared=True,
        refused=True,
    )
    return render(request, TEMPLATE, context, status=status)


def too_large(request: HtmxHttpRequest, exception: Exception) -> HttpResponse:
    """A body over Django's own limits (srm_trainer/too_large.py), refused before the form is
    read: the sandbox's refusal, without the form; a size, or a count of fields."""
    message = _TOO_LARGE
    if not isinstance(exception, RequestDataTooBig):
        fix = fewer(exception, "policies or context keys").capitalize()
        message = f"{over_limit(exception, 'the sandbox takes')}. {fix} and try again."
    return _refuse(request, message, 413, readable=False)


@require_safe
def action_options(request: HttpRequest) -> HttpResponse:
    """Suggestions for the action field as the learner types (`s3:Get` → s3:GetObject, …)."""
    # The case editor's fields carry a prefix inside another page's form (teach's "case-").
    typed = (request.GET.get("case-action") or request.GET.get("action") or "").strip()[:128]
    options: list[str] = []
    if ":" in typed:
        prefix, _, rest = typed.partition(":")
        if catalog.is_known_service(prefix):
            folded = rest.lower()
            options = [
                a for a in catalog.actions(prefix) if a.split(":", 1)[1].lower().startswith(folded)
            ][:25]
    elif typed:
        folded = typed.lower()
        options = [f"{s}:" for s in catalog.services() if s.startswith(folded)][:25]
    return render(request, "sandbox/case_editor.html#action_options", {"options": options})


# --- the policy editor's completions (static/js/policy-editor.bundle.js) -----------------------


@require_safe
def condition_keys(request: HttpRequest) -> JsonResponse:
    """`?action=s3:GetObject&action=…` → the condition keys those actions (and AWS) define."""
    return JsonResponse({"keys": vocabulary.condition_keys_for(request.GET.getlist("action"))})


@require_safe
def condition_operators(request: HttpRequest) -> JsonResponse:
    """Every condition operator name, for completion under a statement's Condition."""
    return JsonResponse({"operators": vocabulary.condition_operator_names()})


# The findings request (below) answers every refusal in one shape, `{"findings": [], "message":
# …}`, which the editor shows where findings appear: a bare status would leave it showing none,
# as if the policy had no findings.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _no_findings(message: str, status: int, **extra: object) -> JsonResponse:
    return JsonResponse({"findings": [], "message": message, **extra}, status=status)


def _too_long(length: str) -> str:
    return (
        f"The policy is {length} long, too long to check for findings (at most "
        f"{MAX_POLICY_CHARS:,} characters): shorten it to see them."
    )


def _findings_too_many(request: HttpRequest, retry_after: int) -> JsonResponse:
    wait = f"{retry_after} second{'s' if retry_after != 1 else ''}"
    message = f"That was a lot of checks in a short time: findings come back in {wait}."
    return _no_findings(message, 429, retry_after=retry_after)


@require_POST
@rate_limited("sandbox", _findings_too_many)
def policy_findings(request: HttpRequest) -> JsonResponse:
    """The findings of one policy typed outside the sandbox (a quiz answer, /teach/'s challenge
    editor), for the editor to mark at their line. Sent as a form field, `policy` (the editor
    posts it so); over the sandbox's size limit, refused."""
    sent_body = request.META.get("CONTENT_LENGTH") not in (None, "", "0")
    if sent_body and request.content_type not in FORM_TYPES:
        sent = request.content_type or "no content type"
        words = f"Send the policy as the form field “policy”, not as {sent}"
        return _no_findings(f"{words}: no findings were checked.", 415)
    text = request.POST.get("policy", "")
    if len(text) > MAX_POLICY_CHARS:
        return _no_findings(_too_long(f"{len(text):,} characters"), 400)
    if not text.strip():  # nothing typed yet: nothing to mark (the editor does not ask)
        return JsonResponse({"findings": []})
    return JsonResponse({"findings": vocabulary.policy_marks(text)})


def findings_unreadable(request: HttpRequest, exception: Exception) -> JsonResponse:
    """A findings request Django would not read (srm_trainer/too_large.py: over its limits, or
    a form that does not parse), answered in the shape the editor shows, not the 400 page."""
    if isinstance(exception, RequestDataTooBig):
        return _no_findings(_too_long(f"more than {size_limit(exception)}"), 413)
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        words = over_limit(exception, "the findings check reads")
        return _no_findings(f"{words}: send the policy alone.", 413)
    return _no_findings("This request could not be read as a form: no findings were checked.", 400)
