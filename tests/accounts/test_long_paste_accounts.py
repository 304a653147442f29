"""The account pages' one-line fields leave their limit to the server
(`typed_text.LimitsOnServer`): a `maxlength` (a username's 150 characters, an address's 320)
made the browser cut a longer paste without a word, so a pasted address was sent without its
end and a username typed past the limit was taken as its first 150 characters."""

from __future__ import annotations

import re
from html import unescape

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def cut_by_the_browser(page: str) -> list[str]:
    """The inputs with a `maxlength`, search boxes apart (a search reads its first
    characters, a limit of its own)."""
    inputs = re.findall(r"<input[^>]*>", page)
    return [i for i in inputs if "maxlength" in i and 'type="search"' not in i]


def said(response) -> str:
    return " ".join(unescape(response.content.decode()).split())


@pytest.mark.parametrize(
    "url", ["/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"]
)
def test_the_signed_out_pages_draw_no_maxlength(client, url):
    page = client.get(url).content.decode()
    assert "<input" in page and cut_by_the_browser(page) == []


@pytest.mark.parametrize("url", ["/accounts/email/", "/accounts/delete/"])
def test_the_signed_in_pages_draw_no_maxlength(signed_in, url):
    page = signed_in.get(url).content.decode()
    assert "<input" in page and cut_by_the_browser(page) == []


def test_a_username_pasted_past_its_limit_is_refused_with_its_length(client):
    pasted = "ada" * 51
    response = client.post(
        "/accounts/signup/",
        {"username": pasted, "email": "", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert f"This is {len(pasted)} characters long; it takes at most 150. Nothing was cut" in said(
        response
    )
    assert f'value="{pasted}"' in response.content.decode()
    assert not get_user_model().objects.filter(username__startswith="adaada").exists()


def test_an_address_pasted_past_its_limit_is_refused_and_the_addresses_kept(signed_in, learner):
    before = set(EmailAddress.objects.filter(user=learner).values_list("email", flat=True))
    pasted = "ada." + "lovelace." * 35 + "x@example.com"
    assert len(pasted) > 320
    response = signed_in.post("/accounts/email/", {"action_add": "", "email": pasted})
    assert response.status_code == 200
    assert f"This is {len(pasted)} characters long; it takes at most 320." in said(response)
    after = set(EmailAddress.objects.filter(user=learner).values_list("email", flat=True))
    assert after == before
