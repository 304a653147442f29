"""Forms that create something, sent once however often the browser sends them.

A double click on "Create" sends the form twice (the browser drops the first answer, not the
request), and so does Back followed by sending the page again: each made one more quiz,
question or cohort. The page carries a random token (`new_token`, a hidden field); the save
that claims it first (`claim`, an atomic add to the shared cache, which every process sees)
writes, and any later one is told it was done already. A post without a token (a script, a
page drawn before this) is not asked.
"""

from __future__ import annotations

import secrets

from django import forms
from django.core.cache import cache

KEPT = 24 * 60 * 60  # seconds a claim is remembered: longer than a page is left open


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


def field() -> forms.CharField:
    """The hidden field that carries the token: give it `new_token()` as its initial value."""
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
