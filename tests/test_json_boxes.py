"""Every JSON box of the site says a typing mistake the same way: its line and column, and the
likely mistake in a learner's words (`json_mistakes.syntax_words`, placed by `located`).

Before, there were five wordings: the question editors said Python's decoder ("Invalid JSON:
Expecting ',' delimiter. Is a comma missing..."), the sandbox the same with the place in
brackets, the labs "is not valid JSON: Expecting property name enclosed in double quotes at
line 4, column 1", the findings lab "expected a comma between two items" with no likely mistake,
and the flow-fix boxes the findings lab's words with it. Each box is driven through its own
form or view, with the same typed text, and what the page says beside it is read back.
"""

from __future__ import annotations

import html
import re

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from srm_trainer.admin_json_field import AdminJSONField
from tests.netlab.test_refusals import HTMX, WAF, waf_form
from tests.netlab.test_views import form_of
from tests.quizzes.builders import make_question, make_quiz, start_through_page
from tests.teach.conftest import instructor, owned, teacher  # noqa: F401 - the fixtures
from tests.teach.test_engine_editors import challenge_form, policy_form, summary_of
from tests.teach.test_network_editors import challenge, error_beside, fix_form, flow_form
from tests.teach.test_route_editor import route_form

# (typed text, line, column, the mistake named): the line and column are where the decoder
# stopped, which an editor marks; the words name the mistake, which may be on the line before.
MISTAKES = {
    "trailing comma": (
        '{\n  "a": 1,\n  "b": 2,\n}',
        4,
        1,
        "JSON takes no comma after the last item: remove the one at the end of line 3.",
    ),
    "missing comma": (
        '{\n  "a": 1\n  "b": 2\n}',
        3,
        3,
        "A comma is probably missing at the end of line 2.",
    ),
    "single quotes": (
        "{\n  'a': 1\n}",
        2,
        3,
        'JSON strings and names take double quotes ("), not single ones.',
    ),
    "unclosed brace": (
        '{\n  "a": {\n    "b": 1\n  }',
        4,
        4,
        "The text ends before every { and [ in it is closed.",
    ),
    "stray character after the end": (
        '{\n  "a": 1\n}\n}',
        4,
        1,
        "There is more after the end of the JSON: a } too many, or a second value.",
    ),
}
# What Python's decoder says, which no box may show a learner or an author any more.
DECODER_WORDS = re.compile(r"Expecting|Extra data|delimiter|Invalid JSON|not valid JSON")


