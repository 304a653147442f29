"""A body over Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) on a page that says so itself.

Django refuses it while the CSRF check reads the form, before any view runs: a 400 with
Django's bare "Bad Request" page, which htmx leaves unswapped, so a live update this large left
the old result on screen as if it described the new input. The labs and the sandbox refuse
bodies over 64 KB in their own words; this `handler400` gives them the same answer for a body
too large even for Django (its form unread), and leaves every other 400 to Django."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.views import defaults

from srm_trainer.htmx import HtmxHttpRequest


def bad_request(request: HtmxHttpRequest, exception: Exception) -> HttpResponse:
    """`handler400`: the page's own too-large refusal where it has one, else Django's answer."""
    if isinstance(exception, RequestDataTooBig):
        refusal = _refusals().get(_url_name(request))
        if refusal is not None:
            return refusal(request)
    return defaults.bad_request(request, exception)


def _url_name(request: HttpRequest) -> str:
    try:
        return resolve(request.path_info).url_name or ""
    except Resolver404:
        return ""


def _refusals() -> dict[str, Callable[[HtmxHttpRequest], HttpResponse]]:
    from netlab import views as netlab  # imported late: the URLconf imports this module first
    from srm_trainer.sandbox import views as sandbox

    return {
        "sandbox": sandbox.too_large,
        "network-lab": lambda request: netlab.network_too_large(request, readable=False),
        "waf-lab": lambda request: netlab.waf_too_large(request, readable=False),
    }
