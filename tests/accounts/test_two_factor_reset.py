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
