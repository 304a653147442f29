"""Parts of a page drawn once per process for what many visitors open alike (the sandbox's
example and presets, a lab's starter, a shared link): drawn from the page's own template
partials, then kept by the caller (a bounded `lru_cache`) under a key that holds everything the
drawing depends on, the inputs plus `partials(...)` and `where()` below.

Not kept_fragments' `Keeping`: these keys are objects (a sandbox state, a lab case equal by its
permalink token, compiled templates by identity), which its key rule refuses; they hold the whole
input, so nothing read from rows can go stale under them (the reason for its transaction rule);
and the sandbox's example makes a new key every second, which in a store that drops the oldest
first would push out the presets in use, where an `lru_cache` keeps the recently used."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from django.template import Context, Engine
from django.utils import translation
from django.utils.safestring import SafeString

from srm_trainer.kept_urls import links


def partials(template: str, parts: Sequence[str]) -> tuple:
    """The compiled partials `template#part` (the backend's wrapper is new on every lookup;
    a development server's template reload compiles new ones, so they belong in the key)."""
    engine = Engine.get_default()
    return tuple(engine.get_template(f"{template}#{part}") for part in parts)


def where() -> tuple:
    """What else a drawing's addresses and words depend on: the script prefix, the URLconf
    and the language (the first two read once per request: `kept_urls.links`)."""
    return *links(), translation.get_language()


def draw(names: Sequence[str], templates: Sequence, context: dict) -> Mapping[str, SafeString]:
    """Each template drawn with `context`, by name; read-only, as every request shares it."""
    return MappingProxyType(
        {name: t.render(Context(context)) for name, t in zip(names, templates, strict=True)}
    )
