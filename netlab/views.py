"""The network lab page: thin. state.py moves the case in and out of the form, the engine
traces it, diagram.py lays the trace out for the SVG."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from netlab import diagram, findings, waf_outcome, waf_state
from netlab.field_errors import RowOf, problem_list, same_row
from netlab.presets import PRESETS, STARTER
from netlab.state import (
    MAX_BODY_BYTES,
    StateError,
    case_from_form,
    case_from_json,
    case_text,
    decode_permalink,
    encode_permalink,
    network_json,
    rows,
    sent_row,
)
from netlab.waf_presets import PRESETS as WAF_PRESETS
from netlab.waf_presets import STARTER as WAF_STARTER
from srm_trainer import drawn_parts
from srm_trainer.htmx import HtmxHttpRequest, stale_notice
from srm_trainer.netlab import NetlabError, trace_case
from srm_trainer.netlab.waf import NOT_PROTECTABLE, RESOURCES
from srm_trainer.ratelimit import rate_limited
from srm_trainer.too_large import fewer, over_limit

TEMPLATE = "netlab/network.html"


TOO_LARGE = f"That is more than the lab takes at once ({MAX_BODY_BYTES // 1024} KB)"


def _too_many(request: HtmxHttpRequest, retry_after: int) -> HttpResponse:
    context = {"retry_after": retry_after}
    if request.htmx:
        wait = f"{retry_after} second{'s' if retry_after != 1 else ''}"
        message = f"That was a lot of updates in a short time: the lab answers again in {wait}."
        return live_refusal(request, message, 429)
    return render(request, "netlab/slow_down.html", context)


def live_refusal(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """A refused live update: its message above the last result, which it marks as stale, never
    in place of the form (which keeps what was typed)."""
    response = render(request, "netlab/live_refusal.html", {"message": message}, status=status)
    return stale_notice(response, "#live-refusal")


def _over_the_limit(request: HttpRequest) -> bool:
    return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES


def _no_preset(slug: str) -> str:
    """The notice for a preset that does not exist, the name isolated (<bdi>): a direction
    override in a link's name cannot turn the rest of the sentence around."""
    return format_html("There is no preset called “<bdi>{}</bdi>”.", slug[:60])


def _initial(request: HttpRequest) -> tuple[dict, str, str]:
    """(case, notice, preset slug) for a GET: a preset, a permalink, or the starter."""
    slug = request.GET.get("preset", "")
    if slug:
        if slug in PRESETS:
            return PRESETS[slug].case, "", slug
        return PRESETS[STARTER].case, _no_preset(slug), STARTER
    token = request.GET.get("case", "")
    if token:
        try:
            return decode_permalink(token), "", ""
        except StateError as exc:
            return PRESETS[STARTER].case, exc.message, STARTER
    return PRESETS[STARTER].case, "", STARTER


def _context(request: HttpRequest, case: dict, *, fields: bool = True) -> dict:
    token = encode_permalink(case)
    url = reverse("network-lab")
    link = request.build_absolute_uri(f"{url}?case={token}") if token else ""
    # The fields of a live update stay as the form sent them, rows left empty among them.
    row_of = same_row if fields else partial(sent_row, request.POST)
    return _case_context(case, url, link, fields=fields, row_of=row_of)


def _case_context(
    case: dict,
    url: str,
    permalink: str,
    *,
    fields: bool = True,
    refused: str = "",
    row_of: RowOf = same_row,
) -> dict:
    """Everything the form's fields and the result show: the case's, and its link.
    `fields=False`: the result's alone, for a live update, which swaps only the result (the
    fields' rows and the case's JSON texts would be built and thrown away). `refused`: why the
    case was not traced, shown in the result's place. `row_of`: where a table's rules are on
    the form (`field_errors.form_field`)."""
    result = error = problems = None
    try:
        result = None if refused else trace_case(case)
    except NetlabError as exc:
        # Its words, not the exception: kept here, the exception's traceback held this frame,
        # which held the exception, a cycle keeping every frame of the request (and what they
        # held) until the garbage collector's next pass, for each case that fails to trace.
        error = exc.message
        found = [(p.path, p.code, p.message) for p in exc.problems]
        problems = problem_list(found, exc.more, case, row_of)
    context = {
        "case": case,
        "result": result,
        "error": error,
        "problems": problems,
        "error_marks": problems.marks if problems is not None else None,
        "diagram": diagram.build(result) if result is not None else None,
        "blocked": result.blocked_at if result is not None else None,
        "blocked_layer": diagram.layer_words(result.blocked_at.layer)
        if result is not None and result.blocked_at is not None
        else "",
        "permalink": permalink,
        "lab_url": url,
        "refused": refused,
    }
    if fields:
        context.update(form=rows(case), network_json=network_json(case), case_text=case_text(case))
    return context


