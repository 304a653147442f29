"""The network lab page: thin. state.py moves the case in and out of the form, the engine
traces it, diagram.py lays the trace out for the SVG."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from netlab import diagram, waf_outcome, waf_state
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
)
from netlab.waf_presets import PRESETS as WAF_PRESETS
from netlab.waf_presets import STARTER as WAF_STARTER
from srm_trainer import drawn_parts
from srm_trainer.netlab import NetlabError, trace_case
from srm_trainer.netlab.waf import NOT_PROTECTABLE, RESOURCES
from srm_trainer.ratelimit import rate_limited

TEMPLATE = "netlab/network.html"


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    return render(request, "netlab/slow_down.html", {"retry_after": retry_after})


def _initial(request: HttpRequest) -> tuple[dict, str, str]:
    """(case, notice, preset slug) for a GET: a preset, a permalink, or the starter."""
    slug = request.GET.get("preset", "")
    if slug:
        if slug in PRESETS:
            return PRESETS[slug].case, "", slug
        return PRESETS[STARTER].case, f"There is no preset called “{slug[:60]}”.", STARTER
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
    return _case_context(case, url, link, fields=fields)


def _case_context(case: dict, url: str, permalink: str, *, fields: bool = True) -> dict:
    """Everything the form's fields and the result show: the case's, and its link.
    `fields=False`: the result's alone, for a live update, which swaps only the result (the
    fields' rows and the case's JSON texts would be built and thrown away)."""
    result = error = None
    try:
        result = trace_case(case)
    except NetlabError as exc:
        # Its message, not the exception: kept here, the exception's traceback held this frame,
        # which held the exception, a cycle keeping every frame of the request (and what they
        # held) until the garbage collector's next pass, for each case that fails to trace.
        error = exc.message
    context = {
        "case": case,
        "result": result,
        "error": error,
        "diagram": diagram.build(result) if result is not None else None,
        "blocked": result.blocked_at if result is not None else None,
        "blocked_layer": diagram.layer_words(result.blocked_at.layer)
        if result is not None and result.blocked_at is not None
        else "",
        "permalink": permalink,
        "lab_url": url,
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
def network_lab(request: HttpRequest) -> HttpResponse:
    notice, preset = "", ""
    if request.method in ("GET", "HEAD"):
        case, notice, preset = _initial(request)
    else:
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
            return render(request, TEMPLATE, {"notice": "That is more than the lab takes at "
                          "once (64 KB).", "presets": PRESETS.values()}, status=413)  # fmt: skip
        # A live update traces, whatever button it carries: the page's buttons post without
        # htmx, and htmx sends one that merely has focus with the form's next request
        # (static/js/live-updates.js takes it off), so "Open this case" focused by Tab from the
        # JSON would have answered a whole page into the result.
        op = "trace" if request.htmx else request.POST.get("op", "trace")
        try:
            if op == "open":
                case = case_from_json(request.POST.get("case_json", ""))
            else:
                case = case_from_form(request.POST)
        except StateError as exc:
            case, notice = PRESETS[STARTER].case, exc.message
            if op == "open":  # keep the form as it was; only the pasted text was refused
                with contextlib.suppress(StateError):
                    case = case_from_form(request.POST)
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
    if live:
        return render(request, f"{TEMPLATE}#result", context)
    return render(request, TEMPLATE, context)


# --- the WAF lab ------------------------------------------------------------------------------

WAF_TEMPLATE = "netlab/waf.html"


def _waf_initial(request: HttpRequest) -> tuple[dict, str, str]:
    slug = request.GET.get("preset", "")
    if slug:
        if slug in WAF_PRESETS:
            return WAF_PRESETS[slug].case, "", slug
        return (
            WAF_PRESETS[WAF_STARTER].case,
            f"There is no preset called “{slug[:60]}”.",
            WAF_STARTER,
        )
    token = request.GET.get("case", "")
    if token:
        try:
            return waf_state.decode(token), "", ""
        except StateError as exc:
            return WAF_PRESETS[WAF_STARTER].case, exc.message, WAF_STARTER
    return WAF_PRESETS[WAF_STARTER].case, "", WAF_STARTER


def _waf_context(request: HttpRequest, texts: dict) -> dict:
    found = waf_outcome.outcome(texts)
    url = reverse("waf-lab")
    link = request.build_absolute_uri(f"{url}?case={found.token}") if found.token else ""
    return _waf_texts_context(texts, found, url, link)


def _waf_texts_context(texts: dict, found: waf_outcome.WafOutcome, url: str, link: str) -> dict:
    """Everything the form's fields and the result show: the texts', and their link."""
    result = found.result
    return {
        "texts": texts,
        "resources": [*RESOURCES, *NOT_PROTECTABLE],
        "result": result,
        "error": found.error,
        "line": found.line,
        "counts": found.counts,
        "decisions": result.decisions if result is not None else (),
        "show_runs": result is not None and len(result.decisions) > 20,
        "charts": found.charts,
        "permalink": link,
        "lab_url": url,
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
    shared link: the same for everyone), drawn once per process from the page's partials;
    None for texts that fail or are too large for a link (drawn in the page as they are)."""
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
def waf_lab(request: HttpRequest) -> HttpResponse:
    notice, preset = "", ""
    if request.method in ("GET", "HEAD"):
        case, notice, preset = _waf_initial(request)
        texts = waf_state.texts_of(case)
    else:
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
            return render(request, "netlab/slow_down.html", {"retry_after": 1, "too_large": True},
                          status=413)  # fmt: skip
        texts = waf_state.form_texts(request.POST)
    drawn = _drawn_waf(request, texts) if request.method in ("GET", "HEAD") else None
    context: dict[str, Any]
    if drawn is not None:
        context = {"drawn": drawn, "lab_url": reverse("waf-lab")}
    else:
        context = _waf_context(request, texts)
    context.update(notice=notice, preset=preset, presets=WAF_PRESETS.values(),
                   preset_info=WAF_PRESETS.get(preset))  # fmt: skip
    if request.htmx and request.method == "POST":
        return render(request, f"{WAF_TEMPLATE}#waf_result", context)
    return render(request, WAF_TEMPLATE, context)
