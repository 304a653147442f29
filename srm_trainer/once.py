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
page, and its save a second question, quiz or cohort. Asked for at the same address, the
server knows the page (`claimed`) and what it made (`remember_save`, `mine`). A create view
opens its page through `page` (a redirect to an address with a token, the token, or what that
page made already: the view opens it, saying so), and a save from a page that saved already
tells a double send (`changed` False) from the kept page sent again with edits (True).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

T = TypeVar("T")

KEPT = 24 * 60 * 60  # seconds a claim is remembered: longer than a page is left open
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # what `new_token` makes (and a little more)
_CLAIMED = re.compile(r"[A-Za-z0-9_-]{16,64}(\.[0-9]{1,20})?")  # one, or one and a row's key


def new_token() -> str:
    return secrets.token_urlsafe(12)


def _key(kind: str, token: str) -> str | None:
    """The cache key for `token`, or None when it is not one `new_token` could make: a posted
    token is whatever the client sent, and a NUL in it is an error on PostgreSQL (the database
    cache's key column), spaces or control characters a warning from every cache. Such a token
    is treated as none. (A question's copy claims the page's token with the question's key.)"""
    return f"{kind}:{token}" if _CLAIMED.fullmatch(token or "") else None


def claim(token: str, seconds: int = KEPT) -> bool:
    """True for the first save that sends `token` (or for none, or one no page carries), False
    for every later one within `seconds`."""
    key = _key("once", token)
    return key is None or bool(cache.add(key, True, seconds))


def release(token: str) -> None:
    """A save that was refused wrote nothing: its token may be claimed again."""
    if key := _key("once", token):
        cache.delete(key)


def from_address(value: str) -> str:
    """A token read from a page's address, or "" when it is not one `new_token` could make
    (typed by hand, cut short): the page is then given a new one."""
    return value if _TOKEN.fullmatch(value or "") else ""


def claimed(token: str) -> bool:
    """Whether a save has claimed `token` (without claiming it)."""
    key = _key("once", token)
    return key is not None and cache.get(key) is not None


def remember(token: str, made: dict, seconds: int = KEPT) -> None:
    """Keep what the save that claimed `token` made (ids, not objects), as long as the claim."""
    if key := _key("once-made", token):
        cache.set(key, made, seconds)


def made(token: str) -> dict | None:
    """What the save that claimed `token` made (`remember`), or None if nothing is known."""
    key = _key("once-made", token)
    return cache.get(key) if key else None


def sent(post) -> str:
    """A digest of a posted form without its CSRF token: the same page sent twice unchanged
    (a double click, or Back and Save) gives the same digest; a change gives another."""
    fields = sorted((k, post.getlist(k)) for k in post if k != "csrfmiddlewaretoken")
    return hashlib.sha256(repr(fields).encode()).hexdigest()


def remember_save(request: HttpRequest, token: str, **made_ids) -> None:
    """Keep, for the page whose `token` a save just claimed, what it made (`made_ids`), who
    saved it and a digest of what was sent (`sent`): `mine` and `changed` read them."""
    remember(token, {**made_ids, "user": request.user.pk, "sent": sent(request.POST)})


def mine(request: HttpRequest, token: str) -> dict | None:
    """What the save that claimed `token` made, when the one asking is the one who saved it
    (an address passed to someone else opens nothing of the author's)."""
    kept = made(token)
    return kept if kept and kept.get("user") == request.user.pk else None


def changed(kept: dict, post) -> bool:
    """Whether a page that saved already (`kept`: `mine`) was sent again with edits, rather
    than as it was (a double click, or Back and send unchanged)."""
    return kept.get("sent") != sent(post)


def readdressed(request: HttpRequest, **query: str) -> HttpResponse:
    """A redirect to this page's address with a new token (and `query` in it, e.g. what to
    fill the new page in with)."""
    params = request.GET.copy()
    params["once"] = new_token()
    for key, value in query.items():
        params[key] = value
    return redirect(f"{request.path}?{params.urlencode()}")


def page(
    request: HttpRequest, found: Callable[[dict], T | None]
) -> tuple[str, T | None] | HttpResponse:
    """A create page (a GET) known by the token in its address. Returns:
    - `(token, None)`: a page not saved yet, to draw with `token` in its form;
    - `(token, made)`: the page saved already and `found(kept)` is what it made (still there,
      still the asker's to change): the view opens that, saying so, not a blank page the
      browser would fill in again with what was typed;
    - a redirect to the address with a new token: none in it, one typed by hand, or one whose
      save is not the asker's or made something gone since.

    Why this and not a page the browser may not restore (`autocomplete="off"`, `no-store`):
    filling a page in again is what keeps an author's typing when they leave it unsaved by
    mistake and come Back, and `no-store` still lets Chromium fill a fresh page in."""
    token = from_address(request.GET.get("once", ""))
    if token and not claimed(token):
        return token, None
    kept = mine(request, token) if token else None
    thing = found(kept) if kept else None
    if thing is not None:
        return token, thing
    return readdressed(request)


def field() -> forms.CharField:
    """The hidden field that carries the token: give it `new_token()` as its initial value."""
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
