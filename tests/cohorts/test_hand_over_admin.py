""" "Hand over teaching…" in the admin: `manage.py hand_over_teaching` (cohorts/handover.py) for
admins, on a user's page, with a confirmation page listing what moves (docs/admin.md)."""

from __future__ import annotations

import html
import re

import pytest
from auditlog.models import LogEntry
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse

from cohorts import services
from cohorts.models import Cohort
from tests.conftest import give_mfa
from tests.test_admin_names import controls

pytestmark = pytest.mark.django_db


def _url(user) -> str:
    return reverse("admin:auth_user_hand_over", args=[user.pk])


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _confirm(to) -> dict:
    """The confirmation as the page sends it once it has shown what moves to `to`."""
    return {"to": to.pk, "previewed": to.pk, "confirm": f"Yes, hand it all to {to}"}


def test_the_page_of_someone_owning_teaching_offers_the_hand_over(
    client, everyday_admin, cohort, owner, learner
):
    page = client.get(reverse("admin:auth_user_change", args=[owner.pk]))
    assert f'href="{_url(owner)}"' in page.content.decode()
    assert "Hand over teaching…" in _text(page)
    page = client.get(reverse("admin:auth_user_change", args=[learner.pk]))
    assert "Hand over teaching…" not in _text(page)  # a learner owns nothing to hand over


def test_staff_without_the_change_permission_cannot_open_or_post_it(
    client, cohort, owner, other_instructor
):
    viewer = get_user_model().objects.create_user("vic", password="a-long-pass-9", is_staff=True)
    give_mfa(viewer)
    client.force_login(viewer)
    assert client.get(_url(owner)).status_code == 403
    assert client.post(_url(owner), {"to": other_instructor.pk}).status_code == 403
    cohort.refresh_from_db()
    assert cohort.owner == owner


def test_the_confirmation_page_lists_what_moves_and_what_is_renamed(
    client, everyday_admin, cohort, published, owner, other_instructor
):
    """Ines has "Spring class" and an archived "Autumn class"; Otto has a "Spring class" of
    his own: the page counts both cohorts (1 current, 1 archived), the quiz and its two
    questions, and says hers will be "Spring class (ines)", as the command would."""
    services.cohort_archive(cohort=services.cohort_create(owner=owner, name="Autumn class"))
    services.cohort_create(owner=other_instructor, name="Spring class")
    page = _text(client.get(_url(owner), {"to": other_instructor.pk}))
    assert "2 cohorts (1 current, 1 archived)" in page
    assert "1 quiz<" in page and "2 questions" in page and "0 scenarios" in page
    assert "“Spring class” is now “Spring class (ines)”" in page
    assert 'name="csrfmiddlewaretoken"' in page and "Yes, hand it all to otto" in page
    assert Cohort.objects.get(name="Spring class", owner=owner)  # nothing moved yet


def test_the_select_lists_only_instructors_other_than_the_one_leaving(
    client, everyday_admin, cohort, owner, co_instructor, other_instructor, learner
):
    page = client.get(_url(owner)).content.decode()
    offered = set(re.findall(r'<option value="\d+">([^<]+)</option>', page))
    assert {"colm", "otto"} <= offered and not {"ines", "ada"} & offered
    assert "2 questions" not in page  # no quiz: the cohort alone
    assert "1 cohort (1 current, 0 archived)" in html.unescape(page)


def test_the_post_hands_everything_over_and_is_logged(
    client, everyday_admin, cohort, published, owner, co_instructor, other_instructor
):
    page = client.post(_url(owner), _confirm(other_instructor), follow=True)
    assert (
        "Handed over: otto now owns what ines owned: 1 cohort, 1 quiz, 2 questions, 0 scenarios."
        in (_text(page))
    )
    cohort.refresh_from_db()
    published.refresh_from_db()
    assert cohort.owner == other_instructor and published.owner == other_instructor
    assert set(cohort.co_instructors.all()) == {co_instructor}
    assert set(published.questions.values_list("owner", flat=True)) == {other_instructor.pk}
    # The content's audit log (as for the command) names the admin who did it; the user's
    # admin history says what was handed over.
    entry = LogEntry.objects.get_for_object(published).order_by("-pk").first()
    assert entry is not None and entry.actor == everyday_admin
    assert entry.changes_dict["owner"] == [str(owner.pk), str(other_instructor.pk)]
    # So does each cohort's (accounts/audit.py `COHORT_MODELS`).
    moved = LogEntry.objects.get_for_object(cohort).filter(changes__has_key="owner").get()
    assert moved.actor == everyday_admin
    assert moved.changes_dict["owner"] == [str(owner.pk), str(other_instructor.pk)]
    history = AdminLogEntry.objects.get(object_id=str(owner.pk), user=everyday_admin)
    assert "otto now owns what ines owned" in history.get_change_message()


