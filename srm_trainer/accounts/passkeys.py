"""An account's security keys as each page of a key's ceremony reads them: at most the
`forms.MAX_PASSKEYS` used most recently (the newest added first among keys never used).

allauth decodes every key's credential (~0.85 ms each) to list them to the browser: adding one
(the keys to exclude), "Confirm it's you" and the sign-in's second step (the keys it may use),
and again to find the key that answered. An account may hold more than the ceiling from
before it (adding one was not limited, and a script answers with a software key): 2,000 keys
made each of those pages 1.6-1.8 s of CPU. `install` puts `credentials` and `answering` in
place of allauth's two readers (`allauth.mfa.webauthn.internal.auth`, whose ceremonies call
them through the module), so a ceremony reads at most the ceiling's keys whatever the account
holds; the key list draws the same ones (`KeyListView`) and says how many it leaves out, and
the two-factor page reads them alone to say how many there are (`TwoFactorView`). A
key past them is still the account's, and is asked for again once it is among them (after
another is removed): docs/accounts.md, "Security keys past the ceiling".
"""

from __future__ import annotations

from allauth.mfa import app_settings
from allauth.mfa.base.views import IndexView
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from allauth.mfa.webauthn.views import ListWebAuthnView
from django.db.models import F, QuerySet

from srm_trainer.accounts.forms import MAX_PASSKEYS


def offered(user_id) -> QuerySet[Authenticator]:
    """The keys a ceremony offers: at most `MAX_PASSKEYS`, the most recently used first."""
    keys = Authenticator.objects.filter(user_id=user_id, type=Authenticator.Type.WEBAUTHN)
    order = (F("last_used_at").desc(nulls_last=True), "-created_at", "-pk")
    return keys.order_by(*order)[:MAX_PASSKEYS]


def credentials(user) -> list:
    """allauth's `get_credentials`, over the keys `offered`."""
    found = []
    for key in offered(user.pk):
        data = key.wrap().authenticator_data.credential_data
        if data:
            found.append(data)
    return found


def answering(user, credential_id: bytes) -> Authenticator | None:
    """allauth's `get_authenticator_by_credential_id`, among the keys `offered`."""
    for key in offered(user.pk):
        data = key.wrap().authenticator_data.credential_data
        if data and data.credential_id == credential_id:
            return key
    return None


def install() -> None:
    """Put `credentials` and `answering` in place of allauth's readers (once, at start-up)."""
    from allauth.mfa.webauthn.internal import auth

    auth.get_credentials = credentials
    auth.get_authenticator_by_credential_id = answering


class KeyListView(ListWebAuthnView):
    """allauth's list of security keys, over the keys `offered`, and how many the account
    holds, for the sentence that says when some are left out."""

    def get_queryset(self):
        return offered(self.request.user.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = len(context["authenticators"])
        total = shown
        if shown == MAX_PASSKEYS:
            total = Authenticator.objects.filter(
                user_id=self.request.user.pk, type=Authenticator.Type.WEBAUTHN
            ).count()
        return {**context, "keys_held": total, "keys_not_shown": total - shown}


key_list = KeyListView.as_view()


class Held(list):
    """The keys `offered`, as a list whose length is how many the account holds: what the
    two-factor page's sentence counts ("You have added 5,000 security keys.")."""

    def __init__(self, keys, total: int) -> None:
        super().__init__(keys)
        self.total = total

    def __len__(self) -> int:
        return self.total


class TwoFactorView(IndexView):
    """allauth's two-factor page, reading the keys `offered` (and counting the rest) where it
    read and wrapped every key to count them (5,000: 70 ms of CPU)."""

    def get_context_data(self, **kwargs) -> dict:
        """allauth's (`IndexView.get_context_data`), its keys read as `offered`."""
        context = super(IndexView, self).get_context_data(**kwargs)  # TemplateView's
        user_id = self.request.user.pk
        others = Authenticator.objects.filter(user_id=user_id).exclude(
            type=Authenticator.Type.WEBAUTHN
        )
        found: dict = {key.type: key.wrap() for key in others}
        keys = [key.wrap() for key in offered(user_id)]
        if keys:
            total = len(keys)
            if total == MAX_PASSKEYS:
                total = Authenticator.objects.filter(
                    user_id=user_id, type=Authenticator.Type.WEBAUTHN
                ).count()
            found[Authenticator.Type.WEBAUTHN] = Held(keys, total)
        return {
            **context,
            "authenticators": found,
            "MFA_SUPPORTED_TYPES": app_settings.SUPPORTED_TYPES,
            "MFA_RECOVERY_CODES_SHOW_ONCE": app_settings.RECOVERY_CODES_SHOW_ONCE,
            "is_mfa_enabled": is_mfa_enabled(self.request.user),
        }


two_factor = TwoFactorView.as_view()
