"""A learner whose network rules the engine refuses is told where in words, as the labs tell it
(`srm_trainer.netlab.spoken.said`): a network ACL's entry by its rule number, a security group by its
name and its rule by its place from 1 ("Network ACL edge, inbound rule 100, ports: ..."), not by
the engine's path (`network.network_acls[0].inbound[0].ports`), which reads as code counted from
0. The engine's own paths are unchanged (`NetlabError.path`)."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.urls import reverse

from tests.quizzes.builders import make_question, make_quiz, page_text, start_through_page
from tests.quizzes.test_network_all_problems import bad_rules

pytestmark = pytest.mark.django_db

# A path as the engine writes one (`network.security_groups[0]`, `flow.port`): none should show.
CODE = re.compile(r"\w\[\d+\]|\b(?:web_acl|ip_sets|network|flow|requests?)\.\w")

SAID = [
    "Network ACL edge, inbound rule 100, ports: the range starts after it ends (80-70)",
    "Network ACL edge, outbound rule 100, CIDR: '0.0.0.1/0' has host bits set",
    "Security group sg-web, inbound rule 2, source: 'sg-nowhere' is neither a CIDR block",
]


def _rules_error(page: str) -> str:
    found = re.search(r'<(div|p) class="field-error" id="\w*rules-error">(.*?)</\1>', page, re.S)
    assert found, page
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", found.group(2)).split()))


def test_the_answer_box_says_each_refused_rule_by_its_number_and_its_groups_name(
    learner_client,
):
    attempt = start_through_page(learner_client, make_quiz(make_question("flow_fix")))
    page = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", "rules": json.dumps(bad_rules())},
    ).content.decode()
    said = _rules_error(page)
    for words in SAID:
        assert words in said, said
    assert not CODE.search(said), said


def test_an_entry_without_a_rule_number_of_its_own_is_said_by_its_place(learner_client):
    """Two entries numbered 100: the number names neither, so each is said by its place."""
    rules = bad_rules()
    inbound = rules["network_acls"][0]["inbound"]
    inbound[0]["ports"] = "80"
    inbound[1]["rule"] = 100
    attempt = start_through_page(learner_client, make_quiz(make_question("flow_fix")))
    page = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", "rules": json.dumps(rules)},
    ).content.decode()
    said = _rules_error(page)
    assert "Network ACL edge, inbound entry 2, rule: " in said, said
    assert not CODE.search(said), said


def test_rules_kept_as_a_draft_and_graded_at_submission_say_it_in_words(learner_client):
    """Rules the engine refuses are kept as typed; submitted so, they are graded then, and the
    result says why they could not be used in the same words as the answer box."""
    attempt = start_through_page(learner_client, make_quiz(make_question("flow_fix")))
    learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", "rules": json.dumps(bad_rules())},
    )
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    shown = page_text(learner_client.get(reverse("quizzes:result", args=[attempt.pk])))
    said = shown.split("Your rules could not be used: ", 1)[1].split(" The right answer", 1)[0]
    for words in SAID:
        assert words in said, said
    assert not CODE.search(said), said
