"""The engine-backed editors: a policy question's key is shown live from the sandbox's case
editor, and a least-privilege challenge's reference solution is checked before it is saved."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.urls import reverse

from lessons.models import Scenario, Source
from lessons.templatetags.lessons_extras import DECISION_WORDS as WORDS
from quizzes.forms import AnswerForm
from quizzes.grading import grade
from quizzes.least_privilege import check_policy
from quizzes.models import Question
from tests.conftest import make_scenario
from tests.teach.formdata import form_fields, page_data, text

# response.context is read by the tests marked with `template_context` (tests/conftest.py)
pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ALICE = "arn:aws:iam::111122223333:user/alice"
REPORT = "arn:aws:s3:::reports/q1.csv"


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


def stmt(effect: str, action: str, resource: str = "*", sid: str = "") -> dict:
    out = {"Effect": effect, "Action": action, "Resource": resource}
    return {"Sid": sid, **out} if sid else out


def new_url(quiz, kind: str) -> str:
    return reverse("teach:question-create", args=[quiz.pk, kind])


def key_of(response) -> str:
    """The decision the key panel shows."""
    found = re.search(r'class="key-decision">([^<]*)<', response.content.decode())
    return found.group(1) if found else ""


SHARED = {
    "prompt": "What does AWS decide for Alice?",
    "explanation": "Her policy allows it.",
    "category": "iam",
    "misconceptions": "",
}


# --- policy decision ------------------------------------------------------------------------


def policy_form(teacher, quiz, **fields) -> tuple[str, dict]:
    url = new_url(quiz, "policy_decision")
    data = page_data(teacher, url) | SHARED
    data.update(
        {
            "k-title": "Alice reads a report",
            "k-situation": "Alice, an analyst, opens last quarter's report.",
            "case-principal": ALICE,
            "case-action": "s3:GetObject",
            "case-resource": REPORT,
            "case-identity-0-text": policy(stmt("Allow", "s3:GetObject", sid="ReadReports")),
        }
    )
    data.update(fields)
    return url, data


def test_the_live_preview_shows_the_engines_key_for_a_scenario(teacher, owned):
    quiz, _ = owned
    scenario = make_scenario(source=Source.FILE, title="Cross-account read")
    url = new_url(quiz, "policy_decision")
    data = page_data(teacher, url) | {"k-scenario": str(scenario.pk), "op": "load-scenario"}
    opened = teacher.post(url, data, **HTMX)
    assert opened.status_code == 200
    assert 'id="pd-editor"' in text(opened) and "<html" not in text(opened)
    assert key_of(opened) == WORDS["Allow"]
    assert "Cross-account read" in text(opened)
    # The opened case, posted as the author types, gives the same key, with the statement.
    data = form_fields(f'<form class="question-editor">{opened.content.decode()}</form>')
    live = teacher.post(url, data | {"action": "engine"}, **HTMX)
    assert live.status_code == 200
    assert key_of(live) == WORDS["Allow"]
    assert "Identity-based policy 1, statement 1" in text(live)


def test_changing_the_case_changes_the_shown_key(teacher, owned):
    quiz, _ = owned
    url, data = policy_form(teacher, quiz, action="engine")
    first = teacher.post(url, data, **HTMX)
    assert key_of(first) == WORDS["Allow"]
    assert "ReadReports" in text(first)
    data["case-action"] = "s3:PutObject"
    assert key_of(teacher.post(url, data, **HTMX)) == WORDS["ImplicitDeny"]
    data["case-action"] = "s3:GetObject"
    data["case-identity-0-text"] = policy(
        stmt("Allow", "s3:GetObject", sid="ReadReports"),
        stmt("Deny", "s3:*", REPORT, sid="NotThatOne"),
    )
    last = teacher.post(url, data, **HTMX)
    assert key_of(last) == WORDS["ExplicitDeny"]
    assert "NotThatOne" in text(last)


def test_saving_a_policy_question_whose_expect_disagrees_is_refused(teacher, owned):
    quiz, _ = owned
    url, data = policy_form(teacher, quiz, **{"k-expect": "ExplicitDeny", "action": "save"})
    before = (Question.objects.count(), Scenario.objects.count())
    response = teacher.post(url, data)
    assert response.status_code == 200
    # in the menu's words, as the live key says it, not the case's keys ("ExplicitDeny")
    said = html.unescape(text(response))
    assert f"you expect “{WORDS['ExplicitDeny']}”, but the engine decides “Allowed”" in said
    assert "ExplicitDeny" not in re.sub(r'value="ExplicitDeny"', "", said)
    assert (Question.objects.count(), Scenario.objects.count()) == before
    # Everything typed is still there.
    again = form_fields(response.content.decode())
    for name in ("k-title", "k-situation", "case-identity-0-text", "prompt", "case-action"):
        assert again[name] == data[name]


@pytest.mark.usefixtures("template_context")
def test_a_scenario_without_title_or_situation_is_named_and_linked_in_the_summary(teacher, owned):
    """The summary at the top said only "See the highlighted fields below" for a new scenario
    with no title and no situation; every other editor names each problem and links to it."""
    quiz, _ = owned
    url, data = policy_form(teacher, quiz, **{"k-title": "", "k-situation": "", "action": "save"})
    response = teacher.post(url, data)
    assert response.status_code == 200
    problems = response.context["problems"]
    assert [p.anchor for p in problems] == ["id_k-title", "id_k-situation"]
    assert "Give the scenario a title." in problems[0]
    assert "Describe the situation" in problems[1]
    body = response.content.decode()
    start = body.index('id="problems"')
    summary = body[start : body.index("</div>", start)]
    assert '<a href="#id_k-title">' in summary and '<a href="#id_k-situation">' in summary
    assert "See the highlighted fields below" not in summary


def test_the_editor_fills_expect_from_the_engine(teacher, owned):
    quiz, _ = owned
    url, data = policy_form(teacher, quiz, op="fill-expect")
    data["case-action"] = "s3:PutObject"
    response = teacher.post(url, data)
    assert form_fields(response.content.decode())["k-expect"] == "ImplicitDeny"


@pytest.mark.usefixtures("template_context")
def test_a_new_scenario_is_the_authors_own_and_the_question_is_graded_by_the_engine(
    teacher, owned, instructor
):
    quiz, _ = owned
    url, data = policy_form(teacher, quiz, **{"k-ask_statement": "on", "action": "save"})
    response = teacher.post(url, data)
    assert response.status_code == 302, text(response)[:3000]
    question = Question.objects.get(type="policy_decision")
    scenario = question.scenario
    assert (scenario.source, scenario.owner, scenario.expected) == (
        Source.AUTHORED,
        instructor,
        "Allow",
    )
    assert question.ask_statement and question.problems() == []
    # The learner preview offers it and the engine grades it.
    quiz.entries.exclude(question=question).delete()
    preview = teacher.get(reverse("teach:quiz-preview", args=[quiz.pk]))
    assert "ReadReports" in text(preview)
    form = AnswerForm(question, [])
    right = next(k for k, label in form.fields["statement"].choices if "ReadReports" in label)
    checked = teacher.post(
        reverse("teach:quiz-preview-check", args=[quiz.pk, 1]),
        {"decision": "Allow", "statement": right},
    )
    assert checked.context["result"].correct
    wrong = teacher.post(
        reverse("teach:quiz-preview-check", args=[quiz.pk, 1]),
        {"decision": "ImplicitDeny", "statement": right},
    )
    assert wrong.context["result"].score == 0.5


def test_a_scenario_with_a_long_title_saves_and_so_does_a_second_with_the_same_title(
    teacher, owned
):
    """A scenario's slug column holds 50 characters; its title, 200. A long title was refused
    ("at most 50 characters") for a slug the instructor never sees."""
    quiz, _ = owned
    title = "Alice, an analyst in the finance account, reads last quarter's report " * 2
    slugs = []
    for prompt in ("What does AWS decide for Alice?", "And what does it decide now?"):
        url, data = policy_form(teacher, quiz, **{"k-title": title, "prompt": prompt})
        response = teacher.post(url, data)
        assert response.status_code == 302, text(response)[:3000]
        slugs.append(Question.objects.get(prompt=prompt).scenario.slug)
    assert slugs[0] == "alice-an-analyst-in-the-finance-account-reads-last"
    assert slugs[1] == "alice-an-analyst-in-the-finance-account-reads-la-2"


def test_another_instructors_scenario_is_neither_shown_nor_accepted(
    teacher, owned, other_instructor
):
    quiz, _ = owned
    theirs = make_scenario(title="Otto's secret case", owner=other_instructor)
    url, data = policy_form(teacher, quiz, **{"k-scenario": str(theirs.pk), "action": "save"})
    assert "Otto's secret case" not in text(teacher.get(url, follow=True))
    response = teacher.post(url, data)
    assert response.status_code == 200
    assert not Question.objects.filter(type="policy_decision").exists()
    opened = teacher.post(url, data | {"op": "load-scenario"})
    assert "Otto's secret case" not in text(opened)


def test_an_edited_curriculum_scenario_is_saved_as_the_authors_copy(teacher, owned, instructor):
    quiz, _ = owned
    original = make_scenario(
        source=Source.FILE, title="From the files", explanation="Her policy allows the read."
    )
    stored = dict(original.case)
    url = new_url(quiz, "policy_decision")
    opened = teacher.post(
        url, page_data(teacher, url) | {"k-scenario": str(original.pk), "op": "load-scenario"}
    )
    data = form_fields(opened.content.decode()) | SHARED | {"action": "save"}
    # Unchanged: the question uses the curriculum's scenario itself.
    assert teacher.post(url, data).status_code == 302
    assert Question.objects.get(type="policy_decision").scenario == original
    # Changed: a copy of the author's own; the file's row is untouched.
    data["case-action"] = "s3:PutObject"
    data["prompt"] = "And now?"
    data["k-expect"] = ""  # the opened scenario's expect no longer holds; let the engine say
    data["once"] = "another-page"  # a second new question: one page creates one (once.py)
    assert teacher.post(url, data).status_code == 302
    copy = Question.objects.get(prompt="And now?").scenario
    assert copy != original and copy.owner == instructor and copy.expected == "ImplicitDeny"
    assert copy.explanation == "Her policy allows the read."  # carried into the copy
    original.refresh_from_db()
    assert original.case == stored


def test_a_scenarios_explanation_is_written_in_the_editor_and_kept(teacher, owned):
    quiz, _ = owned
    why = "Her policy allows `s3:GetObject` and nothing denies it."
    url, data = policy_form(teacher, quiz, **{"k-explanation": why, "action": "save"})
    assert teacher.post(url, data).status_code == 302
    scenario = Question.objects.get(type="policy_decision").scenario
    assert scenario.explanation == why
    # Reopened, the editor shows it; changing only the explanation saves the author's own row.
    opened = teacher.post(
        url, page_data(teacher, url) | {"k-scenario": str(scenario.pk), "op": "load-scenario"}
    )
    fields = form_fields(opened.content.decode())
    assert fields["k-explanation"] == why
    changed = fields | SHARED | {"action": "save", "prompt": "Again?", "k-explanation": "Now so."}
    assert teacher.post(url, changed).status_code == 302
    scenario.refresh_from_db()
    assert scenario.explanation == "Now so."


def test_a_policy_typed_in_the_browser_is_stored_with_plain_line_breaks(teacher, owned):
    """A browser sends a textarea's line breaks as CR LF; the scenario keeps them as LF, as
    every other textarea does, so the file it exports and the text learners see have no CR."""
    quiz, _ = owned
    typed = policy(stmt("Allow", "s3:GetObject", sid="ReadReports")).replace("\n", "\r\n")
    assert "\r\n" in typed
    url, data = policy_form(teacher, quiz, **{"case-identity-0-text": typed, "action": "save"})
    assert teacher.post(url, data).status_code == 302
    scenario = Question.objects.get(type="policy_decision").scenario
    document = scenario.case["identity_policies"][0]["document"]
    assert "\r" not in document and document == typed.replace("\r\n", "\n")


def test_the_case_editors_buttons_work_without_javascript(teacher, owned):
    quiz, _ = owned
    url, data = policy_form(teacher, quiz, op="add-identity")
    response = teacher.post(url, data)
    fields = form_fields(response.content.decode())
    assert fields["case-identity-0-text"] == data["case-identity-0-text"]
    assert "case-identity-1-text" in fields
    assert fields["k-title"] == "Alice reads a report"


def test_a_case_past_the_sandboxs_limits_is_refused_and_kept(teacher, owned):
    quiz, _ = owned
    too_long = " " * 20_001
    url, data = policy_form(teacher, quiz, **{"case-boundary": too_long, "action": "engine"})
    live = teacher.post(url, data, **HTMX)
    assert live.status_code == 200
    assert "20,001 characters" in text(live)
    saved = teacher.post(url, data | {"action": "save"})
    assert saved.status_code == 200
    assert form_fields(saved.content.decode())["case-boundary"] == too_long
    assert not Question.objects.filter(type="policy_decision").exists()


def test_owned_scenarios_are_no_sandbox_presets(client, instructor):
    make_scenario(title="Private draft", owner=instructor)
    make_scenario(title="Shared preset")
    page = client.get(reverse("sandbox")).content.decode()
    assert "Shared preset" in page and "Private draft" not in page


# --- least-privilege challenge -------------------------------------------------------------

READ = policy(stmt("Allow", "s3:GetObject", "arn:aws:s3:::reports/*", sid="Read"))


def challenge_form(teacher, quiz, allow_rows, deny_rows, **extra) -> tuple[str, dict]:
    url = new_url(quiz, "least_privilege")
    data = page_data(teacher, url) | SHARED
    data.update(
        {
            "k-principal": ALICE,
            "k-resource_account": "111122223333",
            "k-scope": "arn:aws:s3:::reports\narn:aws:s3:::reports/*",
            "k-start_policy": policy(stmt("Allow", "s3:*")),
            "k-reference": READ,
            "action": "save",
        }
    )
    for which, rows in (("allow", allow_rows), ("deny", deny_rows)):
        data[f"{which}-TOTAL_FORMS"] = str(len(rows))
        for i, (action, resource, context) in enumerate(rows):
            data[f"{which}-{i}-action"] = action
            data[f"{which}-{i}-resource"] = resource
            data[f"{which}-{i}-context"] = context
    data.update(extra)
    return url, data


ALLOW_ROWS = [("s3:GetObject", REPORT, "")]
DENY_ROWS = [("s3:DeleteObject", REPORT, ""), ("s3:PutObject", REPORT, "")]


@pytest.mark.parametrize(
    "reference,words",
    [
        (
            policy(stmt("Allow", "s3:ListBucket", "arn:aws:s3:::reports")),
            f"must-allow request 1 (s3:GetObject on {REPORT}) is not allowed",
        ),
        (
            policy(stmt("Allow", ["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::reports/*")),
            f"must-deny request 2 (s3:PutObject on {REPORT}) is allowed",
        ),
        (
            policy(stmt("Allow", ["s3:GetObject", "s3:GetObjectTagging"], "*")),
            "it over-grants 1 action-resource pair, e.g.",
        ),
        ('{\n  "Version": "2012-10-17",\n  "Statement": [\n}', "line 4, column 1"),
    ],
    ids=["fails-a-must-allow", "allows-a-must-deny", "over-grants", "bad-json"],
)
def test_a_reference_that_fails_the_challenge_is_refused_saying_why(
    teacher, owned, reference, words
):
    quiz, _ = owned
    url, data = challenge_form(teacher, quiz, ALLOW_ROWS, DENY_ROWS, **{"k-reference": reference})
    response = teacher.post(url, data)
    assert response.status_code == 200
    assert words in text(response)
    assert not Question.objects.filter(type="least_privilege").exists()
    assert form_fields(response.content.decode())["k-reference"] == reference
    # The live check says the same as the author types.
    live = teacher.post(url, data | {"action": "check"}, **HTMX)
    assert words in text(live) and "Not ready to save" in text(live)


def test_a_reference_that_is_not_json_is_said_alike_live_and_on_save(teacher, owned):
    """The live check said "reference solution: Line 4, …" where the refused save (and every
    other line of the panel) begins "Reference solution: …"."""
    quiz, _ = owned
    broken = '{\n  "Version": "2012-10-17",\n  "Statement": [\n}'
    url, data = challenge_form(teacher, quiz, ALLOW_ROWS, DENY_ROWS, **{"k-reference": broken})
    saved = text(teacher.post(url, data))
    live = text(teacher.post(url, data | {"action": "check"}, **HTMX))
    said = "Reference solution, line 4, column 1: Expected a value here"
    assert said in saved and said in live
    assert "reference solution: Line" not in live


def test_a_refused_save_draws_the_engines_check_of_what_was_sent(teacher, owned):
    """The panel under "What the engine says" said "Fill in the requests and the reference
    solution" on a refused save, above fields holding both: the table of requests, which says
    which one fails, was gone until the author typed again."""
    quiz, _ = owned
    allows_all = policy(stmt("Allow", "s3:*", "arn:aws:s3:::reports/*"))
    url, data = challenge_form(teacher, quiz, ALLOW_ROWS, DENY_ROWS, **{"k-reference": allows_all})
    page = text(teacher.post(url, data))
    assert "Fill in the requests and the reference solution" not in page
    assert "The reference solution, request by request" in page
    assert page.count("<tr>") >= 1 + len(ALLOW_ROWS) + len(DENY_ROWS)
    assert "Over-grants: 33" in page  # each problem is said above, not a third time
    # A challenge the engine accepts, refused for a shared field (no prompt): said so too.
    url, data = challenge_form(teacher, quiz, ALLOW_ROWS, DENY_ROWS, prompt="")
    page = text(teacher.post(url, data))
    assert "passes every request and over-grants nothing" in page
    # A row the form refuses: the panel lists it, as the live check does.
    rows = [("s3:GetObject", REPORT, '{"aws:SecureTransport": tru}')]
    url, data = challenge_form(teacher, quiz, rows, DENY_ROWS)
    page = text(teacher.post(url, data))
    assert "Fill in the requests and the reference solution" not in page
    assert "what is wrong is listed at the top of the page and beside each field" in page


def test_a_saved_challenges_editor_opens_on_the_engines_check(teacher, owned):
    """It opened on "Fill in the requests and the reference solution" above the saved ones."""
    quiz, _ = owned
    url, data = challenge_form(teacher, quiz, ALLOW_ROWS, DENY_ROWS)
    teacher.post(url, data)
    question = Question.objects.get(type="least_privilege")
    page = text(teacher.get(reverse("teach:question-edit", args=[question.pk])))
    assert "Fill in the requests and the reference solution" not in page
    assert "passes every request and over-grants nothing" in page
    assert "The reference solution, request by request" in page


def test_a_bad_context_does_not_hide_a_reference_that_is_not_json(teacher, owned):
    """A request's context that did not parse hid the reference's own JSON error: the live
    check and the save said only the context, and the reference's turned up a save later."""
    quiz, _ = owned
    rows = [("s3:GetObject", REPORT, '{"aws:SecureTransport": tru}')]
    broken = '{\n  "Version": "2012-10-17",\n  "Statement": [\n}'
    url, data = challenge_form(teacher, quiz, rows, DENY_ROWS, **{"k-reference": broken})
    for response in (
        teacher.post(url, data),
        teacher.post(url, data | {"action": "check"}, **HTMX),
    ):
        said = text(response)
        assert "Must-allow request 1, context, line 1" in said
        assert "Reference solution, line 4, column 1: Expected a value here" in said
        # In the page's order: the request above the reference.
        assert said.index("Must-allow request 1, context") < said.index("Reference solution, l")
    assert not Question.objects.filter(type="least_privilege").exists()