LAB_PARTS = ("fields", "result")


@dataclass(frozen=True)
class _Case:
    """A case, equal to another (and hashed) by its permalink token: the case's network and
    flow in one canonical string, all that its fields and result are drawn from."""

    token: str
    case: dict = field(compare=False)


def _drawn(request: HttpRequest, case: dict) -> Mapping[str, SafeString] | None:
    """The form's fields and the result for a case opened by GET (the starter, a preset, a
    shared link: the same for everyone who opens it), drawn once per process from the page's
    partials; None for a case too large for a link (drawn in the page as it is)."""
    token = encode_permalink(case)
    if not token:
        return None
    url = reverse("network-lab")
    return _drawn_case(
        _Case(token, case),
        url,
        request.build_absolute_uri(f"{url}?case={token}"),
        drawn_parts.partials(TEMPLATE, LAB_PARTS),
        *drawn_parts.where(),
    )


@lru_cache(maxsize=32)  # the starter, the presets and a few shared links
def _drawn_case(keyed: _Case, url, permalink, templates, *_where) -> Mapping[str, SafeString]:
    return drawn_parts.draw(LAB_PARTS, templates, _case_context(keyed.case, url, permalink))


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@rate_limited("sandbox", _too_many)
def network_lab(request: HtmxHttpRequest) -> HttpResponse:
    notice, preset = "", ""
    if request.method in ("GET", "HEAD"):
        case, notice, preset = _initial(request)
    else:
        if _over_the_limit(request):
            return network_too_large(request)
        # A live update traces, whatever button it carries: the page's buttons post without
        # htmx, and htmx sends one that merely has focus with the form's next request
        # (static/js/live-updates.js takes it off), so "Open this case" focused by Tab from the
        # JSON would have answered a whole page into the result.
        op = "trace" if request.htmx else request.POST.get("op", "trace")
        pasted = ""
        try:
            if op == "open":
                case = case_from_json(request.POST.get("case_json", ""))
            else:
                case = case_from_form(request.POST)
        except StateError as exc:
            case, notice = PRESETS[STARTER].case, exc.message
            if op == "open":  # keep the form as it was; only the pasted text was refused
                case = _form_case(request)
                pasted = request.POST.get("case_json", "")
        if op == "download" and not notice:
            response = HttpResponse(case_text(case), content_type="application/json")
            response["Content-Disposition"] = 'attachment; filename="network-case.json"'
            return response
    live = request.htmx and request.method == "POST"
    drawn = _drawn(request, case) if request.method in ("GET", "HEAD") else None
    context: dict[str, Any]
    if drawn is not None:
        context = {"drawn": drawn, "lab_url": reverse("network-lab")}
    else:
        context = _context(request, case, fields=not live)
    context.update(notice=notice, preset=preset, presets=PRESETS.values(),
                   preset_info=PRESETS.get(preset))  # fmt: skip
    if notice and request.method == "POST" and op == "open":
        # The pasted text stays as typed, its error beside it, so a typo can be fixed in place.
        context.update(case_text=pasted, case_json_error=notice,
                       notice="The pasted case was not opened: its error is shown beside it.")  # fmt: skip
    if live:
        return render(request, f"{TEMPLATE}#live_result", context)
    return render(request, TEMPLATE, context)


def _form_case(request: HttpRequest) -> dict:
    """The case the form holds (as drawn, with the learner's edits), or the starter."""
    with contextlib.suppress(StateError):
        return case_from_form(request.POST)
    return PRESETS[STARTER].case


def _too_large(unread: Exception | None, shorten: str, parts: str) -> tuple[str, str]:
    """What the lab refused, and what to do: its own size (`shorten` the text), or Django's
    count of fields when `unread` says so (srm_trainer/too_large.py: remove some `parts`)."""
    if unread is None or isinstance(unread, RequestDataTooBig):
        return TOO_LARGE, f"shorten {shorten}"
    return over_limit(unread, "the lab takes"), fewer(unread, parts)


