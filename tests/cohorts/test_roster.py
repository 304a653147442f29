"""A class of 250 is 10 gradebook pages and 5 people pages: its learners come in the order a
teacher reads a class list (case and accents aside, where the database put every capitalised
name first and every accented one after "z"), and a few letters of a name find them, the
pages' other choices (the assignments shown) kept (`cohorts.roster`)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cohorts import roster, services
from cohorts.models import Membership
from cohorts.views import ASSIGNMENTS_PER_PAGE, GRADEBOOK_LEARNERS
from lessons.models import Profile
from tests.cohorts.conftest import at, client_for, make_owned_quiz

pytestmark = pytest.mark.django_db

# Accounts made before the sign-up rule, or by an administrator, hold any letters.
NAMES = ["zoë.müller", "Émilie", "ana", "Łukasz", "Björk", "ben", "Zara", "Ana", "chloé"]
READ = ["Ana", "ana", "ben", "Björk", "chloé", "Émilie", "Łukasz", "Zara", "zoë.müller"]


def _join(cohort, names):
    users = get_user_model().objects.bulk_create(get_user_model()(username=n) for n in names)
    Membership.objects.bulk_create(
        Membership(cohort=cohort, user=u, joined_at=at(hours=1)) for u in users
    )


def _rows(body: str) -> list[str]:
    return [re.sub("<[^>]+>", "", h) for h in re.findall(r'<th scope="row">(.*?)</th>', body)]


def test_fold_sets_case_and_accents_aside():
    assert roster.fold("Émilie") == "emilie"
    assert roster.fold("Łukasz") == "lukasz"
    assert roster.fold("ZOË.Müller") == "zoe.muller"
    assert sorted(NAMES, key=roster.sort_key) == READ


def test_the_gradebook_the_people_page_and_the_csv_list_learners_as_a_class_list_reads(
    owner, cohort, learner
):
    Membership.objects.filter(cohort=cohort).delete()
    _join(cohort, NAMES)
    teacher = client_for(owner)
    body = teacher.get(reverse("teach_cohorts:gradebook", args=[cohort.pk])).content.decode()
    assert _rows(body) == READ
    people = teacher.get(reverse("teach_cohorts:people", args=[cohort.pk])).content.decode()
    listed = re.findall(r'<li><a href="/teach/cohorts/\d+/learners/\d+/">([^<]+)</a>', people)
    assert listed == READ
    services.assignment_create(cohort=cohort, quiz=make_owned_quiz(owner), by=owner)
    response = teacher.get(reverse("teach_cohorts:gradebook-csv", args=[cohort.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(text))][1:] == READ


def test_a_few_letters_find_a_learner_in_any_case_accents_optional(owner, cohort, learner):
    _join(cohort, [*NAMES, *(f"learner-{n:03}" for n in range(60))])
    teacher = client_for(owner)
    url = reverse("teach_cohorts:gradebook", args=[cohort.pk])
    body = teacher.get(url, {"q": "ZOE"}).content.decode()
    assert _rows(body) == ["zoë.müller"]
    assert "1 of 70 learners matches “<bdi>ZOE</bdi>”." in body
    assert '<a href="?">Show all 70</a>' in body
    assert 'name="q" value="ZOE"' in body  # the box keeps what was typed
    # Every word, in any order, anywhere in the name.
    assert _rows(teacher.get(url, {"q": "mull zo"}).content.decode()) == ["zoë.müller"]
    assert _rows(teacher.get(url, {"q": "emil"}).content.decode()) == ["Émilie"]
    people = teacher.get(reverse("teach_cohorts:people", args=[cohort.pk]), {"q": "lukasz"})
    assert "1 of 70 learners matches “<bdi>lukasz</bdi>”." in people.content.decode()
    assert ">Łukasz</a>" in people.content.decode()
    # Nothing found: said, with the way back; not "No learners yet".
    none = teacher.get(url, {"q": "nobody"}).content.decode()
    assert "No learner of this cohort matches “<bdi>nobody</bdi>”." in none
    assert "No learners yet" not in none and _rows(none) == []
    # What was typed is shown isolated: a right-to-left mark in it does not turn the sentence.
    turned = teacher.get(url, {"q": "\u202e"}).content.decode()
    assert "matches “<bdi>\u202e</bdi>”." in turned


def test_a_learner_is_found_by_the_name_they_chose_to_show_too(owner, cohort, learner):
    """An instructor looks a learner up by the name on their register: the name the learner
    chose to show them (`lessons.shown_names`) is searched as the username is, in the roster's
    one query; a first or last name set in the admin is not (instructors never see it)."""
    _join(cohort, ["zoe.m", "b.kowalski", "learner-001"])
    User = get_user_model()
    Profile.objects.create(user=User.objects.get(username="b.kowalski"), shown_name="Łucja Nowak")
    User.objects.filter(username="zoe.m").update(first_name="Secret", last_name="Surname")
    teacher = client_for(owner)
    url = reverse("teach_cohorts:gradebook", args=[cohort.pk])
    found = teacher.get(url, {"q": "lucja"}).content.decode()
    assert "1 of 4 learners matches" in found and ">b.kowalski</a>" in found
    assert "Łucja Nowak" in found
    # Words from both: the username's and the chosen name's.
    assert "1 of 4 learners matches" in teacher.get(url, {"q": "kowalski nowak"}).content.decode()
    assert "No learner" in teacher.get(url, {"q": "secret"}).content.decode()
    people = reverse("teach_cohorts:people", args=[cohort.pk])
    assert ">b.kowalski</a>" in teacher.get(people, {"q": "NOWAK"}).content.decode()
    assert "or of the name they chose to show you" in found  # the search box says so


def test_a_search_keeps_its_place_in_both_pagers(owner, cohort, learner):
    """The gradebook's learner and assignment pagers carry what was found, and the search form
    carries the assignments shown: finding a learner does not jump back to the first columns."""
    _join(cohort, [f"learner-{n:03}" for n in range(2 * GRADEBOOK_LEARNERS)])
    for _ in range(ASSIGNMENTS_PER_PAGE + 1):
        services.assignment_create(cohort=cohort, quiz=make_owned_quiz(owner), by=owner)
    teacher = client_for(owner)
    url = reverse("teach_cohorts:gradebook", args=[cohort.pk])
    body = teacher.get(url, {"q": "learner", "columns": "2"}).content.decode()
    assert f"Learners 1 to {GRADEBOOK_LEARNERS} of {2 * GRADEBOOK_LEARNERS}" in body
    assert '<a href="?q=learner&amp;columns=2&amp;page=2" rel="next">Next learners</a>' in body
    assert (
        '<a href="?q=learner&amp;columns=1#gradebook-title" rel="prev">Previous assignments</a>'
        in body
    )
    assert '<input type="hidden" name="columns" value="2">' in body
    # Each pager's page numbers (templates/_pager.html) keep the search and the other pager.
    assert '<a href="?q=learner&amp;columns=2&amp;page=2"><span class="visually-hidden">' in body
    assert (
        '<a href="?q=learner&amp;columns=1#gradebook-title"><span class="visually-hidden">' in body
    )
    second = teacher.get(url, {"q": "learner", "columns": "2", "page": "2"}).content.decode()
    assert _rows(second)[-1] == f"learner-{2 * GRADEBOOK_LEARNERS - 1:03}"
    assert (
        '<a href="?q=learner&amp;columns=2&amp;page=1" rel="prev">Previous learners</a>' in second
    )


def test_removing_a_found_learner_comes_back_to_the_list_as_it_was(owner, cohort, learner):
    """Found on page 2 of a search, a learner is removed after the confirmation page; the
    people page comes back with that search and page, and "Keep them" leads there too."""
    _join(cohort, [f"learner-{n:03}" for n in range(120)])
    teacher = client_for(owner)
    people = reverse("teach_cohorts:people", args=[cohort.pk])
    listed = teacher.get(people, {"q": "learner-0", "page": "2"}).content.decode()
    gone = Membership.objects.get(cohort=cohort, user__username="learner-060")
    remove = reverse("teach_cohorts:member-remove", args=[cohort.pk, gone.user_id])
    assert f'<a href="{remove}?q=learner-0&amp;page=2">Remove' in listed
    asked = teacher.get(remove, {"q": "learner-0", "page": "2"}).content.decode()
    assert f'<a href="{people}?q=learner-0&amp;page=2">Keep them</a>' in asked
    done = teacher.post(f"{remove}?q=learner-0&page=2")
    assert done["Location"] == f"{people}?q=learner-0&page=2"
    assert not Membership.objects.filter(pk=gone.pk).exists()
    # Asked again (a double click): the same list, saying so.
    again = teacher.post(f"{remove}?q=learner-0&page=2")
    assert again["Location"] == f"{people}?q=learner-0&page=2"


def test_the_answers_csv_lists_learners_as_a_class_list_reads_too(owner, cohort, learner):
    """Its rows were in the database's code-point order ("Zara" before "ana", "Émilie" after
    "zoë.müller"): a learner's answers are where the gradebook has them."""
    from tests.cohorts.conftest import take_right

    Membership.objects.filter(cohort=cohort).delete()
    _join(cohort, NAMES)
    quiz = make_owned_quiz(owner)
    services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=2))
    for user in get_user_model().objects.filter(username__in=NAMES).order_by("?"):
        take_right(quiz, user, start=at(days=1), submit=at(days=1, minutes=5))
    response = client_for(owner).get(reverse("teach_cohorts:answers-csv", args=[cohort.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    learners = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert len(learners) == 2 * len(NAMES)  # two questions each, together
    assert list(dict.fromkeys(learners)) == READ
    assert learners == [name for name in READ for _ in range(2)]


@pytest.mark.parametrize("page", ["gradebook", "people"])
def test_after_a_search_the_page_opens_on_its_result(owner, cohort, learner, page):
    """A plain GET form: the page came back with the focus at its top, the result line (and the
    learners found) far below the assignments and the join code. It opens on the result now,
    read out as the page's one focused line; without a search, where the page always opened."""
    teacher = client_for(owner)
    url = reverse(f"teach_cohorts:{page}", args=[cohort.pk])
    found = re.compile(r'<p class="find-learner-result" role="status" tabindex="-1" autofocus>')
    searched = teacher.get(url, {"q": "nobody"}).content.decode()
    assert found.search(searched) and searched.count(" autofocus") == 1
    assert not found.search(teacher.get(url).content.decode())
