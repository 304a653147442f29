"""`{% static %}` with its answers kept: a template builtin (settings.TEMPLATES), so a template
that does not `{% load static %}` gets this tag, one that does gets Django's own.

The page frame (templates/base.html) asks for the same files on every page (nine today), and each
answer asked whether the staticfiles app is installed (a walk over every installed app) and
then the storage (a manifest lookup in production, URL quoting and joining in development).
A file's URL depends only on its name and the storage, which is made once per process, so
the answer is kept per name; a settings change that could alter it (tests) forgets them all.
"""

from __future__ import annotations

from django import template
from django.core.signals import setting_changed
from django.templatetags.static import StaticNode

register = template.Library()

MAX_KEPT = 256
_kept: dict[str, str] = {}
_SETTINGS = {"STATIC_URL", "STATIC_ROOT", "STORAGES", "INSTALLED_APPS", "FORCE_SCRIPT_NAME"}


def _forget(*, setting: str, **kwargs) -> None:
    if setting in _SETTINGS:
        _kept.clear()


setting_changed.connect(_forget, dispatch_uid="srm-kept-static")


class KeptStaticNode(StaticNode):
    def url(self, context) -> str:
        path = self.path.resolve(context)
        found = _kept.get(path) if isinstance(path, str) else None
        if found is None:
            found = self.handle_simple(path)  # a file missing from the manifest raises, unkept
            if isinstance(path, str) and len(_kept) < MAX_KEPT:
                _kept[path] = found
        return found


@register.tag
def static(parser, token):
    """Django's `{% static %}`, parsed by Django, rendered by `KeptStaticNode`."""
    return KeptStaticNode.handle_token(parser, token)
