"""A recovery code used, to sign in or to confirm it is the owner, is told: on the next page, with
how many are left, and by mail to the owner's address as every other change to two-factor
sign-in is. allauth said nothing either way, so the owner of codes someone else had read learned
of it only when they ran out, and a learner down to their last code was not told to make more."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.contrib import messages

USED_NOTE = "mfa/email/recovery_code_used"
FEW_LEFT = 3  # at or below this, the page says to make a new set


def left_sentence(left: int) -> str:
    codes = "recovery code" if left == 1 else "recovery codes"
    if left == 0:
        return (
            "You have no recovery codes left: make a new set under Account, "
            '"Two-factor authentication".'
        )
    if left <= FEW_LEFT:
        return (
            f"You have {left} {codes} left: make a new set soon, under Account, "
            '"Two-factor authentication".'
        )
    return f"You have {left} {codes} left."


def on_authenticator_used(sender, request, user, authenticator, **kwargs) -> None:
    if authenticator.type != Authenticator.Type.RECOVERY_CODES:
        return
    # Read again: the instance sent is not the one whose code was just marked used.
    fresh = Authenticator.objects.get(pk=authenticator.pk)
    left = len(fresh.wrap().get_unused_codes())
    reauthenticated = bool(kwargs.get("reauthenticated"))
    messages.info(request, f"You used a recovery code. {left_sentence(left)}")
    get_adapter(request).send_notification_mail(
        USED_NOTE, user, {"left": left, "reauthenticated": reauthenticated}
    )
