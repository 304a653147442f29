"""`network_view`: a network as tables to read (`netlab.shown`), for a question's templates."""

from __future__ import annotations

from typing import Any

from django import template

from netlab.shown import network_view as _network_view

register = template.Library()


@register.filter
def network_view(network: Any) -> dict:
    return _network_view(network)
