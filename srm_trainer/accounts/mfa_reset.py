"""Telling someone their two-factor sign-in was reset in the admin.

The superuser resets it by deleting the person's authenticators (docs/accounts.md). allauth
mails the owner when they remove an app or a key on their own pages, but a delete made in the
admin reached no one: the owner learned of it, if at all, at their next sign-in without a code,
and an account taken over through a reset they never asked for looked the same as one they
had. As with an address changed by an administrator (`addresses.py`), the owner is told what
was removed, what the account keeps, and when.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from allauth.account.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

RESET_NOTE = "mfa/email/reset_by_admin"


def in_words(kinds: list[str]) -> tuple[str, int]:
    """Authenticators of these types said as a person would ("your authenticator app and 2
    security keys"), and how many things that names (for "was" or "were")."""
    keys = kinds.count(Authenticator.Type.WEBAUTHN)
    parts = [
        "your authenticator app" if Authenticator.Type.TOTP in kinds else "",
        f"{keys} security key{'s' if keys > 1 else ''}" if keys else "",
        "your recovery codes" if Authenticator.Type.RECOVERY_CODES in kinds else "",
    ]
    said = [part for part in parts if part]
    text = ", ".join(said[:-1]) + " and " + said[-1] if len(said) > 1 else "".join(said)
    count = (Authenticator.Type.TOTP in kinds) + keys + (Authenticator.Type.RECOVERY_CODES in kinds)
    return text, count


def tell_owners(request: HttpRequest, deleted: Iterable[Authenticator]) -> None:
    """One note to each owner of the `deleted` authenticators (already gone from the database),
    naming what went and what their account keeps."""
    by_owner: dict[int, tuple[object, list[str]]] = {}
    gone: defaultdict[int, list[str]] = defaultdict(list)
    for row in deleted:
        by_owner.setdefault(row.user_id, (row.user, gone[row.user_id]))
        gone[row.user_id].append(row.type)
    for owner_id, (owner, kinds) in by_owner.items():
        removed, count = in_words(kinds)
        kept = list(Authenticator.objects.filter(user_id=owner_id).values_list("type", flat=True))
        left = in_words(kept)[0].replace("your ", "") if kept else ""
        get_adapter(request).send_notification_mail(
            RESET_NOTE,
            owner,
            {"user": owner, "removed": removed, "removed_count": count, "left": left},
        )
