"""The site's own pages and answers, outside the course: `/security/`, the app's own controls on
the Shared Responsibility Model (see controls.py); `/favicon.ico`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from srm_trainer.about.controls import CONTROLS, OWNER_CLASSES, OWNER_LABELS


@require_safe
def security(request: HttpRequest) -> HttpResponse:
    legend = [(OWNER_CLASSES[key], label) for key, label in OWNER_LABELS.items()]
    return render(request, "about/security.html", {"controls": CONTROLS, "legend": legend})


@require_safe
@cache_control(public=True, max_age=24 * 60 * 60)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers ask for /favicon.ico whatever a page links: sent to the icon the
    pages link (an SVG; there is no ICO), not a 404. A temporary redirect, kept a day: in
    production the icon's URL carries a hash of its content, and a permanent one would keep
    pointing at a replaced icon's URL, which is no longer served."""
    return HttpResponseRedirect(static("img/favicon.svg"))
