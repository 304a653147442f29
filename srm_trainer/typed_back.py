"""What a refused form held, shown back so the person can copy it: a save sent after the
session ended (signed out in another tab, a password changed in another browser, a long pause)
or refused by the CSRF check (signed in or out elsewhere since the page was drawn). Those pages
said "go back and copy what you typed", but the editors' pages are not kept by the browser
(`never_cache`): Back drew them again from the server, and the typing was gone.

Only the text the person typed is shown (a page's technical fields are left out), bounded, and
escaped as any text is. The CSRF page shows it only for a form posted from this site's own pages
(the browser's `Origin`), so another site cannot put words of its choosing on one of ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

# Fields a page adds itself, not typed: the CSRF token, the edit stamp, the once-token, which
# button was pressed, where to go next, a page's own ids.
TECHNICAL = {"csrfmiddlewaretoken", "seen", "once", "action", "next", "question", "owner"}
# Values a control sends that nobody typed (a ticked box, a radio's or menu's usual values).
NOT_TYPED = {"", "on", "off", "true", "false", "1", "0"}
# A number (a menu's id) or a choice's id (`quizzes.kinds.text_id`): chosen, not typed.
CHOSEN = re.compile(r"\d+|[0-9a-f]{10}")
MAX_FIELDS = 40
MAX_CHARS = 100_000


@dataclass(frozen=True)
class Typed:
    label: str  # the field's name in words ("Choices 2 text")
    value: str


def _label(name: str) -> str:
    """A form field's name in words: parts split at - and _, a formset's row counted from 1."""
    parts = [p for p in re.split(r"[-_]+", name) if p]
    # A row's number is ASCII digits: "²" passes `str.isdigit()` but not `int()` (a 500).
    words = [str(int(p) + 1) if p.isascii() and p.isdigit() and len(p) < 5 else p for p in parts]
    text = " ".join(words) or name
    return text[:1].upper() + text[1:80]


def typed_back(request: HttpRequest) -> list[Typed]:
    """The text fields of the refused POST worth keeping, in the form's order (bounded)."""
    if request.method != "POST":
        return []
    out: list[Typed] = []
    room = MAX_CHARS
    for name in list(request.POST)[:200]:
        if name in TECHNICAL or name.endswith(
            (
                "-TOTAL_FORMS",
                "-INITIAL_FORMS",
                "-MIN_NUM_FORMS",
                "-MAX_NUM_FORMS",
                "-id",
                "-DELETE",
                "-ORDER",
            )
        ):
            continue
        for value in request.POST.getlist(name)[:20]:
            if value.strip().lower() in NOT_TYPED or CHOSEN.fullmatch(value.strip()):
                continue  # a control's value, a number or a choice's id: nothing to copy
            value = value[:room]
            room -= len(value)
            out.append(Typed(_label(name), value))
            if room <= 0 or len(out) >= MAX_FIELDS:
                return out
    return out


def same_site_form(request: HttpRequest) -> bool:
    """Whether the browser says the form was posted from one of this site's pages."""
    origin = request.META.get("HTTP_ORIGIN", "")
    if not origin or origin == "null":
        return False
    own = f"{'https' if request.is_secure() else 'http'}://{request.get_host()}"
    return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS
