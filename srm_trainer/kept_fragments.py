"""Drawn HTML kept per process: one mechanism, one set of rules, two ways in.

Some HTML is the same for every visitor who brings the same few values: the page header for a
page and a role, a module card on home for a module and a learner's counts, the glossary's
A to Z listing for a version of the glossary and of the course, a module page's row for a
lesson. Drawn again on every request it was most of those pages' time; here it is drawn once
per key and kept. The rules are the same wherever HTML is kept:

- A kept drawing is made from its key alone, so nothing of one visitor's can be kept and shown
  to another: two visitors share a drawing only when their keys are equal, and then each of
  them would have drawn the same.
- A key holds plain values (text, numbers, True, False, None, and tuples of these), compared
  with their types (True is not 1), and builds of versioned content (the course, the glossary:
  `versioned_cache.Kept`), compared by identity; with them, the script prefix and URLconf that
  links are reversed under. Anything else (a model row, a user, a date) may not be in a key:
  a drawing asked with it is drawn every time, never kept. So is one asked with a build made
  inside a transaction (not `lasting`: versioned_cache.py says why, once).
- Everything kept is forgotten when a setting changes. A place forgets its drawings when it
  keeps one drawn from another build (a new version of the course or the glossary: the old
  drawings can never be asked for again). Each place keeps at most so many, oldest first out.

Two ways in, both keeping in a `Keeping` under `key_of`:

`@kept_drawing(limit=N)` on a plain module-level function: kept by its arguments, and the
function is handed nothing else (no request, no user, no page context; a closure or a method,
which could carry them, is refused), so nothing of a visitor's reaches it but through its key.
It may read rows of versioned content, and then takes that content's build as an argument. It
draws with `render_to_string` and no request, and shows no times (the visitor's time zone is
active while it draws). Home's module cards, the anonymous course listing, a module page's
rows, the glossary listing, a lesson's linked terms and every list's pager are drawn so.

`{% kept name=value ... %}...{% endkept %}` in a template (a builtin, settings.TEMPLATES), for
a part of the page frame with `{% live %}` holes drawn on every render (the header: the Review
badge, the username, the CSRF token, the sign-in links' `next=`, the search box's text):

    {% kept here=request.resolver_match.url_name signed_in=user.is_authenticated %}
      <a href="{% url 'home' %}"{% if here == 'home' %} aria-current="page"{% endif %}>Learn</a>
      <strong>{% live %}{{ user.get_username }}{% endlive %}</strong>
    {% endkept %}

Its holes need the page's context, so the part is drawn in it, and the parser sees to it that
the part reads only its key: outside its holes it may hold only text, `{% if %}` on its own
names and literals, `{% url %}` and `{% static %}` of literals, and its own names printed,
and `{% partialdef %}`s of these with `{% partial %}`s of those defined before them in the part
(one source for markup the part shows twice: the header's reference links, in the menu and
under "More"); anything else (another variable, a filter, a loop, an include, a partial
defined elsewhere) is a TemplateSyntaxError when the template is compiled. A hole sees the page's context plus the part's names (not a `{% with %}`
or `{% for %}` of the part around it, which the parser refuses anyway). The first render of a
key draws the whole part, each hole standing in as a marker, and keeps the text between the
markers; later renders draw only the holes and join. The key also holds the autoescaping and
the current namespace, which its links are reversed in. What is kept lives on the compiled
template's node: a template compiled again starts afresh.

A lesson's scenario card (lessons/pages.py) keeps in a `Keeping` under `key_of` too, without
either way in: it is drawn from the scenario and its check (objects, which a key may not hold)
and kept under a digest of the scenario's content, which stands for everything it shows. Not
here: srm_trainer/drawn_parts.py says why.

Why two ways in and not the tag alone: a module card or the glossary listing loops over rows,
filters them and includes other templates, and no parser can prove of such a template that it
reads only its key; but a function that is handed nothing but its key cannot be given a
visitor's data any other way: its signature is the proof, and it keeps nothing itself. Why not
functions alone: the header's holes are the page's, and a part kept around them has to be
drawn in the page's context, which the parser then guards.
"""

from __future__ import annotations

import functools
import secrets
import threading
from collections.abc import Callable
from types import FunctionType

from django import template
from django.core.signals import setting_changed
from django.template.base import (
    FilterExpression,
    Node,
    NodeList,
    TextNode,
    Variable,
    VariableNode,
    token_kwargs,
)
from django.template.defaulttags import CommentNode, IfNode, TemplateLiteral, URLNode
from django.templatetags.static import StaticNode
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeString
from template_partials.templatetags.partials import DefinePartialNode, RenderPartialNode

from srm_trainer.kept_urls import current_app, links, where
from srm_trainer.versioned_cache import Kept

register = template.Library()