def test_the_live_check_shows_each_request_and_the_over_grant_count(teacher, owned):
    quiz, _ = owned
    url, data = challenge_form(teacher, quiz, ALLOW_ROWS, DENY_ROWS, action="check")
    live = teacher.post(url, data, **HTMX)
    assert "passes every request and over-grants nothing" in text(live)
    assert text(live).count("<tr>") == 1 + len(ALLOW_ROWS) + len(DENY_ROWS)
    assert "Over-grants: 0" in text(live)


def test_the_over_grants_are_listed_one_action_on_a_resource_a_line(teacher, owned):
    """They were one run in parentheses, "(s3:GetObjectAcl on arn:…; s3:… on arn:…)", ten ARNs
    long: on a phone a line could end in its "(", apart from the words it opened. Each is an
    item of a list now, under the count, with no bracket to strand."""
    quiz, _ = owned
    allows_all = policy(stmt("Allow", "s3:*", "arn:aws:s3:::reports/*"))
    url, data = challenge_form(
        teacher, quiz, ALLOW_ROWS, DENY_ROWS, action="check", **{"k-reference": allows_all}
    )
    live = text(teacher.post(url, data, **HTMX))
    said = re.search(
        r'<p class="overgrants">([^<]*)</p>\s*<ul class="overgrants-list">(.*?)</ul>', live, re.S
    )
    assert said, live
    assert said[1] == "Over-grants: 33, among them:"
    items = re.findall(r"<li>(.*?)</li>", said[2])
    assert len(items) == 10  # a sample: the count says how many there are
    for item in items:
        assert re.fullmatch(
            r"<code>s3:\w+</code> on <code>arn:aws:s3:::reports[^<]*</code>", item
        ), item


def test_a_context_that_is_not_json_is_refused_at_its_line_and_column(teacher, owned):
    quiz, _ = owned
    rows = [("s3:GetObject", REPORT, '{"aws:SecureTransport": tru}')]
    url, data = challenge_form(teacher, quiz, rows, DENY_ROWS)
    response = teacher.post(url, data)
    assert response.status_code == 200
    column = rows[0][2].index("tru") + 1  # where the bad value starts
    assert f"Line 1, column {column}: Expected a value here" in text(response)
    assert form_fields(response.content.decode())["allow-0-context"] == rows[0][2]


def test_the_live_check_names_the_request_row_whose_field_is_wrong(teacher, owned):
    quiz, _ = owned
    rows = [DENY_ROWS[0], ("s3:PutObject", REPORT, '{"aws:SecureTransport": tru}')]
    url, data = challenge_form(teacher, quiz, ALLOW_ROWS, rows, action="check")
    live = text(teacher.post(url, data, **HTMX))
    assert "Must-deny request 2, context, line 1, column" in live
    assert "Must-deny request 1," not in live and "Must-allow request" not in live


@pytest.mark.parametrize(
    "row,words",
    [
        (
            ("s3:GetObject", "not-an-arn", ""),
            "Must-deny request 2: the resource must be an ARN or \"*\", not 'not-an-arn'.",
        ),
        (
            ("notaservice", REPORT, ""),
            'Must-deny request 2: the action must be "service:Action"',
        ),
    ],
    ids=["resource", "action"],
)
def test_a_request_the_engine_cannot_read_is_said_by_its_row_not_the_files_keys(
    teacher, owned, row, words
):
    """It was "Challenge must_deny #2: not a valid request: request.resource: request.resource
    must be …", in the content files' keys, above a row labelled "Must-deny request 2"."""
    quiz, _ = owned
    url, data = challenge_form(teacher, quiz, ALLOW_ROWS, [DENY_ROWS[0], row])
    said = html.unescape(summary_of(teacher.post(url, data)))
    assert words in said
    assert "must_deny" not in said and "request." not in said


