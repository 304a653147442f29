"""One rule for "partial or whole page", shared by every view that htmx swaps."""

from __future__ import annotations

from django.http import HttpRequest


def wants_partial(request: HttpRequest) -> bool:
    """True for an htmx swap; False for a normal visit *and* for htmx restoring history on
    Back/Forward, which replaces the whole body and so needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def page_or_partial(request: HttpRequest, template: str, partial: str) -> str:
    """`template`, or its `{% partialdef %}` named `partial` when htmx swaps just that."""
    return f"{template}#{partial}" if wants_partial(request) else template
