"""Forms that create something, sent once however often the browser sends them.

A double click on "Create" sends the form twice (the browser drops the first answer, not the
request), and so does Back followed by sending the page again: each made one more quiz,
question or cohort. The page carries a random token (`new_token`, a hidden field); the save
that claims it first (`claim`, an atomic add to the shared cache, which every process sees)
writes, and any later one is told it was done already. A post without a token (a script, a
page drawn before this) is not asked.

A page whose Back must not make a second one also keeps its token in its address
(`from_address`): a browser that does not keep the page (no back/forward cache) asks for it
again when Back is pressed and fills in what was typed, so a token drawn afresh would be a new
page, and its save a second question. Asked for at the same address, the server knows the page
(`claimed`) and what it made (`remember`, `made`).
"""

from __future__ import annotations

import hashlib
import re
import secrets

from django import forms
from django.core.cache import cache

KEPT = 24 * 60 * 60  # seconds a claim is remembered: longer than a page is left open
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # what `new_token` makes (and a little more)


def new_token() -> str:
    return secrets.token_urlsafe(12)


def claim(token: str, seconds: int = KEPT) -> bool:
    """True for the first save that sends `token` (or for none), False for every later one
    within `seconds`."""
    if not token:
        return True
    return bool(cache.add(f"once:{token[:64]}", True, seconds))


def release(token: str) -> None:
    """A save that was refused wrote nothing: its token may be claimed again."""
    cache.delete(f"once:{token[:64]}")


def from_address(value: str) -> str:
    """A token read from a page's address, or "" when it is not one `new_token` could make
    (typed by hand, cut short): the page is then given a new one."""
    return value if _TOKEN.fullmatch(value or "") else ""


def claimed(token: str) -> bool:
    """Whether a save has claimed `token` (without claiming it)."""
    return bool(token) and cache.get(f"once:{token[:64]}") is not None


def remember(token: str, made: dict, seconds: int = KEPT) -> None:
    """Keep what the save that claimed `token` made (ids, not objects), as long as the claim."""
    if token:
        cache.set(f"once-made:{token[:64]}", made, seconds)


def made(token: str) -> dict | None:
    """What the save that claimed `token` made (`remember`), or None if nothing is known."""
    return cache.get(f"once-made:{token[:64]}") if token else None


def sent(post) -> str:
    """A digest of a posted form without its CSRF token: the same page sent twice unchanged
    (a double click, or Back and Save) gives the same digest; a change gives another."""
    fields = sorted((k, post.getlist(k)) for k in post if k != "csrfmiddlewaretoken")
    return hashlib.sha256(repr(fields).encode()).hexdigest()


def field() -> forms.CharField:
    """The hidden field that carries the token: give it `new_token()` as its initial value."""
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