@pytest.mark.usefixtures("template_context")
def test_a_good_challenge_saves_and_is_graded_by_the_engine_in_the_preview(teacher, owned):
    quiz, _ = owned
    rows = [("s3:GetObject", REPORT, '{"aws:SecureTransport": "true"}')]
    url, data = challenge_form(teacher, quiz, rows, DENY_ROWS)
    response = teacher.post(url, data)
    assert response.status_code == 302, text(response)[:3000]
    question = Question.objects.get(type="least_privilege")
    challenge = question.challenge()
    assert challenge["must_allow"] == [
        {"action": "s3:GetObject", "resource": REPORT, "context": {"aws:SecureTransport": "true"}}
    ]
    assert [r["action"] for r in challenge["must_deny"]] == ["s3:DeleteObject", "s3:PutObject"]
    assert question.data["reference"] == READ
    quiz.entries.exclude(question=question).delete()
    preview = teacher.get(reverse("teach:quiz-preview", args=[quiz.pk]))
    assert "What does AWS decide for Alice?" in text(preview)
    assert READ not in text(preview)  # the reference is never shown to learners
    check = reverse("teach:quiz-preview-check", args=[quiz.pk, 1])
    assert teacher.post(check, {"policy": READ}).context["result"].correct
    broad = teacher.post(check, {"policy": data["k-start_policy"]}).context["result"]
    assert not broad.correct


