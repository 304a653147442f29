"""An instructor whose network question's `expect` the engine disagrees with is told in words
what the expected answer says, what the engine decided and where (`srm_trainer.netlab.expected`):
"Request 1 of 150: your expected answer says it is blocked by rule 2 ("rate"), but the web ACL
allows it (no rule matched)", not the engine's keyed words ("blocked_at.resource: expected 'x',
got 'edge'", "counts.Block: expected 7, got 50", "requests[0] must be an object"), in the flow
and WAF question editors (summary, beside the box, live check), an import's preview and the
admin. The CLI keeps its keyed words (`tests/netlab/test_cli.py`)."""

from __future__ import annotations

import html
import json
import re

import pytest

from quizzes.models import Question
from teach.transfer import json_format
from tests.quizzes.builders import make_question
from tests.quizzes.test_admin_edited_elsewhere import _form
from tests.teach.formdata import text
from tests.teach.test_network_editors import (
    HTMX,
    case_json,
    error_beside,
    flow_case,
    flow_form,
    summary_of,
    waf_case,
    waf_form,
)

pytestmark = pytest.mark.django_db

# The engine's keyed words: a key path under `expect` (`blocked_at.resource`, `counts.Block`),
# an index from 0 (`requests[0]`), "expected 'x', got 'y'".
KEYED = re.compile(
    r"\b(?:blocked_at|counts|requests?|expect|attachable)\.\w|\w\[\d+\]|expected '|got '|"
    r"\brequest \d+:|disagrees with expect"
)

REPLY = (
    "your expected answer says it is blocked at network ACL x, but it is blocked at network ACL "
    "edge (outbound, the final * rule) on the reply. Correct the expected answer (“expect”) or "
    "take it out"
)
RATE = (
    'Request 1 of 150: your expected answer says it is blocked by rule 2 ("rate"), but the web '
    "ACL allows it (no rule matched)."
)
COUNTS = "your expected answer says 7 of the 150 requests are blocked, but 50 are."
CHECK = (
    "check 1 of your expected answer's “requests” must be an object, such as "
    '{"index": 0, "action": "Block"}'
)


def line_of(typed: str, marker: str) -> int:
    """The last line holding `marker` (`expect` comes last in the case)."""
    return max(n for n, t in enumerate(typed.splitlines(), 1) if marker in t)


def panel(response) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", text(response)).split()))


def test_the_flow_editor_says_where_the_expected_answer_and_the_engine_differ(teacher, owned):
    quiz, _ = owned
    typed = case_json(flow_case(expect={"blocked_at": {"layer": "network_acl", "resource": "x"}}))
    url, data = flow_form(teacher, quiz, typed)
    response = teacher.post(url, data)
    line = line_of(typed, '"resource": "x"')
    words = f"Line {line}: case: {REPLY}"
    summary = html.unescape(summary_of(response))
    beside = html.unescape(" ".join(error_beside(response, "k-case")))
    live = panel(teacher.post(url, data | {"action": "check"}, **HTMX))
    for shown in (summary, beside, live):
        assert words in shown, shown
        assert not KEYED.search(shown), shown
    assert not Question.objects.filter(type="flow_decision").exists()


@pytest.mark.parametrize(
    ("expect", "marker", "words"),
    [
        (
            {"requests": [{"index": 0, "action": "Block", "rule": "rate"}]},
            '"action": "Block"',
            RATE,
        ),
        ({"counts": {"Block": 7}}, '"Block": 7', COUNTS),
        # a text in a list has no line of its own: its list's, the expected answer's "requests"
        ({"requests": ["first"]}, '"requests": [', CHECK),
    ],
    ids=["a request's rule", "a count", "a check that is no object"],
)
def test_the_waf_editor_says_them_in_words_by_the_panels_numbers(
    teacher, owned, expect, marker, words
):
    quiz, _ = owned
    case = waf_case()
    case["expect"] = expect
    typed = case_json(case)
    url, data = waf_form(teacher, quiz, typed)
    response = teacher.post(url, data)
    said = f"Line {line_of(typed, marker)}: case: {words}"
    summary = html.unescape(summary_of(response))
    beside = html.unescape(" ".join(error_beside(response, "k-case")))
    live = panel(teacher.post(url, data | {"action": "check"}, **HTMX))
    for shown in (summary, beside, live):
        assert said in shown, shown
        assert not KEYED.search(shown), shown
    assert not Question.objects.filter(type="waf_rule").exists()


def test_an_imports_preview_says_it_in_words_at_its_line(teacher, instructor):
    case = waf_case()
    case["expect"] = {"counts": {"Block": 7}}
    question = make_question("waf_rule", owner=instructor, lesson=None, data={"case": case})
    document = json.loads(json_format.export_bank([question], "b"))
    Question.objects.filter(pk=question.pk).delete()
    typed = json_format.dump(document)
    response = teacher.post("/teach/import/", {"text": typed, "format": "json",
                                               "action": "preview"})  # fmt: skip
    listed = [
        html.unescape(re.sub(r"<[^>]+>", "", item))
        for item in re.findall(r"<li>(.*?)</li>", text(response).split("Nothing was imported")[1])
    ]
    [item] = listed
    line = line_of(typed, '"Block": 7')
    assert re.match(
        rf"Line {line}, column \d+: question '{question.slug}': case: {re.escape(COUNTS)}", item
    ), item
    assert not KEYED.search(item), item
    assert not Question.objects.exists()


def test_the_admin_says_it_in_words_when_saved_and_on_a_stored_questions_page(admin_client):
    question = make_question("flow_decision")
    url = f"/admin/quizzes/question/{question.pk}/change/"
    stored = json.loads(json.dumps(question.data))
    broken = flow_case(expect={"blocked_at": {"layer": "network_acl", "resource": "x"}})
    sent = {**_form(admin_client, url, "question_form")}
    sent["data"] = json.dumps({"case": broken, "ask_hop": True})
    refused = html.unescape(admin_client.post(url, sent).content.decode())
    errors = " ".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', refused, re.S))
    assert REPLY in errors, errors
    assert not KEYED.search(errors), errors
    question.refresh_from_db()
    assert question.data == stored
    # A question stored so (by the loader or the shell, before the check) says it on its page.
    Question.objects.filter(pk=question.pk).update(data={"case": broken, "ask_hop": True})
    page = html.unescape(admin_client.get(url).content.decode())
    problems = re.search(r"Problems:</label>\s*<div class=\"readonly\">(.*?)</div>", page, re.S)
    assert problems is not None, page
    assert REPLY in problems.group(1)
    assert not KEYED.search(problems.group(1)), problems.group(1)