MAX_KEPT = 256  # a `{% kept %}` part's drawings
# Where a hole was, in the first render's text: random per process, so no text can hold it.
_MARK = f"\x00kept-hole-{secrets.token_hex(16)}\x00"
_RECORDING = "srm_trainer.kept_fragments.recording"
_ABSENT = object()
_generation = 0  # bumped when a setting or a file changes: everything kept is then forgotten


def _forget(**kwargs) -> None:
    global _generation
    _generation += 1


setting_changed.connect(_forget, dispatch_uid="srm-kept-fragments")
# The development server does not restart for an edited template: it empties its template
# loaders (django.template.autoreload) and goes on. A `{% kept %}` part is compiled afresh with
# them, but a kept drawing's HTML outlived the edit until a restart. Returns None, so whether
# the server restarts stays Django's decision.
file_changed.connect(_forget, dispatch_uid="srm-kept-fragments-files")

# SafeString is a kind of its own: the same text, marked safe or not, draws differently.
_PLAIN = frozenset({str, SafeString, int, float, bool, type(None)})


class _NotAKey(Exception):
    pass


def _kind(value) -> object:
    """A value's kind in a key: its type, a tuple's items' kinds; _NotAKey if it may not be in
    one (a build is one only while `lasting`)."""
    kind = type(value)
    if kind in _PLAIN:
        return kind
    if kind is tuple:
        kinds = tuple(map(type, value))
        return kinds if _PLAIN.issuperset(kinds) else tuple([_kind(item) for item in value])
    if kind is Kept and value.lasting:
        return kind
    raise _NotAKey


def key_of(values: tuple) -> tuple | None:
    """The key for these values, or None when they may not be one (see the rules above): the
    values with their kinds, so that True and 1, or 1 and 1.0, are different keys."""
    kinds: tuple = tuple(map(type, values))
    if _PLAIN.issuperset(kinds):
        return values, kinds
    try:
        kinds = tuple(
            [
                kind if kind in _PLAIN else _kind(value)
                for value, kind in zip(values, kinds, strict=True)
            ]
        )
    except _NotAKey:
        return None
    return values, kinds


class Keeping:
    """The drawings kept in one place (a `{% kept %}` part, a kept drawing function), under
    keys made by `key_of`: at most `limit`, oldest first out; all forgotten when a setting
    changes, or when one is kept from other builds than the last one kept."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._kept: dict[tuple, object] = {}
        self._generation = _generation
        self._builds: list[Kept] = []  # those the kept drawings were drawn from
        self._lock = threading.Lock()  # for changes: reads need none

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: tuple):
        if self._generation != _generation:
            self._kept, self._generation = {}, _generation
        return self._kept.get(key)

    def put(self, key: tuple, drawn) -> None:
        builds = [value for value in key[0] if type(value) is Kept]
        with self._lock:
            if builds != self._builds:  # a new version: the others will not be asked again
                self._kept, self._builds = {}, builds
            kept = self._kept
            kept[key] = drawn
            while len(kept) > self.limit:
                del kept[next(iter(kept))]


class KeptDrawing:
    """A function's drawings kept by its arguments (`kept_drawing`)."""

    def __init__(self, draw: Callable[..., str], limit: int) -> None:
        if not isinstance(draw, FunctionType) or draw.__closure__:
            raise TypeError("a kept drawing is a plain function: it is handed only its key")
        self._draw = draw
        self.kept = Keeping(limit)
        functools.update_wrapper(self, draw)

    def __call__(self, *args) -> str:
        """`draw(*args)`, kept under its arguments and the script prefix and URLconf (read once
        per request: `kept_urls.links`)."""
        key = key_of((*args, *links()))
        if key is None:
            return self._draw(*args)
        drawn = self.kept.get(key)
        if drawn is None:
            drawn = self._draw(*args)
            self.kept.put(key, drawn)
        return drawn


def kept_drawing(*, limit: int) -> Callable[[Callable[..., str]], KeptDrawing]:
    """`@kept_drawing(limit=N)`: the function's drawings kept by its arguments; see above."""
    return functools.partial(KeptDrawing, limit=limit)


class LiveNode(Node):
    """A hole in a kept part: drawn on every render. While its part is first drawn it also
    hands its text to the part and leaves a marker in its place."""

    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context) -> str:
        recording = context.render_context.get(_RECORDING)
        if recording is None:
            return self.nodelist.render(context)
        context.render_context[_RECORDING] = None  # a hole inside a hole is just its text
        try:
            text = self.nodelist.render(context)
        finally:
            context.render_context[_RECORDING] = recording
        recording.append((self, text))
        return _MARK


