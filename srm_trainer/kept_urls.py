"""`{% url %}` with its answers kept: a template builtin (settings.TEMPLATES) that replaces
Django's tag by the same tag whose `reverse()` results are remembered.

Every page draws a dozen or more links (the header alone has ten), and each `reverse()` walks
the URL patterns again (tens of microseconds each: about a tenth of a lesson page's time).
A URL depends only on the view name, its arguments, the current namespace, the script prefix
and the URLconf, all in the key, so a kept answer is always the answer `reverse()` would give.
Only plain arguments (text, whole numbers) are kept, and at most MAX_KEPT of them (slugs come from
requests): anything else is reversed as before. `kept_reverse` is the same for Python code (the
admin's app list, srm_trainer/urls.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from django import template
from django.template import defaulttags
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

MAX_KEPT = 4096


def _plain(value) -> bool:
    """Text (SafeString too: the same text gives the same URL) or a whole number; not a bool,
    which would share a key with 1 or 0."""
    return isinstance(value, (str, int)) and not isinstance(value, bool)


@lru_cache(maxsize=MAX_KEPT)
def _reverse(view_name, args, kwargs, current_app, prefix, urlconf) -> str:
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def kept_reverse(viewname, urlconf=None, args=None, kwargs=None, current_app=None, **more) -> str:
    """`django.urls.reverse` with its answer kept as the tag's is, for code that reverses the
    same names on every request (the admin's app list: two for each model on every admin page,
    a fifth of a list page's time; the sample address every lesson's is made from, since the
    kept reading order holds slugs only: lessons/reading_order.py). Only the same plain
    arguments are kept; anything else, another URLconf, a query or a fragment, is reversed as
    before."""
    args = tuple(args) if args else ()
    pairs = tuple(sorted(kwargs.items())) if kwargs else ()
    if (
        urlconf is None
        and not more
        and isinstance(viewname, str)
        and all([_plain(a) for a in args])
        and all([_plain(v) for _, v in pairs])
    ):
        return _reverse(viewname, args, pairs, current_app, *links())
    return reverse(viewname, urlconf, args, kwargs, current_app, **more)


_MISSING = object()
# Outside a request, the script prefix and URLconf are asked once per template render (each is
# a thread-local lookup, ~3-5 µs, and neither changes while a page is drawn), kept in the
# render's own state.
_WHERE = object()
# While a request is answered (`links_read_once`): once its URL is resolved, the script prefix
# and URLconf every link it draws is reversed under, read once (`links_resolved`); before that,
# an empty list.
_read: ContextVar[list[tuple[str, str | None]] | None] = ContextVar("links_read", default=None)


@contextmanager
def links_read_once() -> Iterator[None]:
    """Within this block (a request: srm_trainer/middleware.py), `links()` and `where()` are a
    plain look-up once `links_resolved()` has read them."""
    token = _read.set([])
    try:
        yield
    finally:
        _read.reset(token)


def links_resolved() -> None:
    """Read the script prefix and URLconf for the rest of the request: called once the request's
    URL is resolved (a middleware's `process_view`), when Django has set the URLconf a middleware
    may have chosen for it (`request.urlconf`); the handler set the prefix before any middleware."""
    held = _read.get()
    if held is not None:
        held[:] = [(get_script_prefix(), get_urlconf())]


def links() -> tuple[str, str | None]:
    """The script prefix and URLconf links are reversed under now: read once per request after
    its URL is resolved, else read here."""
    held = _read.get()
    if held:
        return held[0]
    return get_script_prefix(), get_urlconf()


def current_app(context) -> Any:
    """The namespace `{% url %}` reverses in, as Django's URLNode finds it (which asks with
    try/except AttributeError: raising costs more)."""
    request = getattr(context, "request", None)
    app = getattr(request, "current_app", _MISSING)
    if app is _MISSING:
        app = getattr(getattr(request, "resolver_match", None), "namespace", None)
    return app


def where(context) -> tuple[str, str | None]:
    """The script prefix and URLconf that links drawn in `context` are reversed under."""
    held = _read.get()
    if held:
        return held[0]
    found = context.render_context.get(_WHERE)
    if found is None:
        found = context.render_context[_WHERE] = (get_script_prefix(), get_urlconf())
    return found


class KeptURLNode(defaulttags.URLNode):
    def render(self, context):
        from django.urls import NoReverseMatch

        args = tuple([arg.resolve(context) for arg in self.args]) if self.args else ()
        kwargs = (
            tuple([(k, v.resolve(context)) for k, v in self.kwargs.items()]) if self.kwargs else ()
        )
        view_name = self.view_name.resolve(context)
        app = current_app(context)
        url = ""
        try:
            if (not args or all([_plain(a) for a in args])) and (
                not kwargs or all([_plain(v) for _, v in kwargs])
            ):
                url = _reverse(
                    view_name,
                    tuple([a if isinstance(a, int) else str(a) for a in args]) if args else (),
                    tuple([(k, v if isinstance(v, int) else str(v)) for k, v in kwargs])
                    if kwargs
                    else (),
                    app,
                    *where(context),
                )
            else:
                url = reverse(view_name, args=args, kwargs=dict(kwargs), current_app=app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's `{% url %}`, parsed by Django, rendered by `KeptURLNode`."""
    node = defaulttags.url(parser, token)
    node.__class__ = KeptURLNode
    return node
