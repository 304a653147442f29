"""`/security/`: the app's own controls on the Shared Responsibility Model (see controls.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from srm_trainer.about.controls import CONTROLS, OWNER_CLASSES, OWNER_LABELS


@require_safe
def security(request: HttpRequest) -> HttpResponse:
    legend = [(OWNER_CLASSES[key], label) for key, label in OWNER_LABELS.items()]
    return render(request, "about/security.html", {"controls": CONTROLS, "legend": legend})