class KeptNode(Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: NodeList, values: dict[str, FilterExpression]) -> None:
        self.nodelist = nodelist
        self.values = values
        # Per key: the texts between the holes, and the holes.
        self.kept = Keeping(MAX_KEPT)

    def render(self, context) -> str:
        values = {name: value.resolve(context) for name, value in self.values.items()}
        # With what else a kept link depends on, as `{% url %}` reverses it (kept_urls).
        key = key_of((*values.values(), context.autoescape, current_app(context), *where(context)))
        with context.push(**values):
            if key is None:  # a value that may not be a key: drawn as it is, every time
                return self.nodelist.render(context)
            kept = self.kept.get(key)
            if kept is not None:
                texts, holes = kept
                out = [texts[0]]
                for hole, text in zip(holes, texts[1:], strict=True):
                    out.append(hole.nodelist.render(context))
                    out.append(text)
                return "".join(out)
            return self._first_render(context, key)

    def _first_render(self, context, key: tuple) -> str:
        recording: list[tuple[LiveNode, str]] = []
        outer = context.render_context.get(_RECORDING, _ABSENT)  # None: inside a hole
        context.render_context[_RECORDING] = recording
        try:
            text = self.nodelist.render(context)
        finally:
            if outer is _ABSENT:
                del context.render_context[_RECORDING]
            else:
                context.render_context[_RECORDING] = outer
        texts = tuple(text.split(_MARK))
        if len(texts) != len(recording) + 1:  # cannot happen with the nodes `kept` allows
            raise RuntimeError("{% kept %}: a {% live %} hole went missing")
        self.kept.put(key, (texts, tuple(hole for hole, _ in recording)))
        out = [texts[0]]
        for (_, hole_text), between in zip(recording, texts[1:], strict=True):
            out.append(hole_text)
            out.append(between)
        return "".join(out)


def _refuse(message: str):
    raise template.TemplateSyntaxError(f"{{% kept %}} may not hold {message} outside {{% live %}}")


def _literal_or_own_name(var, names: set[str]) -> bool:
    if not isinstance(var, Variable) or var.literal is not None:
        return True
    return var.lookups is not None and len(var.lookups) == 1 and var.lookups[0] in names


def _check_expression(expression, names: set[str]) -> None:
    """A literal, or one of the part's own names as it is (no attribute, no filter)."""
    if not isinstance(expression, FilterExpression):
        _refuse(f"the value {expression!r}")
    if expression.filters:
        _refuse(f"a filter ({expression.token})")
    if not _literal_or_own_name(expression.var, names):
        _refuse(f"the variable {expression.token!r} (not one of {sorted(names)})")


def _check_condition(condition, names: set[str]) -> None:
    if isinstance(condition, TemplateLiteral):
        _check_expression(condition.value, names)
        return
    for operand in (condition.first, condition.second):
        if operand is not None:
            _check_condition(operand, names)


class _PartialNode(Node):
    """A `{% partial %}` in a kept part, bound to the `{% partialdef %}` that was checked: by
    name at render time it would find the template's last definition of that name, which may
    be one outside the part, never checked."""

    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context) -> str:
        return self.nodelist.render(context)


def _check(nodelist: NodeList, names: set[str], partials: dict[str, NodeList]) -> None:
    """Refuse anything whose text could differ between two renders with the same key; bind
    each `{% partial %}` to the checked definition before it (`partials`, by name)."""
    for index, node in enumerate(nodelist):
        if isinstance(node, (TextNode, CommentNode, LiveNode)):
            continue
        if isinstance(node, IfNode):
            for condition, body in node.conditions_nodelists:
                if condition is not None:
                    _check_condition(condition, names)
                _check(body, names, partials)
        elif isinstance(node, DefinePartialNode):
            _check(node.nodelist, names, partials)
            partials[node.partial_name] = node.nodelist
        elif isinstance(node, RenderPartialNode):
            if node.partial_name not in partials:
                _refuse(f"the partial {node.partial_name!r} (not defined before it in the part)")
            nodelist[index] = _PartialNode(partials[node.partial_name])
        elif isinstance(node, URLNode):
            if node.asvar:
                _refuse("{% url ... as name %}")
            for expression in (node.view_name, *node.args, *node.kwargs.values()):
                _check_expression(expression, names)
        elif isinstance(node, StaticNode):
            if node.varname:
                _refuse("{% static ... as name %}")
            _check_expression(node.path, names)
        elif isinstance(node, VariableNode):
            _check_expression(node.filter_expression, names)
        else:
            _refuse(f"{type(node).__name__} ({node.token.contents if node.token else node})")


@register.tag
def kept(parser, token):
    """`{% kept name=value ... %}...{% endkept %}`: see the module's docstring."""
    bits = token.split_contents()[1:]
    values = token_kwargs(bits, parser, support_legacy=False)
    if not values or bits:
        raise template.TemplateSyntaxError("{% kept %} takes name=value pairs, at least one")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    _check(nodelist, set(values), {})
    return KeptNode(nodelist, values)


@register.tag
def live(parser, token):
    """`{% live %}...{% endlive %}`: drawn on every render, inside a `{% kept %}` part."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% live %} takes no arguments")
    nodelist = parser.parse(("endlive",))
    parser.delete_first_token()
    return LiveNode(nodelist)
