"""An account's security keys as each page of a key's ceremony reads them: at most the
`forms.MAX_PASSKEYS` used most recently (the newest added first among keys never used).

allauth decodes every key's credential (~0.85 ms each) to list them to the browser: adding one
(the keys to exclude), "Confirm it's you" and the sign-in's second step (the keys it may use),
and again to find the key that answered. An account may hold more than the ceiling from
before it (adding one was not limited, and a script answers with a software key): 2,000 keys
made each of those pages 1.6-1.8 s of CPU. `install` puts `credentials` and `answering` in
place of allauth's two readers (`allauth.mfa.webauthn.internal.auth`, whose ceremonies call
them through the module), so a ceremony reads at most the ceiling's keys whatever the account
holds; the key list draws the same ones (`KeyListView`) and says how many it leaves out. A
key past them is still the account's, and is asked for again once it is among them (after
another is removed): docs/accounts.md, "Security keys past the ceiling".
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
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