def network_too_large(request: HtmxHttpRequest, *, unread: Exception | None = None) -> HttpResponse:
    """A body over the lab's limit is neither traced nor opened. A live update says so above
    the last result; a form sent without htmx comes back with the case it held (a pasted case
    that is too large is not opened) and the refusal in the result panel. Also answers a form
    over Django's own limits (`unread`, srm_trainer/too_large.py, a size or a count of fields):
    the starter, as that form cannot be read."""
    what, fix = _too_large(unread, "a field", "rules")
    if request.htmx:
        return live_refusal(request, f"{what}: {fix} and try again.", 413)
    case, sent = PRESETS[STARTER].case, False
    if unread is None:
        with contextlib.suppress(StateError):
            case, sent = case_from_form(request.POST), True
    opening = request.POST.get("op") == "open"
    if unread is not None:
        notice = f"{what}, so it was not read: the lab opened its starter case."
    elif opening:
        notice = f"{what}, so the case was not opened: the form holds the case it had."
    else:
        notice = f"{what}, so it was not traced: {fix} and trace again."
    context = _case_context(case, reverse("network-lab"), "", fields=False, refused=notice)
    context.update(form=rows(case), notice=notice, presets=PRESETS.values())
    # What was typed is drawn once, in its field. The hidden network and the case's JSON text
    # go back as the form sent them (the fields overlay the network, so sent again they make the
    # same case): drawn from the case, each held the typed text again, three copies of up to
    # 2.5 MB escaped (a 9.4 MB page). A pasted case too large to open is not drawn back.
    if sent:
        context.update(network_json=request.POST.get("network", ""),
                       case_text=case_text(case) if opening else request.POST.get("case_json", ""))  # fmt: skip
    else:
        context.update(network_json=network_json(case), case_text=case_text(case))
    return render(request, TEMPLATE, context, status=413)


# --- the WAF lab ------------------------------------------------------------------------------

WAF_TEMPLATE = "netlab/waf.html"


def _waf_initial(request: HttpRequest) -> tuple[dict, str, str]:
    slug = request.GET.get("preset", "")
    if slug:
        if slug in WAF_PRESETS:
            return WAF_PRESETS[slug].case, "", slug
        return (
            WAF_PRESETS[WAF_STARTER].case,
            _no_preset(slug),
            WAF_STARTER,
        )
    token = request.GET.get("case", "")
    if token:
        try:
            return waf_state.decode(token), "", ""
        except StateError as exc:
            return WAF_PRESETS[WAF_STARTER].case, exc.message, WAF_STARTER
    return WAF_PRESETS[WAF_STARTER].case, "", WAF_STARTER


def _waf_context(request: HttpRequest, texts: dict, *, live: bool = False) -> dict:
    found = waf_outcome.outcome(texts)
    url = reverse("waf-lab")
    link = request.build_absolute_uri(f"{url}?case={found.token}") if found.token else ""
    # The fields of a live update stay as the form sent them, rows left empty among them.
    row_of = partial(waf_state.sent_row, request.POST) if live else same_row
    return _waf_texts_context(texts, found, url, link, row_of=row_of)


def _waf_texts_context(
    texts: dict,
    found: waf_outcome.WafOutcome | None,
    url: str,
    link: str,
    refused: str = "",
    *,
    row_of: RowOf = same_row,
) -> dict:
    """Everything the form's fields and the result show: the texts', and their link; with
    `refused` (and no outcome), why the texts were not evaluated, in the result's place.
    `row_of`: where the requests are on the form (`field_errors.form_field`)."""
    context: dict[str, Any] = {
        "texts": texts,
        "resources": [*RESOURCES, *NOT_PROTECTABLE],
        "max_rows": waf_state.MAX_ROWS,
        "permalink": link,
        "lab_url": url,
        "refused": refused,
        **NO_OUTCOME,
    }
    if found is None:
        return context
    result = found.result
    decisions = result.decisions if result is not None else ()
    problems = None
    if found.error:
        # The texts read again (only when refused) for the names a path is said with: "Web
        # ACL, rule 1 ("block-bad-bots"), Action" (the outcome, kept per case, holds none).
        case: dict[str, Any] = {}
        with contextlib.suppress(StateError):
            case = waf_state.case_of(texts, keep_mistakes=True)
        problems = problem_list(found.problems, found.more, case, row_of)
    context.update(
        result=result,
        error=found.error,
        problems=problems,
        error_marks=problems.marks if problems is not None else None,
        line=found.line,
        counts=found.counts,
        tally=waf_outcome.tally(found.counts) if result is not None else None,
        decisions=decisions,
        show_runs=len(decisions) > 20,
        charts=found.charts,
    )
    return context