def test_request_rows_are_added_moved_and_removed_with_buttons(teacher, owned):
    quiz, _ = owned
    url, data = challenge_form(teacher, quiz, ALLOW_ROWS, DENY_ROWS, action="deny-up-1")
    moved = form_fields(teacher.post(url, data).content.decode())
    assert [moved["deny-0-action"], moved["deny-1-action"]] == ["s3:PutObject", "s3:DeleteObject"]
    added = form_fields(teacher.post(url, moved | {"action": "allow-add"}).content.decode())
    assert added["allow-TOTAL_FORMS"] == "2" and added["allow-1-action"] == ""
    removed = form_fields(teacher.post(url, added | {"action": "deny-remove-0"}).content.decode())
    assert removed["deny-TOTAL_FORMS"] == "1" and removed["deny-0-action"] == "s3:DeleteObject"
    assert removed["k-reference"] == READ


@pytest.mark.parametrize(
    "count,words",
    [(1, "it over-grants 1 action-resource pair, e.g."), (33, "33 action-resource pairs, e.g.")],
)
def test_a_reference_that_over_grants_says_how_many_in_plain_english(count, words):
    """ "over-grants 33 action-resource pair(s)": the count with the word it needs."""
    from types import SimpleNamespace

    from quizzes.kinds.least_privilege import result_problems

    result = SimpleNamespace(
        requests=[],
        unchecked=False,
        overgrants=[object()] * count,
        complete=True,
        counterexample=lambda: {"action": "s3:PutObject", "resource": REPORT},
    )
    [problem] = result_problems(result)
    assert words in problem.message and words in problem.in_words()
    assert "(s)" not in problem.message


