"""An account's e-mail address as a superuser sets it in the admin, in step with allauth's.

allauth keeps an account's addresses as `EmailAddress` rows (at most one primary, each verified
or not), mails notes and reset links to them, and lists them on the account's E-mail page;
`User.email` is its copy of the primary one. The admin's e-mail box changed only the copy, so
the account then had two addresses that disagreed: the page showed the old one as primary and
verified, notes went to it, and a reset asked for the new one went to the new one too.

`set_address` (the admin's save calls it; only superusers have the box) makes the change the
way the owner's own change reads:

- the new address becomes the primary one, *unverified* (a superuser typing it proves nothing
  about who reads it) unless the owner already verified it on this account, and gets the usual
  link to verify it;
- the old one stays on the account as a second address, as verified as it was. It is the one
  address the owner proved: if the new one was mistyped, or was not the owner's wish, reset
  links and the note still reach the owner there, and the owner can make it primary again on
  the E-mail page (a verified address may always be made primary). This is also what allauth
  does when the owner makes another address primary. An address that must stop working (lost,
  given to someone else) is removed under the admin's "E-mail addresses", or the box is cleared
  first;
- the owner is told at the old address, under the subject of the owner's own change, that an
  administrator made it: allauth's note for that says "if it was not you, someone else can get
  into your account", which is not so here.

Clearing the box removes every address of the account: the admin's page then says "no address",
and so does every place allauth looks, so no reset link or note goes anywhere (keeping the old
ones, as a change does, would keep sending them reset links while the admin's page shows none).
Each address removed is told so, the last message sent to it.

Both are recorded in the audit log, with the addresses before and after.

allauth's own "E-mail addresses" admin page edited the rows alone (its address, primary and
verified boxes, and a new row), so `User.email` and the rows disagreed again; the page is now
read-only (accounts/admin.py) and says to change the address on the account's user page. What it
still does is remove a second address (`remove_address`), as the owner can on the E-mail page,
told and recorded the same way; the primary one is changed or cleared on the user page.
"""

from __future__ import annotations

from allauth.account import signals
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core import context
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from srm_trainer.accounts.audit import record_user_event

CHANGED_BY_ADMIN = "e-mail address changed by an administrator"
REMOVED_BY_ADMIN = "e-mail addresses removed by an administrator"
CHANGED_NOTE = "account/email/email_changed_by_admin"
ADDRESS_REMOVED_BY_ADMIN = "e-mail address removed by an administrator"
REMOVED_NOTE = "account/email/email_removed_by_admin"


def set_address(*, request: HttpRequest, user, email: str) -> str:
    """Make `email` (or no address, when empty) the account's address in `User.email` and in
    allauth's records, tell the owner and record it (see the module's docstring). Returns what
    was done, in a sentence for the admin's message; "" when the address was the account's
    already (in another case: allauth keeps addresses in lower case)."""
    email = email.strip().lower()
    previous = get_user_model().objects.values_list("email", flat=True).get(pk=user.pk)
    with context.request_context(request):
        if not email:
            return _remove_all(request, user, previous)
        return _change(request, user, previous, email)


def _change(request: HttpRequest, user, previous: str, email: str) -> str:
    addresses = {row.email.lower(): row for row in EmailAddress.objects.filter(user=user)}
    old_primary = next((row for row in addresses.values() if row.primary), None)
    new = addresses.get(email)
    if new is None:
        new = EmailAddress(user=user, email=email, verified=False, primary=False)
    same = previous.lower() == email and (old_primary is None or old_primary == new)
    # The old address stays on the account; one kept only in User.email gets its row.
    old = old_primary
    if old is None and previous and previous.lower() != email:
        old = EmailAddress.objects.create(
            user=user, email=previous.lower(), verified=False, primary=False
        )
    EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
    new.primary = True
    new.save()
    user.email = email
    user.save(update_fields=["email"])
    if same:
        return ""

    name = user.get_username()
    said = [f"{name}'s e-mail address is now {email}"]
    if new.verified:
        said[0] += " (its owner verified it already)."
    else:
        new.send_confirmation(request)
        said[0] += ", unverified: a link to verify it was sent there."
    if old is not None and old != new:
        signals.email_changed.send(
            sender=EmailAddress,
            request=request,
            user=user,
            from_email_address=old,
            to_email_address=new,
        )
        get_adapter(request).send_notification_mail(
            CHANGED_NOTE,
            user,
            {"user": user, "from_email": old.email, "to_email": email, "verified": new.verified},
            email=old.email,
        )
        said.append(
            f"{name} was told at {old.email}, which stays on the account as a second address."
        )
    record_user_event(
        request=request,
        user=user,
        event=CHANGED_BY_ADMIN,
        changes={"email": [old.email if old is not None else previous, email]},
    )
    return " ".join(said)


def _remove_all(request: HttpRequest, user, previous: str) -> str:
    removed = sorted({row.email for row in EmailAddress.objects.filter(user=user)})
    if previous and previous.lower() not in {address.lower() for address in removed}:
        removed.insert(0, previous)
    EmailAddress.objects.filter(user=user).delete()
    user.email = ""
    user.save(update_fields=["email"])
    if not removed:
        return ""
    for address in removed:
        get_adapter(request).send_notification_mail(
            REMOVED_NOTE, user, {"user": user, "deleted_email": address, "left": []}, email=address
        )
    record_user_event(
        request=request,
        user=user,
        event=REMOVED_BY_ADMIN,
        changes={"email": [", ".join(removed), ""]},
    )
    listed = ", ".join(removed)
    return (
        f"{user.get_username()} has no e-mail address now: nothing is mailed to the account."
        f" Removed and told so: {listed}."
    )


class PrimaryAddress(ValueError):
    """`remove_address` was asked to remove the account's primary address."""


def is_primary(address: EmailAddress) -> bool:
    """The account's primary address, by allauth's record or by `User.email`: removing either
    alone would leave the other naming an address the account no longer has."""
    return address.primary or address.email.lower() == (address.user.email or "").lower()


def remove_address(*, request: HttpRequest, address: EmailAddress) -> str:
    """Remove one of an account's second addresses, as its owner can on the E-mail page; the
    owner is told at the primary one (at the removed one when there is none) and the removal is
    recorded. Returns what was done, in a sentence for the admin's message. Raises
    `PrimaryAddress` for the primary one: that is changed or cleared on the user page."""
    user = address.user
    if is_primary(address):
        raise PrimaryAddress(address.email)
    before = sorted(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    removed = address.email
    with context.request_context(request):
        address.delete()
        left = [email for email in before if email != removed]
        told = EmailAddress.objects.get_primary_email(user) or user.email or removed
        get_adapter(request).send_notification_mail(
            REMOVED_NOTE,
            user,
            {"user": user, "deleted_email": removed, "left": left},
            email=told,
        )
    record_user_event(
        request=request,
        user=user,
        event=ADDRESS_REMOVED_BY_ADMIN,
        changes={"addresses": [", ".join(before), ", ".join(left)]},
    )
    name = user.get_username()
    return f"Removed {removed} from {name}'s account; {name} was told at {told}."
