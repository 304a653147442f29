"""The question list's "usable" filter and column cost a bounded amount of work a request: they
make learners' check (`Question.quick_problems`, kept per process), of at most
`BrokenFilter.CHECKED` questions, after the other filters and the search. Every question of the
list was checked afresh on each request (some kinds run the IAM, network or WAF engine): tens of
seconds for a course grown 100 times."""

from __future__ import annotations

import re

import pytest

from lessons.models import Scenario
from quizzes.admin import BrokenFilter
from quizzes.models import Question
from tests.quizzes.builders import make_question

pytestmark = pytest.mark.django_db

LIST = "/admin/quizzes/question/"


@pytest.fixture
def checks(monkeypatch):
    """The slugs of the questions checked (any kind, thorough or not), in order, with nothing
    kept from other tests."""
    monkeypatch.setattr("quizzes.models._QUICK_PROBLEMS", {})
    ran: list[str] = []
    real = Question.problems

    def problems(self, **kwargs):
        ran.append(self.slug)
        return real(self, **kwargs)

    monkeypatch.setattr(Question, "problems", problems)
    return ran


@pytest.fixture
def bank():
    """A policy question (its check runs the IAM engine), a broken one and a usable one."""
    policy = make_question("policy_decision", slug="policy")
    broken = make_question("single", slug="no-ids")
    Question.objects.filter(pk=broken.pk).update(
        data={"choices": [{"text": "A", "correct": True}, {"text": "B", "correct": False}]}
    )
    fine = make_question("true_false", slug="fine")
    return policy, broken, fine


def _listed(page: str) -> set[str]:
    return set(re.findall(r'<th class="field-slug"><a href="[^"]*">([^<]+)</a>', page))


def _usable(page: str) -> dict[str, bool]:
    """Each listed question's "usable" column (Django's icon, alt True or False)."""
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    out = {}
    for row in rows:
        slug = re.search(r'<th class="field-slug"><a href="[^"]*">([^<]+)</a>', row)
        icon = re.search(r'<td class="field-usable"><img [^>]*alt="(True|False)"', row)
        if slug and icon:
            out[slug.group(1)] = icon.group(1) == "True"
    return out


def test_the_filter_checks_each_question_once_then_reads_the_kept_answers(
    admin_client, bank, checks
):
    broken = admin_client.get(LIST + "?broken=yes").content.decode()
    assert _listed(broken) == {"no-ids"}
    assert sorted(checks) == ["fine", "no-ids", "policy"]
    checks.clear()
    usable = admin_client.get(LIST + "?broken=no").content.decode()
    assert _listed(usable) == {"policy", "fine"}
    assert checks == []  # every answer kept from the first request


def test_the_column_is_learners_check_kept_and_follows_an_edit_of_the_scenario(
    admin_client, bank, checks
):
    policy = bank[0]
    assert _usable(admin_client.get(LIST).content.decode()) == {
        "policy": True,
        "no-ids": False,
        "fine": True,
    }
    checks.clear()
    admin_client.get(LIST)
    assert checks == []
    case = policy.scenario.case
    Scenario.objects.filter(pk=policy.scenario_id).update(case={**case, "expect": "Maybe"})
    assert _usable(admin_client.get(LIST).content.decode())["policy"] is False
    assert checks == ["policy"]  # the edited one alone is checked again
    Question.objects.filter(slug="no-ids").update(data={"choices": []})
    Scenario.objects.filter(pk=policy.scenario_id).update(case=case)
    assert _usable(admin_client.get(LIST).content.decode())["policy"] is True


def test_past_its_bound_the_filter_checks_nothing_shows_nothing_and_says_to_narrow(
    admin_client, bank, checks, monkeypatch
):
    """An unfiltered list under "Broken" would have usable questions archived from it."""
    monkeypatch.setattr(BrokenFilter, "CHECKED", 2)
    page = admin_client.get(LIST + "?broken=yes").content.decode()
    assert _listed(page) == set() and checks == []
    assert "The “usable” filter checks at most 2 questions at a time" in page
    assert "Narrow it first (by type, module, category, archived or a search)" in page
    # narrowed by another filter, or by a search, it checks only what is left
    page = admin_client.get(LIST + "?broken=yes&type__exact=single").content.decode()
    assert _listed(page) == {"no-ids"} and checks == ["no-ids"]
    page = admin_client.get(LIST + "?broken=no&q=fine").content.decode()
    assert _listed(page) == {"fine"} and checks == ["no-ids", "fine"]
    assert "checks at most" not in page


def test_archive_selected_under_the_filter_archives_only_what_it_lists(admin_client, bank):
    """The action reads the list as drawn: the broken questions, found after the search."""
    _, broken, fine = bank
    admin_client.post(
        LIST + "?broken=yes",
        {"action": "archive_selected", "select_across": "1", "index": "0",
         "_selected_action": [broken.pk]},
    )  # fmt: skip
    assert set(Question.objects.filter(archived=True).values_list("slug", flat=True)) == {"no-ids"}
    assert not Question.objects.get(pk=fine.pk).archived