def test_the_admin_and_loader_refuse_the_same_reference(owned):
    """The check lives in the kind, so `Question.clean()` (admin, loader) says the same."""
    from django.core.exceptions import ValidationError

    from tests.quizzes.builders import CHALLENGE, make_question

    question = make_question(
        "least_privilege",
        data={"challenge": CHALLENGE, "reference": policy(stmt("Allow", "s3:*"))},
    )
    with pytest.raises(ValidationError) as caught:
        question.full_clean()
    assert "must-deny request #1 (s3:DeleteObject on arn:aws:s3:::reports/q1.csv) is allowed" in (
        str(caught.value)
    )
    question.data["reference"] = policy(
        stmt("Allow", "s3:GetObject", "arn:aws:s3:::reports/q1.csv")
    )
    question.full_clean()


# --- the registry: both kinds round-trip through their authoring form ------------------------


@pytest.mark.parametrize("kind", ["policy_decision", "least_privilege"])
def test_both_kinds_round_trip_through_the_editor(teacher, owned, kind, learner):
    quiz, _ = owned
    if kind == "policy_decision":
        url, data = policy_form(teacher, quiz, action="save")
    else:
        url, data = challenge_form(teacher, quiz, ALLOW_ROWS, DENY_ROWS)
    assert teacher.post(url, data).status_code == 302
    question = Question.objects.get(type=kind)
    stored = (question.data, question.scenario_id, question.ask_statement)
    scenarios = Scenario.objects.count()
    edit = reverse("teach:question-edit", args=[question.pk])
    again = page_data(teacher, edit) | {"action": "save"}
    assert teacher.post(edit, again).status_code == 302
    question.refresh_from_db()
    assert (question.data, question.scenario_id, question.ask_statement) == stored
    assert Scenario.objects.count() == scenarios
    assert question.problems() == []
    # And a learner's right answer gets full marks from the engine.
    if kind == "policy_decision":
        answer = {"decision": question.scenario.expected}
    else:
        answer = {"policy": question.data["reference"]}
    form = AnswerForm(question, question.layout_ids(), answer)
    assert form.is_valid(), form.errors
    assert grade(question, form.response()).correct


# --- no input gives a 500 ----------------------------------------------------------------


FILLED: dict[str, dict] = {}  # kind -> the filled-in editor the junk is added to


@pytest.mark.parametrize(
    "kind,junk",
    [
        ("policy_decision", {"op": "remove-identity:99999"}),
        ("policy_decision", {"op": "remove-identity:²"}),
        ("policy_decision", {"op": "add-context:" + "x" * 5000}),
        ("policy_decision", {"k-scenario": "not-a-number", "op": "load-scenario"}),
        ("policy_decision", {"k-scenario": "999999", "action": "save"}),
        ("policy_decision", {"case-identity-0-text": '{"Statement": [' * 500}),
        ("policy_decision", {"case-identity-0-text": "[]", "action": "save"}),
        ("policy_decision", {"case-ctx-0-value": "[" * 5000, "action": "engine"}),
        ("policy_decision", {"case-identity-9999-text": "{}", "action": "engine"}),
        ("least_privilege", {"allow-TOTAL_FORMS": "abc"}),
        ("least_privilege", {"allow-TOTAL_FORMS": "100000", "action": "check"}),
        ("least_privilege", {"action": "allow-up-99999999999"}),
        ("least_privilege", {"action": "deny-remove-٣"}),
        ("least_privilege", {"allow-0-context": "[" * 5000, "action": "check"}),
        ("least_privilege", {"k-reference": '{"Statement": 1e999999}', "action": "check"}),
        ("least_privilege", {"k-principal": "", "k-reference": "", "action": "check"}),
    ],
)
def test_junk_never_gives_a_500(teacher, owned, kind, junk):
    quiz, _ = owned
    if kind not in FILLED:
        # The editor's page as first drawn, filled in: the same for every junk of a kind (a
        # new question of a quiz with no module), so read once, not once per junk.
        if kind == "policy_decision":
            FILLED[kind] = policy_form(teacher, quiz)[1]
        else:
            FILLED[kind] = challenge_form(teacher, quiz, ALLOW_ROWS, DENY_ROWS)[1]
    url, data = new_url(quiz, kind), FILLED[kind]
    for headers in ({}, HTMX):
        response = teacher.post(url, data | junk, **headers)
        assert response.status_code in (200, 302), response.status_code


