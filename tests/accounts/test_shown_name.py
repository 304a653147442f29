"""The name a learner chooses to show their instructors (`lessons.shown_names`): set, changed
and cleared on its account page, refused with what is wrong and where, kept nowhere but the
profile, in the learner's data download and gone with the account. Where instructors see it:
tests/cohorts/test_gradebook.py (`test_the_csvs_name_a_learner_as_the_instructors_pages_do...`)
and tests/cohorts/test_shown_name_pages.py."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lessons import shown_names
from lessons.models import Profile
from srm_trainer.accounts import export

pytestmark = pytest.mark.django_db

URL = "/accounts/name/"


def _kept(user) -> str | None:
    return Profile.objects.filter(user=user).values_list("shown_name", flat=True).first()


def test_the_page_is_labelled_and_says_who_sees_the_name(signed_in, learner):
    assert reverse("account_shown_name") == URL
    page = signed_in.get(URL).content.decode()
    assert "<h1>Name shown to your instructors</h1>" in page
    assert '<label for="id_shown_name">Name shown to your instructors</label>' in page
    assert 'aria-describedby="id_shown_name_helptext"' in page
    assert "The instructors of the cohorts you are in see it beside your username" in page
    assert "No one else sees it" in page and "Leave it blank" in page
    assert "Your username, ada, and no other name." in page
    assert "e-mail address and any name kept with your account" in page
    assert '<button type="submit" class="button">Save</button>' in page
    assert signed_in.get("/accounts/data/").content.decode().count(f'href="{URL}"') == 1  # menu


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post(URL, {"shown_name": "Mallory"}).status_code == 302
    assert not Profile.objects.exists()


def test_a_learner_sets_changes_and_clears_it(signed_in, learner):
    response = signed_in.post(URL, {"shown_name": "  Augusta Ada King \n"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [(URL, 302)]
    assert "Your instructors now see your name as “Augusta Ada King”." in page
    assert 'value="Augusta Ada King"' in page  # trimmed, and the box holds it
    assert "with the name “Augusta Ada King” beside it" in page
    assert _kept(learner) == "Augusta Ada King"
    signed_in.post(URL, {"shown_name": "Ada King"})
    assert _kept(learner) == "Ada King"
    assert Profile.objects.filter(user=learner).count() == 1
    cleared = signed_in.post(URL, {"shown_name": "   "}, follow=True).content.decode()
    assert "Your instructors now see your username only." in cleared
    assert _kept(learner) == ""


def test_the_time_zone_kept_on_the_profile_stays_when_the_name_is_set(signed_in, learner):
    Profile.objects.create(user=learner, time_zone="Asia/Tokyo")
    signed_in.post(URL, {"shown_name": "Ada"})
    assert Profile.objects.get(user=learner).time_zone == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("x" * 151, "Keep it to 150 characters or fewer (it has 151)."),
        ("Ada\x00King", "Null characters are not allowed."),  # Django's own check, first
        ("Ada\nKing", "Character 4 is a control character (U+000A)"),
        ("Ada\u2028King", "Character 4 is a control character (U+2028)"),
        # A right-to-left override would make the username beside it read as another's.
        ("\u202eeve", "Character 1 is a control character (U+202E)"),
    ],
)
def test_a_refused_name_says_what_is_wrong_and_keeps_the_one_kept(signed_in, learner, typed, says):
    Profile.objects.create(user=learner, shown_name="Ada King")
    response = signed_in.post(URL, {"shown_name": typed})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_shown_name_error" role="alert"' in page and says in page
    assert 'aria-invalid="true"' in page
    assert _kept(learner) == "Ada King"


def test_a_name_of_exactly_150_characters_and_any_script_is_taken(signed_in, learner):
    for name in ("x" * 150, "María-José O’Brien", "山田 花子", "عائشة"):
        assert signed_in.post(URL, {"shown_name": name}).status_code == 302
        assert _kept(learner) == name


def test_a_letter_typed_two_ways_is_kept_one_way():
    """ "é" as one character or as "e" and a combining accent: the same name to a reader and to
    the instructors' search."""
    assert shown_names.clean("Jose\u0301") == "José"


def test_the_model_is_held_to_the_same_rule(learner):
    """The model field's validator: any model form over a profile (an admin page, should one
    be added) refuses what the learner's own form refuses."""
    profile = Profile(user=learner, shown_name="Ada\x07")
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert "control character" in str(refused.value.message_dict["shown_name"])


def test_it_is_in_the_learners_data_download(learner):
    assert export.export_data(learner)["profile"] is None  # nothing kept: nothing said
    Profile.objects.create(user=learner, shown_name="Augusta Ada King")
    assert export.export_data(learner)["profile"] == {
        "time_zone": "",
        "name_shown_to_instructors": "Augusta Ada King",
    }


def test_it_goes_with_the_account_when_it_is_closed(signed_in, learner, other_learner):
    Profile.objects.create(user=learner, shown_name="Augusta Ada King")
    Profile.objects.create(user=other_learner, shown_name="Grace Hopper")
    assert signed_in.post("/accounts/delete/", {"username": "ada"}).status_code == 302
    assert list(Profile.objects.values_list("shown_name", flat=True)) == ["Grace Hopper"]