# What the result shows with nothing evaluated (texts refused before the engine read them).
NO_OUTCOME = {
    "result": None,
    "error": None,
    "problems": None,
    "error_marks": None,
    "line": None,
    "counts": (),
    "tally": None,
    "decisions": (),
    "show_runs": False,
    "charts": (),
}


WAF_PARTS = ("waf_fields", "waf_result")  # drawn as LAB_PARTS, as in the network lab


@dataclass(frozen=True)
class _Texts:
    """The form's texts and their outcome, equal to others (and hashed) by the texts' JSON:
    all that is drawn from them (the outcome follows from the texts)."""

    key: str
    texts: dict = field(compare=False)
    found: waf_outcome.WafOutcome = field(compare=False)


def _drawn_waf(request: HttpRequest, texts: dict) -> Mapping[str, SafeString] | None:
    """The form's fields and the result for texts opened by GET (the starter, a preset, a
    shared link, one with a mistake too: the same for everyone), drawn once per process from
    the page's partials; None for texts too large for a link (drawn in the page as they are)."""
    found = waf_outcome.outcome(texts)
    if not found.token:
        return None
    url = reverse("waf-lab")
    return _drawn_texts(
        _Texts(json.dumps(texts, sort_keys=True), texts, found),
        url,
        request.build_absolute_uri(f"{url}?case={found.token}"),
        drawn_parts.partials(WAF_TEMPLATE, WAF_PARTS),
        *drawn_parts.where(),
    )


@lru_cache(maxsize=32)  # the starter, the presets and a few shared links
def _drawn_texts(keyed: _Texts, url, link, templates, *_where) -> Mapping[str, SafeString]:
    context = _waf_texts_context(keyed.texts, keyed.found, url, link)
    return drawn_parts.draw(LAB_PARTS, templates, context)  # named as the network lab's parts


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@rate_limited("sandbox", _too_many)
def waf_lab(request: HtmxHttpRequest) -> HttpResponse:
    notice, preset = "", ""
    opening: dict[str, str] = {}
    if request.method in ("GET", "HEAD"):
        case, notice, preset = _waf_initial(request)
        texts = waf_state.texts_of(case)
    else:
        if _over_the_limit(request):
            return waf_too_large(request)
        texts = waf_state.form_texts(request.POST)
        op = "" if request.htmx else request.POST.get("op", "")
        if op == "download":
            download = _waf_download(texts)
            if download is not None:
                return download
        if op == "open":
            pasted = request.POST.get("case_json", "")
            try:
                texts = waf_state.texts_of(waf_state.case_from_json(pasted))
            except StateError as exc:
                # The form stays as it was; the pasted text stays as typed, its error beside it.
                opening = {"case_text": pasted, "case_json_error": exc.message}
                notice = "The pasted case was not opened: its error is shown beside it."
    drawn = _drawn_waf(request, texts) if request.method in ("GET", "HEAD") else None
    context: dict[str, Any]
    live = request.htmx and request.method == "POST"
    if drawn is not None:
        context = {"drawn": drawn, "lab_url": reverse("waf-lab")}
    else:
        context = _waf_context(request, texts, live=bool(live))
    context.update(notice=notice, preset=preset, presets=WAF_PRESETS.values(),
                   preset_info=WAF_PRESETS.get(preset), **opening)  # fmt: skip
    if live:
        return render(request, f"{WAF_TEMPLATE}#live_waf_result", context)
    return render(request, WAF_TEMPLATE, context)


