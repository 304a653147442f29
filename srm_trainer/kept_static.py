"""`{% load static %}` with `{% static %}`'s answers kept: this library is registered under the
name "static" (settings.TEMPLATES' "libraries"), so templates load it in place of Django's.

Each `{% static %}` asks the storage for the file's URL; with the manifest storage used in
production that is a manifest lookup plus URL quoting and joining (dozens of calls), five times
on every page for the same few files. A path's URL cannot change while a process runs (the
manifest is read once at start-up), so it is kept; a settings change in tests forgets it.
Everything else is Django's library unchanged.
"""

from __future__ import annotations

from functools import lru_cache

from django.core.signals import setting_changed
from django.templatetags import static as django_static

register = django_static.register.__class__()
register.tags.update(django_static.register.tags)
register.filters.update(django_static.register.filters)

MAX_KEPT = 1024


@lru_cache(maxsize=MAX_KEPT)
def _url(path: str) -> str:
    return django_static.StaticNode.handle_simple(path)


class KeptStaticNode(django_static.StaticNode):
    def url(self, context):
        path = self.path.resolve(context)
        # Literal paths resolve to SafeString (a str subclass): kept under the plain text
        # (str.__str__ gives an exact str), so a literal and a variable share one entry.
        return _url(str.__str__(path)) if isinstance(path, str) else self.handle_simple(path)


@register.tag("static")
def do_static(parser, token):
    """Django's `{% static %}`, with the URL kept per path."""
    return KeptStaticNode.handle_token(parser, token)


def static(path: str) -> str:
    return _url(path)


def _forget(**kwargs) -> None:
    _url.cache_clear()


setting_changed.connect(_forget, dispatch_uid="srm-kept-static")