def test_the_action_suggestions_follow_the_prefixed_field(client):
    """In the question editor the action field is `case-action`; htmx also sends the live
    update's own `action` value, which must not be read as the typed action."""
    response = client.get(reverse("sandbox-actions"), {"case-action": "s3:GetObj", "action": "x"})
    assert "s3:GetObject" in response.content.decode()


def test_saving_writes_only_to_the_scenario_the_editor_holds(teacher, owned, instructor):
    """Choosing another scenario in the menu without opening it must not pour the case on
    screen into it."""
    quiz, _ = owned
    mine = make_scenario(title="Mine, untouched", owner=instructor)
    stored = dict(mine.case)
    url, data = policy_form(teacher, quiz, **{"k-scenario": str(mine.pk), "action": "save"})
    data["case-action"] = "s3:PutObject"
    response = teacher.post(url, data)
    assert response.status_code == 200
    assert "Open the chosen scenario first" in text(response)
    assert "The question was not saved" in text(response)
    mine.refresh_from_db()
    assert mine.case == stored
    # Opened, then edited and saved: the author's own scenario changes in place.
    opened = form_fields(teacher.post(url, data | {"op": "load-scenario"}).content.decode())
    assert opened["k-opened"] == str(mine.pk)
    edited = opened | SHARED | {"case-action": "s3:PutObject", "k-expect": "", "action": "save"}
    assert teacher.post(url, edited).status_code == 302
    mine.refresh_from_db()
    assert mine.case["request"]["action"] == "s3:PutObject"
    assert mine.expected == "ImplicitDeny"
    assert Question.objects.get(type="policy_decision").scenario == mine


def _challenge() -> dict:
    allow = [{"action": "s3:GetObject", "resource": REPORT}]
    deny = [{"action": a, "resource": REPORT} for a in ("s3:DeleteObject", "s3:PutObject")]
    scope = ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]
    return {"principal": ALICE, "must_allow": allow, "must_deny": deny, "scope": scope}


@pytest.mark.parametrize(
    "text",
    [
        policy(stmt("Allow", "s3:*")),  # a must-deny request allowed
        policy(stmt("Allow", "s3:ListBucket")),  # the must-allow request refused
        policy(stmt("Allow", ["s3:GetObject", "s3:GetObjectTagging"], "arn:aws:s3:::reports/*")),
        READ,  # solves it
        policy(stmt("Allow", "s3:GetObject", "arn:aws:s3:::reports/q1.csv")),  # solves it
    ],
)
def test_a_start_policy_is_judged_the_same_when_grading_stops_at_the_first_fault(text):
    """The editor asks whether a challenge's start policy solves it already; `first_fault`
    answers that without grading the rest of a broad policy."""
    full = check_policy(_challenge(), text)
    quick = check_policy(_challenge(), text, first_fault=True)
    assert quick.correct == full.correct
    if full.correct:  # nothing to stop at: the whole grade
        assert quick == full


def test_grading_stops_at_the_first_over_grant_when_asked():
    broad = policy(stmt("Allow", ["s3:GetObject", "s3:Get*"], "arn:aws:s3:::reports/*"))
    full = check_policy(_challenge(), broad)
    quick = check_policy(_challenge(), broad, first_fault=True)
    assert len(full.overgrants) > 1 and full.complete
    assert quick.overgrants == full.overgrants[:1] and not quick.complete
    assert not quick.correct


# --- what a live update says to a screen reader (srm_trainer/live_status.py) -------------------


def test_the_policy_key_is_said_in_the_pages_status_region(teacher, owned):
    from tests.test_live_status import assert_not_live, region_of, said

    quiz, _ = owned
    url, data = policy_form(teacher, quiz, action="engine")
    assert_not_live(region_of(teacher.get(url, follow=True)), "live")
    assert said(teacher.post(url, data, **HTMX)) == "Decision: " + WORDS["Allow"]
    # A button that reshapes the editor says the decision of the result it brings.
    reshaped = teacher.post(url, data | {"op": "add-identity", "action": ""}, **HTMX)
    assert 'id="pd-editor"' in text(reshaped)
    assert said(reshaped) == "Decision: " + WORDS["Allow"]


def test_the_challenge_check_is_said_in_a_sentence_not_its_table(teacher, owned):
    from tests.test_live_status import assert_not_live, region_of, said

    quiz, _ = owned
    url, data = challenge_form(teacher, quiz, ALLOW_ROWS, DENY_ROWS, action="check")
    assert_not_live(region_of(teacher.get(url, follow=True)), "lp-check")
    passing = teacher.post(url, data, **HTMX)
    assert said(passing) == "The reference solution passes every request and over-grants nothing."
    assert "<table" in text(passing)  # shown in #lp-check, not read out
    failing = teacher.post(url, data | {"k-reference": "{"}, **HTMX)
    assert said(failing).startswith("Not ready to save: ")


# --- a policy that does not parse, saved -----------------------------------------------------

BROKEN = (
    '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow" "Action": "*"}\n  ]\n}'
)


def summary_of(response) -> str:
    """The "not saved" box at the top of the editor, as text."""
    found = re.search(
        r'<div class="form-error"[^>]*id="problems"[^>]*>(.*?)</div>', text(response), re.S
    )
    assert found, "no summary of the refusal"
    return re.sub(r"<[^>]+>", " ", found.group(1))


