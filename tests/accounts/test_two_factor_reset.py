"""Who resets someone's two-factor sign-in, said on their page in the admin: the superuser, by
deleting their authenticators (no role holds a permission on them, docs/accounts.md). An
everyday admin looking for it on a user's page found nothing, and the refusal at the
authenticators' list only said the page was not theirs."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model

from tests.conftest import give_mfa

pytestmark = pytest.mark.django_db


def _two_factor(client, user) -> BeautifulSoup | None:
    response = client.get(f"/admin/auth/user/{user.pk}/change/")
    assert response.status_code == 200
    page = BeautifulSoup(response.content.decode(), "html.parser")
    heading = page.find("h2", string="Two-factor sign-in")
    return heading.find_parent("fieldset") if heading else None


def test_an_everyday_admin_is_told_a_superuser_resets_two_factor(client, everyday_admin, learner):
    give_mfa(learner)
    note = _two_factor(client, learner)
    assert note is not None
    said = " ".join(note.get_text(" ").split())
    assert "Only a superuser can reset someone's two-factor sign-in" in said
    # Nothing they may not open, and nothing of the authenticators, which are not theirs to read.
    assert note.find("a") is None
    assert "On:" not in said and "Not set up" not in said
    assert client.get("/admin/mfa/authenticator/").status_code == 403


def test_the_superuser_sees_whether_it_is_on_and_reaches_that_persons_authenticators(
    admin_client, learner
):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    other = get_user_model().objects.create_user("bob", password="a-long-passphrase-2")
    give_mfa(learner)
    RecoveryCodes.activate(learner)
    give_mfa(other)
    note = _two_factor(admin_client, learner)
    assert note is not None
    said = " ".join(note.get_text(" ").split())
    assert said.startswith("Two-factor sign-in On: an authenticator app and recovery codes.")
    assert "Only a superuser" not in said
    listed = admin_client.get(note.find("a", string="their authenticators")["href"])
    assert listed.status_code == 200
    rows = BeautifulSoup(listed.content.decode(), "html.parser").select("#result_list tbody tr")
    owners = {row.select_one(".field-user").get_text(strip=True) for row in rows}
    assert len(rows) == 2 and owners == {"ada"}

    nobody = get_user_model().objects.create_user("cy", password="a-long-passphrase-3")
    said = " ".join(_two_factor(admin_client, nobody).get_text(" ").split())
    assert "Not set up." in said


def _learner_with_address(learner):
    from allauth.account.models import EmailAddress

    learner.email = "ada@example.org"
    learner.save(update_fields=["email"])
    EmailAddress.objects.create(user=learner, email=learner.email, verified=True, primary=True)


def test_the_owner_is_told_when_the_superuser_resets_their_two_factor(admin_client, learner):
    """allauth mails the owner of a change made on their own pages only: a reset in the admin
    reached no one, so a reset they never asked for went unnoticed until their next sign-in."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from django.core import mail

    _learner_with_address(learner)
    give_mfa(learner)
    RecoveryCodes.activate(learner)
    app = Authenticator.objects.get(user=learner, type=Authenticator.Type.TOTP)
    mail.outbox.clear()
    response = admin_client.post(
        f"/admin/mfa/authenticator/{app.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    note = mail.outbox[0]
    assert "two-factor sign-in was reset" in note.subject
    body = " ".join(note.body.split())
    assert "An administrator of the site made this change to your account, ada" in body
    assert "your authenticator app was removed" in body
    assert "Your account keeps recovery codes." in body
    assert "If you did not ask for this" in body


def test_a_reset_of_several_people_at_once_tells_each_what_they_lost(admin_client, learner):
    from allauth.mfa.models import Authenticator
    from django.core import mail

    _learner_with_address(learner)
    other = get_user_model().objects.create_user("bob", "bob@example.org", "a-long-passphrase-2")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=other, email=other.email, verified=True, primary=True)
    give_mfa(learner)
    give_mfa(other)
    chosen = Authenticator.objects.filter(user__in=[learner, other])
    mail.outbox.clear()
    admin_client.post(
        "/admin/mfa/authenticator/",
        {"action": "delete_selected", "_selected_action": [a.pk for a in chosen], "post": "yes"},
    )
    assert not Authenticator.objects.filter(user__in=[learner, other]).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "bob@example.org"]
    for note in mail.outbox:
        body = " ".join(note.body.split())
        assert "your authenticator app was removed" in body
        assert "You now sign in with your password alone" in body