@pytest.mark.parametrize(
    "to, why",
    [
        ("ines", "Hand the teaching to someone else."),
        ("ada", "ada is not an instructor: make them one first"),
    ],
)
def test_a_hand_over_to_oneself_or_a_learner_is_refused_changing_nothing(
    client, everyday_admin, cohort, published, owner, learner, to, why
):
    """Neither is offered in the list; a form sent with them anyway is refused, saying why."""
    target = get_user_model().objects.get(username=to)
    shown = _text(client.get(_url(owner), {"to": target.pk}))
    assert f"Nothing can be handed over: {why}" in shown and "Yes, hand it all" not in shown
    page = _text(client.post(_url(owner), _confirm(target), follow=True))
    assert f"Nothing was handed over: {why}" in page
    cohort.refresh_from_db()
    published.refresh_from_db()
    assert cohort.owner == owner and published.owner == owner


def test_a_choice_that_is_nobody_is_the_forms_error(client, everyday_admin, cohort, owner):
    for sent in ("999999", "otto", "9" * 40, "²"):  # "²": str.isdigit(), not int() (a 500)
        page = _text(client.post(_url(owner), {"to": sent}))
        assert "Select a valid choice" in page
    cohort.refresh_from_db()
    assert cohort.owner == owner


def test_a_confirmation_naming_no_preview_hands_nothing_over(
    client, everyday_admin, cohort, owner, other_instructor
):
    """The instructor previewed is sent back with the confirmation; anything but a number (here
    "²", which `str.isdigit()` takes and `int()` refuses: a 500) is no preview."""
    sent = _confirm(other_instructor) | {"previewed": "²"}
    page = _text(client.post(_url(owner), sent))
    assert "Nothing was handed over: this page had not shown what would move to otto" in page
    cohort.refresh_from_db()
    assert cohort.owner == owner


def test_a_learner_made_instructor_and_learning_in_the_cohort_is_refused_with_why(
    client, everyday_admin, cohort, owner, learner
):
    """Ada is picked while an instructor, but learns in Ines's cohort: refused, saying so."""
    from srm_trainer.accounts.roles import set_instructor

    set_instructor(user=learner, instructor=True)
    shown = _text(client.get(_url(owner), {"to": learner.pk}))
    assert "Nothing can be handed over: ada is a learner in “Spring class”" in shown
    assert "Yes, hand it all" not in shown
    page = _text(client.post(_url(owner), _confirm(learner), follow=True))
    assert "Nothing was handed over: ada is a learner in “Spring class”" in page
    cohort.refresh_from_db()
    assert cohort.owner == owner


def test_someone_who_owns_nothing_has_nothing_to_hand_over(
    client, everyday_admin, other_instructor, co_instructor
):
    page = _text(client.get(_url(other_instructor)))
    assert "otto owns no cohort, quiz, question or scenario: there is nothing to hand over" in page
    assert "Yes, hand it all" not in page
    posted = _text(client.post(_url(other_instructor), _confirm(co_instructor), follow=True))
    assert "Nothing was handed over: otto owns no cohort" in posted


def test_the_page_has_one_heading_and_named_controls(
    client, everyday_admin, cohort, owner, other_instructor
):
    for query in ({}, {"to": other_instructor.pk}):
        page = client.get(_url(owner), query).content.decode()
        assert page.count("<h1") == 1 and "Hand over ines’s teaching</h1>" in page
        found = controls(page)
        assert found.controls and found.unnamed() == [] and found.described_by_nothing() == []