@pytest.mark.parametrize("expect", ["", "Allow"])
def test_a_policy_that_is_not_json_is_refused_at_its_line_and_column_when_saved(
    teacher, owned, expect
):
    """The summary says which policy, where, and what: it said "Scenario: case.expect must be
    Allow, ExplicitDeny or ImplicitDeny" (the engine could not fill in the key), beside the
    expected decision, which the teacher had not touched."""
    quiz, _ = owned
    url, data = policy_form(
        teacher, quiz, **{"case-identity-0-text": BROKEN, "k-expect": expect, "action": "save"}
    )
    before = (Question.objects.count(), Scenario.objects.count())
    response = teacher.post(url, data)
    assert response.status_code == 200
    assert (Question.objects.count(), Scenario.objects.count()) == before
    summary = " ".join(summary_of(response).split())
    column = BROKEN.splitlines()[3].index('"Action"') + 1
    assert (
        f"Identity policy 1, line 4, column {column}: Expected a comma between two items here."
        in summary
    )
    assert "case.expect" not in text(response) and "invalid case" not in text(response)
    assert '<a href="#editor-identity-0">' in text(response)  # the summary leads to the policy
    assert form_fields(response.content.decode())["case-identity-0-text"] == BROKEN


# --- every problem of a policy question on one save ------------------------------------------

# A policy that ends before its brackets close: its mistake is on line 3.
CUT_SHORT = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "*"'


def test_a_typed_new_address_does_not_hide_the_policies_mistakes(teacher, owned):
    """A new instructor names their new scenario in "Scenario address": that refusal was the
    summary's only line, and the policy that is not JSON was said on the save after."""
    quiz, _ = owned
    url, data = policy_form(
        teacher,
        quiz,
        **{"k-scenario": "my-first-scenario", "case-identity-0-text": BROKEN, "action": "save"},
    )
    before = (Question.objects.count(), Scenario.objects.count())
    response = teacher.post(url, data)
    assert (Question.objects.count(), Scenario.objects.count()) == before
    summary = " ".join(summary_of(response).split())
    assert "“my-first-scenario” is not the address of a scenario you may use" in summary
    column = BROKEN.splitlines()[3].index('"Action"') + 1
    assert (
        f"Identity policy 1, line 4, column {column}: Expected a comma between two items here."
        in summary
    )
    body = text(response)
    assert '<a href="#id_k-scenario">' in body and '<a href="#editor-identity-0">' in body
    assert form_fields(response.content.decode())["case-identity-0-text"] == BROKEN


@pytest.mark.parametrize("address", ["", "my-first-scenario"])
def test_each_policy_that_is_not_json_is_named_and_linked_in_the_summary(teacher, owned, address):
    """Both policies were marked beside their editors, but the summary named only the first
    (the engine stops at it): whether the rest of the form passed or not."""
    quiz, _ = owned
    url, data = policy_form(
        teacher,
        quiz,
        **{
            "k-scenario": address,
            "case-identity-0-text": BROKEN,
            "case-identity-1-text": CUT_SHORT,
            "action": "save",
        },
    )
    response = teacher.post(url, data)
    assert response.status_code == 200
    body = text(response)
    summary = " ".join(summary_of(response).split())
    assert "Identity policy 1, line 4, column" in summary
    assert "Identity policy 2, line 3, column" in summary
    assert "The text ends before every { and [ in it is closed." in summary
    assert '<a href="#editor-identity-0">' in body and '<a href="#editor-identity-1">' in body
    assert not Question.objects.filter(type="policy_decision", owner__isnull=False).exists()


def test_a_refused_prompt_does_not_hide_the_policys_mistake(teacher, owned):
    """The shared fields and the scenario are checked on the same save: a new scenario's
    policy was checked only once the prompt passed."""
    quiz, _ = owned
    url, data = policy_form(
        teacher, quiz, **{"prompt": "", "case-identity-0-text": BROKEN, "action": "save"}
    )
    response = teacher.post(url, data)
    summary = " ".join(summary_of(response).split())
    assert "Prompt" in summary
    assert "Identity policy 1, line 4, column" in summary
    assert '<a href="#editor-identity-0">' in text(response)
    assert not Question.objects.filter(type="policy_decision", owner__isnull=False).exists()


def test_without_resources_to_probe_a_reference_that_grants_everything_is_refused(teacher, owned):
    """Left empty, the resources to probe are the requests' own: a reference of `*` on `*`
    over-grants there, where it used to be checked as granting nothing more."""
    quiz, _ = owned
    everything = policy(stmt("Allow", "*"))
    url, data = challenge_form(
        teacher, quiz, ALLOW_ROWS, [], **{"k-scope": "", "k-reference": everything}
    )
    response = teacher.post(url, data)
    assert response.status_code == 200
    assert "it over-grants" in text(response)
    assert not Question.objects.filter(type="least_privilege").exists()
    url, data = challenge_form(teacher, quiz, ALLOW_ROWS, [], **{"k-scope": ""})
    assert teacher.post(url, data).status_code == 302
    question = Question.objects.get(type="least_privilege")
    assert question.challenge()["scope"] == []
    assert not grade(question, {"policy": everything}).correct
