"""An assignment's extension form takes its learner typed, with suggestions
(`cohorts.learner_finder`, teach_cohorts:learner-find), where it was a menu of every learner of
the cohort (300 options, 13 KiB, for a class of 300). Only the cohort's learners are suggested
or taken; anyone else typed is refused beside the field with the date typed kept; the page
costs the same with 40 times the learners (tests/cohorts/test_page_cost.py counts queries)."""

from __future__ import annotations

import html
import re

import pytest
import time_machine
from django.urls import reverse

from cohorts import learner_finder, services
from cohorts.models import Extension
from tests.cohorts.conftest import at, client_for, make_learner
from tests.cohorts.test_page_cost import grow
from tests.conftest import page_queries
from tests.teach.formdata import form_fields

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def assignment(cohort, quiz, owner):
    return services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=6), by=owner, now=at(hours=2)
    )


def _page(cohort, assignment) -> str:
    return reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])


def _set(cohort, assignment) -> str:
    return reverse("teach_cohorts:extension-set", args=[cohort.pk, assignment.pk])


def _find(cohort) -> str:
    return reverse("teach_cohorts:learner-find", args=[cohort.pk])


def _suggested(text: str) -> list[str]:
    listed = re.search(r'<datalist id="learner-options">(.*?)</datalist>', text, re.S)
    return re.findall(r'<option value="([^"]+)">', listed[1] if listed else text)


def _field_error(text: str) -> str:
    found = re.search(r'id="extension-learner_error"[^>]*>(.*?)</div>', text, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", found[1])) if found else ""


def test_the_learner_is_a_labelled_typed_field_suggesting_the_cohorts_learners(
    cohort, assignment, owner, other_learner
):
    make_learner("adam")
    services.cohort_join(cohort=cohort, user=make_learner("adrian"), now=at(hours=1))
    client = client_for(owner)
    page = client.get(_page(cohort, assignment)).content.decode()
    assert "<select" not in page
    assert '<label for="extension-learner">Learner' in page
    field = re.search(r'<input[^>]*id="extension-learner"[^>]*>', page)[0]
    assert 'list="learner-options"' in field and 'type="text"' in field
    assert f'hx-get="{_find(cohort)}"' in field
    assert _suggested(page) == ["ada", "adrian"]  # bob and adam are not in the cohort
    assert '<p id="learner-status" class="visually-hidden" role="status">' in page
    fragment = client.get(_find(cohort), {"learner": "AD"}, **HTMX).content.decode()
    assert _suggested(fragment) == ["ada", "adrian"]
    assert '<span id="learner-status" hx-swap-oob="innerHTML">2 learners match “AD”.' in fragment
    assert _suggested(client.get(_find(cohort), {"learner": "dri"}).content.decode()) == ["adrian"]
    none = client.get(_find(cohort), {"learner": other_learner.username}).content.decode()
    assert _suggested(none) == []
    assert f"No learner of this cohort matches “{other_learner.username}”." in none


@pytest.mark.parametrize("typed", ["ada", " ADA ", "id"])
def test_an_extension_is_given_to_a_learner_typed_by_username_or_id(
    cohort, assignment, owner, learner, typed
):
    typed = str(learner.pk) if typed == "id" else typed
    with time_machine.travel(at(days=1), tick=False):
        sent = client_for(owner).post(
            _set(cohort, assignment), {"learner": typed, "due_at": "2026-03-10T09:00"}
        )
    assert sent.status_code == 302
    assert Extension.objects.get(assignment=assignment).user == learner


def test_someone_not_in_the_cohort_is_refused_beside_the_field_with_the_date_kept(
    cohort, assignment, owner, other_learner, other_instructor
):
    client = client_for(owner)
    for typed in (other_learner.username, str(other_learner.pk), "nobody", "9" * 40, "x" * 300):
        with time_machine.travel(at(days=1), tick=False):
            page = client.post(
                _set(cohort, assignment), {"learner": typed, "due_at": "2026-03-10T09:00"}
            )
        text = page.content.decode()
        assert page.status_code == 200
        assert f"“{typed[:80]}” is not a learner of this cohort." in _field_error(text)
        fields = form_fields(text.split('aria-labelledby="extensions-title"')[1], "teach-form")
        assert fields["learner"] == typed and fields["due_at"] == "2026-03-10T09:00"
        assert 'aria-describedby="extension-learner_helptext extension-learner_error"' in text
    empty = client.post(_set(cohort, assignment), {"learner": " ", "due_at": "2026-03-10T09:00"})
    assert "Type the username of the learner" in _field_error(empty.content.decode())
    assert not Extension.objects.exists()


def test_the_finder_is_for_those_teaching_the_cohort(cohort, learner, other_instructor):
    assert client_for(learner).get(_find(cohort), {"learner": "a"}).status_code == 403
    assert client_for(other_instructor).get(_find(cohort), {"learner": "a"}).status_code == 404


def test_too_many_searches_are_refused_in_the_status_line(cohort, owner, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "2/60"}
    client = client_for(owner)
    for _ in range(2):
        assert client.get(_find(cohort), {"learner": "a"}, **HTMX).status_code == 200
    refused = client.get(_find(cohort), {"learner": "a"}, **HTMX)
    assert refused.status_code == 429
    text = refused.content.decode()
    assert '<span id="learner-status" hx-swap-oob="innerHTML">That was a lot of searches' in text
    assert "<option" not in text


def test_the_page_draws_at_most_matches_learners_however_large_the_class(
    cohort, assignment, quiz, owner
):
    client = client_for(owner)
    url = _page(cohort, assignment)
    grow(cohort, quiz, 5)
    small_queries, small = page_queries(client, url, warm=True)
    grow(cohort, quiz, 200)
    big_queries, big = page_queries(client, url, warm=True)
    assert big_queries == small_queries
    assert len(_suggested(big)) == learner_finder.MATCHES
    assert len(big) < len(small) + 2_000, (len(small), len(big))  # 30 options, not 300
    found = client.get(_find(cohort), {"learner": "learner-01"}).content.decode()
    assert len(_suggested(found)) == learner_finder.MATCHES
    assert "The first 30 learners matching “learner-01”; type more to narrow." in found


def test_a_learner_is_found_by_the_name_they_chose_to_show_and_suggested_with_it(
    cohort, assignment, owner, learner
):
    """The assignment's extensions, the gradebook and its "Find a learner" name ada as "ada
    (Augusta Ada King)"; typing "Augusta" or "king" here suggested nobody. The suggestion's
    value stays the username, which the field takes."""
    from lessons.models import Profile

    Profile.objects.create(user=learner, shown_name="Augusta Ada King")
    services.cohort_join(cohort=cohort, user=make_learner("bob"), now=at(hours=1))
    client = client_for(owner)
    found = client.get(_find(cohort), {"learner": "augusta KING"}, **HTMX).content.decode()
    assert _suggested(found) == ["ada"]
    assert '<option value="ada">ada (Augusta Ada King)</option>' in found
    assert "1 learner matches “augusta KING”." in found
    page = client.get(_page(cohort, assignment)).content.decode()
    assert '<option value="ada">ada (Augusta Ada King)</option>' in page
    assert '<option value="bob">bob</option>' in page
    assert "or of the name they chose to show you" in page
