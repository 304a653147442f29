"""A refused account form's page opens on its first error (srm_trainer/error_focus.py): the
first field in error (`autofocus`, marked `aria-invalid` and described by its message), or the
form's own message when it has one; never two places, and nothing on a page not refused. And a
mistyped second password is said even when the first password is refused too."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.conftest import give_mfa, sign_in

pytestmark = pytest.mark.django_db


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag of the page, with its attributes."""
    parser = _Elements()
    parser.feed(html)
    return parser.found


def focused_on_load(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """The elements a browser would focus as the page loads (the first wins)."""
    return [(tag, attrs) for tag, attrs in elements(html) if "autofocus" in attrs]


def field_in_error(html: str, name: str) -> dict[str, str | None]:
    """The attributes of the control called `name`, checked to be marked invalid and described
    by its message (an element of the page, with the message's words)."""
    tags = elements(html)
    (attrs,) = [
        a for t, a in tags if t in ("input", "textarea", "select") and a.get("name") == name
    ]
    assert attrs.get("aria-invalid") == "true"
    ids = {a.get("id") for _t, a in tags}
    described = (attrs.get("aria-describedby") or "").split()
    assert f"{attrs['id']}_error" in described
    assert all(i in ids for i in described)
    return attrs


def test_a_refused_sign_up_opens_on_the_password_and_says_both_password_mistakes(client):
    """allauth compared the passwords only once the first passed its rules: "too short" came
    first, and "not the same" only on the next try."""
    page = client.post(
        "/accounts/signup/",
        {"username": "zed", "password1": "short", "password2": "shorter"},
    ).content.decode()
    first = field_in_error(page, "password1")
    field_in_error(page, "password2")
    assert "This password is too short." in page
    assert "You must type the same password each time." in page
    assert focused_on_load(page) == [("input", first)]
    assert first["name"] == "password1"


def test_a_good_password_typed_differently_is_said_once(client):
    page = client.post(
        "/accounts/signup/",
        {"username": "zed", "password1": "a-long-passphrase-9", "password2": "a-long-passphrase"},
    ).content.decode()
    assert page.count("You must type the same password each time.") == 1
    ((tag, attrs),) = focused_on_load(page)
    assert attrs["name"] == "password2"


def test_the_first_field_in_error_takes_the_focus_in_the_forms_order(client, learner):
    page = client.post(
        "/accounts/signup/", {"username": "ada", "password1": "short", "password2": "x"}
    ).content.decode()
    field_in_error(page, "username")
    ((tag, attrs),) = focused_on_load(page)
    assert attrs["name"] == "username"


def test_a_refused_sign_in_opens_on_its_message(client, learner):
    page = client.post("/accounts/login/", {"login": "ada", "password": "wrong"}).content.decode()
    ((tag, attrs),) = focused_on_load(page)
    assert (tag, attrs.get("role"), attrs.get("tabindex")) == ("div", "alert", "-1")
    assert "not correct" in page[page.index("autofocus") :].split("</div>")[0]


def test_pages_not_refused_take_no_focus(client, signed_in):
    """Except the pages that ask for one thing (next test)."""
    for url in ("/accounts/password/change/", "/accounts/delete/"):
        assert focused_on_load(signed_in.get(url).content.decode()) == [], url
    client.logout()
    for url in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        assert focused_on_load(client.get(url).content.decode()) == [], url


@pytest.mark.parametrize(
    ("url", "data", "focused", "also"),
    [
        ("/accounts/reauthenticate/", {"password": "wrong"}, "password", []),
        (
            "/accounts/password/change/",
            {"oldpassword": "wrong", "password1": "short", "password2": "other"},
            "oldpassword",
            ["password1", "password2"],
        ),
        ("/accounts/email/", {"action_add": "", "email": "not an address"}, "email", []),
        ("/accounts/delete/", {"username": "ad"}, "username", []),
    ],
)
def test_a_refused_account_page_opens_on_its_first_field_in_error(
    signed_in, url, data, focused, also
):
    page = signed_in.post(url, data).content.decode()
    attrs = field_in_error(page, focused)
    assert focused_on_load(page) == [("input", attrs)]
    for name in also:
        field_in_error(page, name)


def test_the_code_step_and_confirm_its_you_open_on_their_one_field(client, learner):
    """Pages that ask only for a code or the password again opened at their top, and a
    keyboard user tabbed through the header to reach the field (srm_trainer/accounts/forms.py,
    `OpensOnItsField`). Nothing else on them takes the focus."""
    give_mfa(learner)
    client.post("/accounts/login/", {"login": "ada", "password": "a-long-passphrase-1"})
    page = client.get("/accounts/2fa/authenticate/").content.decode()
    ((tag, attrs),) = focused_on_load(page)
    assert (tag, attrs["name"], attrs["autocomplete"]) == ("input", "code", "one-time-code")
    assert "aria-invalid" not in attrs

    sign_in(client, learner)
    for url, name in (
        ("/accounts/reauthenticate/", "password"),
        ("/accounts/2fa/reauthenticate/", "code"),
    ):
        ((tag, attrs),) = focused_on_load(client.get(url).content.decode())
        assert (tag, attrs["name"]) == ("input", name), url


def test_a_wrong_code_when_confirming_its_you_opens_on_the_code_once(client, learner):
    give_mfa(learner)
    sign_in(client, learner)
    page = client.post("/accounts/2fa/reauthenticate/", {"code": "000000"}).content.decode()
    attrs = field_in_error(page, "code")
    assert focused_on_load(page) == [("input", attrs)]


def test_a_refused_reset_password_opens_on_the_address(client):
    page = client.post("/accounts/password/reset/", {"email": "nope"}).content.decode()
    attrs = field_in_error(page, "email")
    assert focused_on_load(page) == [("input", attrs)]


def test_a_wrong_code_at_the_second_step_opens_on_the_code(client, learner):
    give_mfa(learner)
    client.post("/accounts/login/", {"login": "ada", "password": "a-long-passphrase-1"})
    page = client.post("/accounts/2fa/authenticate/", {"code": "000000"}).content.decode()
    attrs = field_in_error(page, "code")
    assert focused_on_load(page) == [("input", attrs)]


@pytest.mark.parametrize("key", ["change_password", "set_password", "reset_password_from_key"])
def test_every_form_that_sets_a_password_says_both_mistakes(settings, learner, key):
    """The forms allauth takes from ACCOUNT_FORMS for a new password (its reset link's page
    too) say the mistyped second password beside a refused first one."""
    from django.utils.module_loading import import_string

    form_class = import_string(settings.ACCOUNT_FORMS[key])
    data = {"oldpassword": "a-long-passphrase-1", "password1": "short", "password2": "other"}
    form = form_class(data=data, user=learner)
    assert not form.is_valid()
    assert "password1" in form.errors
    assert "You must type the same password each time." in form.errors["password2"]
    same = form_class(data={**data, "password2": "short"}, user=learner)
    assert not same.is_valid() and "password2" not in same.errors
