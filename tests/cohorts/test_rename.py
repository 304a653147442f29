"""Renaming a cohort (a new term, a typo in its name): by the rules a new cohort's name
follows, keeping its learners, code and work, and the learners see the new name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cohorts import services
from tests.cohorts.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_teacher_renames_the_cohort_and_its_learners_see_the_new_name(
    cohort, co_instructor, learner
):
    code = cohort.join_code
    url = reverse("teach_cohorts:rename", args=[cohort.pk])
    people = client_for(co_instructor).get(reverse("teach_cohorts:people", args=[cohort.pk]))
    assert f'action="{url}"' in people.content.decode()
    assert 'value="Spring class"' in people.content.decode()  # the name to edit, filled in
    done = client_for(co_instructor).post(url, {"name": "  Spring class — Ω group  "})
    assert done.status_code == 302
    cohort.refresh_from_db()
    assert (cohort.name, cohort.join_code) == ("Spring class — Ω group", code)
    mine = client_for(learner).get(reverse("cohorts:mine")).content.decode()
    assert "Spring class — Ω group" in mine


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("   ", "Give the cohort a name."),
        ("evening CLASS", "You already have a cohort called “evening CLASS”"),
        ("x" * 121, "This is 121 characters long; it takes at most 120. Nothing was cut"),
    ],
)
def test_a_refused_name_is_said_beside_the_field_and_kept(cohort, owner, typed, said):
    services.cohort_create(owner=owner, name="Evening class")
    page = client_for(owner).post(
        reverse("teach_cohorts:rename", args=[cohort.pk]), {"name": typed}
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert said in text
    assert 'aria-invalid="true"' in text.split('id="rename-title"', 1)[1]
    if typed.strip():
        assert f'value="{typed}"' in text  # what was typed is not lost
    cohort.refresh_from_db()
    assert cohort.name == "Spring class"


def test_the_same_name_in_other_letters_is_not_taken_by_the_cohort_itself(cohort, owner):
    services.cohort_rename(cohort=cohort, name="SPRING CLASS")
    cohort.refresh_from_db()
    assert cohort.name == "SPRING CLASS"


@pytest.mark.parametrize("hidden", ["\u200b", "\u202e", "\x07"])
def test_a_name_with_invisible_characters_is_refused_on_create_and_rename(cohort, owner, hidden):
    """A zero-width space made a second "Spring class" that looked like the first (the taken
    name check compares characters), a direction override turned the name round in every
    learner's list, and a name of just U+200B looked empty."""
    for name in (f"Spring{hidden} class", hidden):
        with pytest.raises(services.CohortError, match="invisible or control character"):
            services.cohort_create(owner=owner, name=name)
        with pytest.raises(services.CohortError, match="invisible or control character"):
            services.cohort_rename(cohort=cohort, name=name)
    page = client_for(owner).post(
        reverse("teach_cohorts:list"), {"name": f"Spring{hidden} class", "once": "t-1"}
    )
    assert "invisible or control character" in page.content.decode()


def test_a_name_keeps_its_script_emoji_and_joiners_with_spaces_collapsed(owner):
    made = services.cohort_create(owner=owner, name="  کلاس\u200cها   👩\u200d💻 Ω  ")
    assert made.name == "کلاس\u200cها 👩\u200d💻 Ω"