def test_the_remove_actions_warning_links_to_the_hand_over(client, everyday_admin, cohort):
    page = client.post(
        "/admin/auth/user/",
        {"action": "remove_instructor", "_selected_action": [cohort.owner_id]},
        follow=True,
    )
    assert f'<a href="{_url(cohort.owner)}">Hand over teaching…</a>' in page.content.decode()


def _sent_by(page: str, *, choose, press: str) -> dict:
    """What a browser sends from the page's form: its hidden fields, the instructor chosen in
    its list (`choose`, None: as drawn) and the button pressed (its name and value)."""
    from bs4 import BeautifulSoup

    select = BeautifulSoup(page, "html.parser").find("select", attrs={"name": "to"})
    form = select.find_parent("form")
    data = {i["name"]: i["value"] for i in form.find_all("input", type="hidden")}
    drawn = select.find("option", selected=True)
    data["to"] = str(choose.pk) if choose is not None else drawn["value"]
    button = form.find("input", type="submit", attrs={"name": press})
    data[button["name"]] = button["value"]
    return data


def test_confirming_after_choosing_another_instructor_hands_nothing_over_and_shows_them(
    client, everyday_admin, cohort, published, owner, co_instructor, other_instructor
):
    """Shown what moves to otto, the admin picks colm in the list and, without "Show",
    confirms (the button still named otto): neither is handed anything; the page shows what
    moves to colm, and confirming that hands it to colm."""
    shown = client.get(_url(owner), {"to": other_instructor.pk}).content.decode()
    assert 'value="Yes, hand it all to otto"' in shown
    assert "Confirming hands it all to <strong>otto</strong>, as listed above." in shown
    sent = _sent_by(shown, choose=co_instructor, press="confirm")
    assert sent["previewed"] == str(other_instructor.pk) and sent["to"] == str(co_instructor.pk)
    again = client.post(_url(owner), sent)
    assert again.status_code == 200
    said = _text(again)
    assert (
        "Nothing was handed over: the page showed what would move to otto, and colm was chosen "
        "after that. What moves to colm is shown below: confirm again to hand it to them."
    ) in said
    assert 'value="Yes, hand it all to colm"' in said and "hand it all to otto" not in said
    cohort.refresh_from_db()
    published.refresh_from_db()
    assert cohort.owner == owner and published.owner == owner  # nothing moved
    client.post(_url(owner), _sent_by(again.content.decode(), choose=None, press="confirm"))
    cohort.refresh_from_db()
    assert cohort.owner == co_instructor


def test_show_draws_the_preview_of_the_one_chosen_and_a_post_without_one_moves_nothing(
    client, everyday_admin, cohort, owner, co_instructor, other_instructor
):
    shown = client.get(_url(owner), {"to": other_instructor.pk}).content.decode()
    response = client.post(_url(owner), _sent_by(shown, choose=co_instructor, press="show"))
    assert response.status_code == 302 and response["Location"].endswith(f"?to={co_instructor.pk}")
    # A confirmation without the instructor previewed (a page drawn before this check, a
    # script) is treated as a choice not yet shown.
    page = _text(client.post(_url(owner), {"to": other_instructor.pk}))
    assert "Nothing was handed over: this page had not shown what would move to otto." in page
    assert 'value="Yes, hand it all to otto"' in page
    cohort.refresh_from_db()
    assert cohort.owner == owner


@pytest.mark.parametrize("sent", ["abc", "1.5", "%00", "%C3%A9", "18446744073709551616"])
def test_an_address_naming_no_user_goes_home_saying_so(client, everyday_admin, sent):
    # An id that is no number raised ValueError out of the lookup, a 500, GET or POST.
    address = f"/admin/auth/user/{sent}/hand-over/"
    for response in (client.get(address), client.post(address, {"to": "1"})):
        assert response.status_code == 302 and response["Location"] == "/admin/"
    home = _text(client.get("/admin/"))
    assert "doesn’t exist. Perhaps it was deleted?" in home