def words(markup: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", markup).split()))


def element(response, ident: str) -> str:
    found = BeautifulSoup(response.content, "html.parser").select_one(f"#{ident}")
    assert found is not None, f"no #{ident}"
    return " ".join(found.get_text().split())


# --- learners' boxes: each takes a client and the text, and returns what is said ---------------


def sandbox_policy(client, text: str) -> str:
    fields = {
        "principal": "arn:aws:iam::111122223333:user/alice",
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::reports/q1.csv",
        "identity-0-text": text,
    }
    return element(client.post("/sandbox/", fields, headers=HTMX), "notes-identity-0")


def sandbox_case_file(client, text: str) -> str:
    upload = SimpleUploadedFile("case.json", text.encode(), content_type="application/json")
    response = client.post("/sandbox/", {"op": "open", "case_file": upload})
    return words(response.content.decode())


def findings_lab(client, text: str) -> str:
    return element(client.post("/lab/findings/", {"pattern": text}), "pattern-error")


def network_lab_case(client, text: str) -> str:
    fields = {**form_of(client.get("/lab/network/").content.decode()), "case_json": text}
    return element(client.post("/lab/network/", {**fields, "op": "open"}), "case_json-error")


def waf_lab_web_acl(client, text: str) -> str:
    fields = {**waf_form(client), "web_acl": text}
    return element(client.post(WAF, fields, headers=HTMX), "result-error")


def waf_lab_ip_sets(client, text: str) -> str:
    fields = {**waf_form(client), "ip_sets": text}
    return element(client.post(WAF, fields, headers=HTMX), "result-error")


def quiz_answer(kind: str, field: str):
    """A learner's answer box on a quiz's page: the error drawn under it when checked."""

    def read(client, text: str) -> str:
        attempt = start_through_page(client, make_quiz(make_question(kind)))
        url = reverse("quizzes:answer", args=[attempt.pk, 1])
        response = client.post(url, {"action": "check", field: text})
        found = BeautifulSoup(response.content, "html.parser").select(f"[id$={field}-error]")
        assert found, f"no error under {field}"
        return " ".join(found[0].get_text(" ").split())

    return read


LEARNER_BOXES = {
    # box: (reader, how it names itself before the place: "" when the place starts it)
    "sandbox policy": (sandbox_policy, ""),
    "sandbox case file": (sandbox_case_file, "The file cannot be opened. "),
    "findings lab pattern": (findings_lab, "EventBridge would refuse this pattern. "),
    "network lab case": (network_lab_case, "Case, "),
    "WAF lab web ACL": (waf_lab_web_acl, "Web ACL, "),
    "WAF lab IP sets": (waf_lab_ip_sets, "IP sets, "),
    "flow-fix answer": (quiz_answer("flow_fix", "rules"), ""),
    "least-privilege answer": (quiz_answer("least_privilege", "policy"), ""),
    "route-findings answer": (
        quiz_answer("route_findings", "pattern"),
        "EventBridge would refuse this pattern. ",
    ),
}


def _place(named: str, line: int, column: int) -> str:
    place = f"line {line}, column {column}: "
    return named + (place if named.endswith(", ") else place.capitalize())


@pytest.mark.django_db
@pytest.mark.parametrize("mistake", MISTAKES)
@pytest.mark.parametrize("box", LEARNER_BOXES)
def test_a_learners_box_says_the_line_column_and_mistake(learner_client, box, mistake):
    cache.clear()
    read, named = LEARNER_BOXES[box]
    text, line, column, said = MISTAKES[mistake]
    shown = read(learner_client, text)
    assert f"{_place(named, line, column)}{said.rstrip('.')}" in shown, shown
    assert not DECODER_WORDS.search(shown), shown


# --- authors' boxes: the question editors, the import and the admin -----------------------------


def policy_editor(author, quiz, text: str) -> str:
    url, data = policy_form(author, quiz, **{"case-identity-0-text": text})
    return " ".join(summary_of(author.post(url, data)).split())


def flow_case_box(author, quiz, text: str) -> str:
    url, data = flow_form(author, quiz, text)
    return " ".join(error_beside(author.post(url, data), "k-case"))


def flow_fix_reference(author, quiz, text: str) -> str:
    url, data = fix_form(author, quiz, challenge(), text)
    return " ".join(error_beside(author.post(url, data), "k-reference"))


def route_model(author, quiz, text: str) -> str:
    url, data = route_form(author, quiz, **{"k-model": text})
    return " ".join(error_beside(author.post(url, data), "k-model"))


def least_privilege_reference(author, quiz, text: str) -> str:
    url, data = challenge_form(author, quiz, [], [], **{"k-reference": text})
    return " ".join(error_beside(author.post(url, data), "k-reference"))


def question_import(author, quiz, text: str) -> str:
    response = author.post("/teach/import/", {"text": text, "format": "json", "action": "preview"})
    return words(response.content.decode())


def admin_json(author, quiz, text: str) -> str:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        AdminJSONField().clean(text)
    return " ".join(refused.value.messages)


AUTHOR_BOXES = {
    "policy-question editor": (policy_editor, "Identity policy 1, "),
    "network case box": (flow_case_box, ""),
    "flow-fix reference box": (flow_fix_reference, "Reference solution, "),
    "route-findings model box": (route_model, "model pattern, "),
    "least-privilege reference box": (least_privilege_reference, "Reference solution, "),
    "import": (question_import, ""),  # the import's list: "Line 4, column 1: ..." (was "line")
    "admin JSON field": (admin_json, ""),
}


@pytest.mark.parametrize("mistake", MISTAKES)
@pytest.mark.parametrize("box", AUTHOR_BOXES)
def test_an_authors_box_says_the_line_column_and_mistake(teacher, owned, box, mistake):  # noqa: F811
    read, named = AUTHOR_BOXES[box]
    text, line, column, said = MISTAKES[mistake]
    shown = read(teacher, owned[0], text)
    assert f"{_place(named, line, column)}{said.rstrip('.')}" in shown, shown
    assert not DECODER_WORDS.search(shown), shown


# --- an empty box ---------------------------------------------------------------------------
# Emptied, a box that needs JSON says it is empty (no decoder's "Expecting value at line 1,
# column 1"); the sandbox's policy editors and the WAF lab's IP sets take an empty box as none.

EMPTY = {
    "sandbox case file": "The file cannot be opened. Line 1, column 1: The text is empty",
    "findings lab pattern": "EventBridge would refuse this pattern. The pattern is empty",
    "network lab case": "The case is empty: paste one",
    "WAF lab web ACL": "The web ACL is empty: write it in AWS WAF's JSON",
    "flow-fix answer": "Write the rules first.",
}


@pytest.mark.django_db
@pytest.mark.parametrize("box", EMPTY)
def test_an_emptied_box_is_said_to_be_empty(learner_client, box):
    cache.clear()
    read, _named = LEARNER_BOXES[box]
    shown = read(learner_client, "")
    assert EMPTY[box] in shown, shown
    assert not DECODER_WORDS.search(shown), shown


@pytest.mark.django_db
@pytest.mark.parametrize("mistake", MISTAKES)
def test_a_least_privilege_draft_graded_with_a_mistake_says_it_as_the_form_does(mistake):
    """A draft kept at submission can hold JSON that does not read: graded, its feedback says
    the place and the mistake as the answer box does (it said "line 3, column 3: ...")."""
    from quizzes.grading import grade

    text, line, column, said = MISTAKES[mistake]
    error = grade(make_question("least_privilege"), {"policy": text}).feedback["error"]
    assert error == f"Line {line}, column {column}: {said}"


# --- a key written twice ----------------------------------------------------------------------
# JSON's decoder keeps the last of two equal keys without a word. The boxes whose JSON is stored
# as data refuse the second, at its line and column, in the same words (`read_located`, the
# import's reader); the policy boxes read a policy as AWS does, which is their own matter.

TWICE = '{\n  "network": {},\n  "flow": {},\n  "flow": {}\n}'
REFUSE_TWICE = ("network case box", "import", "admin JSON field")


@pytest.mark.parametrize("box", REFUSE_TWICE)
def test_a_key_written_twice_is_refused_at_its_second_place(teacher, owned, box):  # noqa: F811
    read, named = AUTHOR_BOXES[box]
    shown = read(teacher, owned[0], TWICE)
    said = f"{_place(named, 4, 3)}The key 'flow' appears twice in one object"
    assert said.lower() in shown.lower(), shown