def _waf_download(texts: dict) -> HttpResponse | None:
    """The form's case as a file, in the format a WAF question's case is written in (the
    network lab had "Download case"; this lab had only a link, so a case made here could not
    be pasted into the question editor). None when a JSON text does not parse: the page then
    says where, as "Send" does."""
    try:
        case = waf_state.case_of(texts)
    except StateError:
        return None
    response = HttpResponse(
        json.dumps(case, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="waf-case.json"'
    return response


def waf_too_large(request: HtmxHttpRequest, *, unread: Exception | None = None) -> HttpResponse:
    """A body over the lab's limit is not evaluated. A live update says so above the last
    result; a form sent without htmx comes back with its texts as typed and the refusal in the
    result panel. Over Django's own limits (`unread`, srm_trainer/too_large.py, a size or a
    count of fields) the form cannot be read: the starter."""
    what, fix = _too_large(unread, "the web ACL", "requests")
    if request.htmx:
        return live_refusal(request, f"{what}: {fix} and try again.", 413)
    if unread is None:
        texts = waf_state.form_texts(request.POST)
        notice = f"{what}, so it was not evaluated: {fix} and send it again."
        if request.POST.get("op") == "open":
            notice = f"{what}, so the case was not opened: the form holds the case it had."
    else:
        texts = waf_state.texts_of(WAF_PRESETS[WAF_STARTER].case)
        notice = f"{what}, so it was not read: the lab opened its starter case."
    context = _waf_texts_context(texts, None, reverse("waf-lab"), "", refused=notice)
    context.update(notice=notice, presets=WAF_PRESETS.values())
    return render(request, WAF_TEMPLATE, context, status=413)


# --- the findings-routing lab -----------------------------------------------------------------

FINDINGS_TEMPLATE = "netlab/findings.html"


def _findings_context(
    text: str, *, notice: str = "", preset: str = "", match: bool = True
) -> dict[str, Any]:
    """`match`: False when the pattern is only shown back (a refused request), not matched."""
    return {
        "found": findings.outcome(text) if match else findings.LabOutcome(text, None, ()),
        "text": text,
        "notice": notice,
        "preset": preset,
        "preset_info": findings.PRESETS.get(preset),
        "presets": findings.PRESETS.values(),
        "lab_url": reverse("findings-lab"),
        "limits": findings.LIMITS,
        "docs": findings.DOCS,
    }


def _findings_too_many(request: HtmxHttpRequest, retry_after: int) -> HttpResponse:
    """Over the rate limit: a form sent without htmx comes back with its pattern as typed,
    not matched (Back may not bring a textarea's text back); the rest as the other labs."""
    if request.method != "POST" or request.htmx or _over_the_findings_limit(request):
        return _too_many(request, retry_after)
    wait = f"{retry_after} second{'s' if retry_after != 1 else ''}"
    notice = (f"That was a lot of updates in a short time, so this pattern was not matched: "
              f"test it again in {wait}.")  # fmt: skip
    context = _findings_context(request.POST.get("pattern", ""), notice=notice, match=False)
    context["refused"] = notice
    return render(request, FINDINGS_TEMPLATE, context, status=429)


def _over_the_findings_limit(request: HttpRequest) -> bool:
    return int(request.META.get("CONTENT_LENGTH") or 0) > findings.MAX_BODY_BYTES


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@rate_limited("sandbox", _findings_too_many)
def findings_lab(request: HtmxHttpRequest) -> HttpResponse:
    """Write an EventBridge event pattern; see which sample findings it sends to the target."""
    notice, preset = "", ""
    if request.method in ("GET", "HEAD"):
        preset = request.GET.get("preset", "") or findings.STARTER
        if preset not in findings.PRESETS:
            notice, preset = _no_preset(preset), findings.STARTER
        text = findings.PRESETS[preset].pattern
    else:
        if _over_the_findings_limit(request):
            return findings_too_large(request)
        text = request.POST.get("pattern", "")
    context = _findings_context(text, notice=notice, preset=preset)
    if request.htmx and request.method == "POST":
        return render(request, f"{FINDINGS_TEMPLATE}#live_findings_result", context)
    return render(request, FINDINGS_TEMPLATE, context)


def findings_too_large(
    request: HtmxHttpRequest, *, unread: Exception | None = None
) -> HttpResponse:
    """A body over the lab's limit is not matched: a live update says so above the last
    result; a form sent without htmx comes back with its text as typed when it could be read
    (the starter when Django could not read the form, `unread`)."""
    what, fix = _too_large(unread, "the pattern", "fields")
    if unread is None:  # the lab's own limit, smaller than the other labs' (one text field)
        what = f"That is more than the lab takes at once ({findings.MAX_BODY_BYTES // 1024} KB)"
    if request.htmx:
        return live_refusal(request, f"{what}: {fix} and try again.", 413)
    if unread is None:
        text = request.POST.get("pattern", "")
        notice = f"{what}, so it was not matched: {fix} and test it again."
    else:
        text = findings.PRESETS[findings.STARTER].pattern
        notice = f"{what}, so it was not read: the lab opened its starter pattern."
    context = _findings_context(text, notice=notice, match=False)  # refused: not read as a pattern
    context["refused"] = notice
    return render(request, FINDINGS_TEMPLATE, context, status=413)
