"""`{% kept %}`: a part of a template drawn once for each combination of a few values and
kept per process, with `{% live %}` holes drawn afresh on every render (a template builtin,
settings.TEMPLATES).

The page header (templates/base.html) is the same for every visitor on the same page in the
same role: a dozen links, each with an `{% if %}` asking whether it is the current page,
about half of the page frame's time. Only the Review badge, the username, the CSRF token, the
sign-in links' `next=` and the search box's text change between two such renders. So:

    {% kept here=request.resolver_match.url_name signed_in=user.is_authenticated %}
      <a href="{% url 'home' %}"{% if here == 'home' %} aria-current="page"{% endif %}>Learn</a>
      <strong>{% live %}{{ user.get_username }}{% endlive %}</strong>
    {% endkept %}

The named values are set for the part as `{% with %}` sets them, and with the script prefix,
URLconf, current namespace and autoescaping they are the key of what is kept. Outside its
`{% live %}` holes a kept part may hold only text, `{% if %}` on its own names and literals,
`{% url %}` and `{% static %}` of literals, and its own names printed: anything else (another
variable, a filter, a loop, an include, a translation) is a TemplateSyntaxError when the
template is compiled, so nothing of one visitor's can be kept and shown to another. A hole
sees the template's context plus the part's names (it must not rely on a `{% with %}` or
`{% for %}` of the part around it, which the parser refuses anyway).

The first render of a key draws the whole part, each hole standing in as a marker, and keeps
the text between the markers; later renders draw only the holes and join. What is kept lives
on the compiled template's node (a template compiled again starts afresh), at most MAX_KEPT
keys a node, and is forgotten when a setting changes (tests: URLconf, static storage).
"""

from __future__ import annotations

import secrets

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

from srm_trainer.kept_urls import current_app, where

register = template.Library()

MAX_KEPT = 256
# Where a hole was, in the first render's text: random per process, so no text can hold it.
_MARK = f"\x00kept-hole-{secrets.token_hex(16)}\x00"
_RECORDING = "srm_trainer.kept_fragments.recording"
_ABSENT = object()
_generation = 0  # bumped when a setting changes: every node's kept parts are then stale


def _forget(**kwargs) -> None:
    global _generation
    _generation += 1


setting_changed.connect(_forget, dispatch_uid="srm-kept-fragments")


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
        self._kept: dict[tuple, tuple[tuple[str, ...], tuple[LiveNode, ...]]] = {}
        self._generation = _generation

    def render(self, context) -> str:
        values = {name: value.resolve(context) for name, value in self.values.items()}
        # With what else a kept link depends on, as `{% url %}` reverses it (kept_urls).
        key = (tuple(values.values()), context.autoescape, current_app(context), *where(context))
        if self._generation != _generation:
            self._kept, self._generation = {}, _generation
        try:
            kept = self._kept.get(key)
        except TypeError:  # a value that cannot be a key: drawn as it is, every time
            with context.push(**values):
                return self.nodelist.render(context)
        with context.push(**values):
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
        if len(self._kept) < MAX_KEPT:
            self._kept[key] = (texts, tuple(hole for hole, _ in recording))
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


def _check(nodelist: NodeList, names: set[str]) -> None:
    """Refuse anything whose text could differ between two renders with the same key."""
    for node in nodelist:
        if isinstance(node, (TextNode, CommentNode, LiveNode)):
            continue
        if isinstance(node, IfNode):
            for condition, body in node.conditions_nodelists:
                if condition is not None:
                    _check_condition(condition, names)
                _check(body, names)
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
    _check(nodelist, set(values))
    return KeptNode(nodelist, values)


@register.tag
def live(parser, token):
    """`{% live %}...{% endlive %}`: drawn on every render, inside a `{% kept %}` part."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% live %} takes no arguments")
    nodelist = parser.parse(("endlive",))
    parser.delete_first_token()
    return LiveNode(nodelist)
