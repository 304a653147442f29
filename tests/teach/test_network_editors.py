"""The network questions' editors: a flow decision or a WAF rule question is written in /teach/
as a case in JSON, refused with the kind's own words at the line of the field they are about,
and shown as a learner sees it with the engine's key."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.urls import reverse

from quizzes.forms import AnswerForm
from quizzes.grading import grade
from quizzes.kinds.flow_fix import rules_of
from quizzes.models import Question
from teach.transfer import importer, json_format
from tests.quizzes.builders import HTTP_FLOW, SSH_FLOW, WAF_CASE, make_question, web_network
from tests.teach.formdata import form_fields, page_data, text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
SHARED = {
    "prompt": "Does this connection reach the web server?",
    "explanation": "The network ACL forgets the reply's ports.",
    "category": "network",
    "misconceptions": "",
}


def new_url(quiz, kind: str) -> str:
    return reverse("teach:question-create", args=[quiz.pk, kind])


def edit_url(question) -> str:
    return reverse("teach:question-edit", args=[question.pk])


def summary_of(response) -> str:
    """The "not saved" box at the top of the editor, as text."""
    found = re.search(
        r'<div class="form-error"[^>]*id="problems"[^>]*>(.*?)</div>', text(response), re.S
    )
    assert found, "no summary of the refusal"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def stored_as(kind: str, owner, source: str, *, drop: str = "") -> Question:
    """A question of `kind` as the content loader stores it (`loader`: the builder's, every
    field), or as an import of its export stores it (`import`; `drop`: a data key the file
    leaves out)."""
    made = make_question(kind, owner=owner, lesson=None, module=None)
    if source == "import":
        document = json.loads(json_format.export_bank([made], "b"))
        if drop:
            document["questions"][0]["data"].pop(drop)
        Question.objects.filter(pk=made.pk).delete()
        importer.run(json_format.dump(document), "json", owner=owner)
    return Question.objects.get(type=kind)


def saved_back_unchanged(client, question) -> dict:
    """Open the question's editor and save what it drew: its data must come back the same.
    Returns the fields the editor drew."""
    stored = json.loads(json.dumps(question.data))
    url = edit_url(question)
    opened = page_data(client, url)
    response = client.post(url, opened | {"action": "save"})
    assert response.status_code == 302, summary_of(response)
    question.refresh_from_db()
    assert question.data == stored
    return opened


def key_of(response) -> str:
    found = re.search(r'class="key-decision">([^<]*)<', text(response))
    return found.group(1) if found else ""


def flow_case(**changes) -> dict:
    return {"network": web_network(), "flow": dict(HTTP_FLOW)} | changes


def case_json(case: dict) -> str:
    return json.dumps(case, indent=2)


def flow_form(teacher, quiz, case: dict | str, **fields) -> tuple[str, dict]:
    url = new_url(quiz, "flow_decision")
    data = page_data(teacher, url) | SHARED
    data["k-case"] = case if isinstance(case, str) else case_json(case)
    data["action"] = "save"
    data.update(fields)
    return url, data


def waf_form(teacher, quiz, case: dict | str, **fields) -> tuple[str, dict]:
    url = new_url(quiz, "waf_rule")
    data = page_data(teacher, url) | SHARED | {"prompt": "Which rule acts on request 121?"}
    data["k-case"] = case if isinstance(case, str) else case_json(case)
    data["action"] = "save"
    data.update(fields)
    return url, data


def error_beside(response, field: str) -> list[str]:
    """The errors drawn beside field `field` (its `aria-describedby` names them)."""
    page = response.content.decode()
    control = re.search(rf'<(?:textarea|input)[^>]*name="{field}"[^>]*>', page)
    assert control, f"no control {field}"
    described = re.search(r'aria-describedby="([^"]*)"', control.group(0))
    assert described, f"{field} is described by nothing"
    assert 'aria-invalid="true"' in control.group(0)
    out = []
    for ident in described.group(1).split():
        block = re.search(rf'id="{ident}"[^>]*>(.*?)</(?:ul|div|p)>', page, re.S)
        if block:
            out.append(html.unescape(" ".join(re.sub(r"<[^>]+>", " ", block.group(1)).split())))
    return out


# --- flow decision ------------------------------------------------------------------------


def test_the_quiz_page_offers_the_network_editors_and_says_no_kind_lacks_one(teacher, owned):
    quiz, _ = owned
    question = make_question("flow_decision", owner=quiz.owner)
    quiz.entries.create(question=question, order=5)
    page = text(teacher.get(reverse("teach:quiz", args=[quiz.pk])))
    assert new_url(quiz, "flow_decision") in page and new_url(quiz, "waf_rule") in page
    assert edit_url(question) in page
    assert "No editor here yet" not in page
    assert new_url(quiz, "flow_fix") in page
    assert "New: WAF rule (which rule acts)" in page  # "WAF" kept in capitals
    assert "have no editor here" not in page  # every kind has one now


def test_the_gift_note_names_a_waf_question_with_waf_in_capitals(teacher, owned):
    quiz, _ = owned
    question = make_question("waf_rule", owner=quiz.owner)
    quiz.entries.create(question=question, order=5)
    page = text(teacher.get(reverse("teach:quiz", args=[quiz.pk])))
    assert f"{question.slug} (WAF rule (which rule acts))" in page and "waf rule" not in page


def test_a_flow_question_is_written_saved_and_graded_by_the_engine(teacher, owned):
    quiz, _ = owned
    url, data = flow_form(teacher, quiz, flow_case(), **{"k-ask_hop": "on"})
    response = teacher.post(url, data)
    assert response.status_code == 302, summary_of(response)
    question = Question.objects.get(type="flow_decision")
    assert question.data == {"case": flow_case(), "ask_hop": True}
    assert question.problems() == []
    assert quiz.entries.filter(question=question).exists()
    # The key is the engine's: the edge network ACL forgets the reply's ephemeral ports.
    key = question.kind.key(question)
    assert key["key"] == "reply_blocked" and key["hop"] == "network_acl:edge"
    form = AnswerForm(question, [], {"verdict": "reply_blocked", "hop": "network_acl:edge"})
    assert form.is_valid(), form.errors
    assert grade(question, form.response()).correct


def test_bad_json_is_refused_at_its_line_and_column_and_kept(teacher, owned):
    quiz, _ = owned
    broken = case_json(flow_case()).replace('"port": 80', '"port": 80,', 1)
    broken = broken.replace('"flow": {', '"flow": {\n    "x" 1,', 1)
    url, data = flow_form(teacher, quiz, broken)
    response = teacher.post(url, data)
    assert response.status_code == 200
    assert not Question.objects.filter(type="flow_decision").exists()
    line = next(n for n, t in enumerate(broken.splitlines(), 1) if '"x" 1' in t)
    column = broken.splitlines()[line - 1].index("1") + 1
    beside = " ".join(error_beside(response, "k-case"))
    assert f"Line {line}, column {column}: Expected a colon after the name." in beside
    kept = form_fields(response.content.decode())
    assert kept["k-case"] == broken  # nothing typed is lost
    assert kept["prompt"] == SHARED["prompt"]


def test_a_key_written_twice_is_refused_as_the_import_refuses_it(teacher, owned):
    quiz, _ = owned
    twice = '{\n  "network": {},\n  "flow": {},\n  "flow": {}\n}'
    url, data = flow_form(teacher, quiz, twice)
    beside = " ".join(error_beside(teacher.post(url, data), "k-case"))
    assert "Line 4, column 3: The key 'flow' appears twice in one object." in beside


def test_every_problem_of_the_case_is_listed_each_at_its_line(teacher, owned, instructor):
    """The words are the kind's (the import says the same), each with the line of the case's
    text holding the field it is about."""
    quiz, _ = owned
    case = flow_case()
    nacl = case["network"]["network_acls"][0]
    nacl["inbound"][0]["action"] = "permit"
    nacl["outbound"][0]["cidr"] = "everywhere"
    typed = case_json(case)
    url, data = flow_form(teacher, quiz, typed)
    response = teacher.post(url, data)
    assert response.status_code == 200
    lines = typed.splitlines()
    permit = next(n for n, t in enumerate(lines, 1) if '"action": "permit"' in t)
    everywhere = next(n for n, t in enumerate(lines, 1) if '"cidr": "everywhere"' in t)
    wanted = [
        f"Line {permit}: case: Network ACL edge, inbound rule 100, action: must be one of allow, "
        "deny, not 'permit'.",
        f"Line {everywhere}: case: Network ACL edge, outbound rule 100, CIDR: 'everywhere' is "
        "not a CIDR block such as 10.0.0.0/16.",
    ]
    summary = summary_of(response)
    beside = " ".join(error_beside(response, "k-case"))
    for words in wanted:
        assert words in summary and words in beside
    assert '<a href="#id_k-case">' in response.content.decode()
    assert form_fields(response.content.decode())["k-case"] == typed
    # The import of the same question says the same words.
    question = make_question("flow_decision", owner=instructor, lesson=None, data={"case": case})
    document = json.loads(json_format.export_bank([question], "b"))
    Question.objects.filter(pk=question.pk).delete()
    with pytest.raises(Exception) as caught:
        importer.run(json_format.dump(document), "json", owner=instructor)
    said = [e.message.split(": ", 1)[1] for e in caught.value.errors]  # type: ignore[attr-defined]
    assert [w.split(": ", 1)[1].rstrip(".") for w in wanted] == said


def test_an_expect_the_engine_contradicts_is_refused_at_its_line(teacher, owned):
    quiz, _ = owned
    typed = case_json(flow_case(expect={"request": "allowed", "reply": "allowed"}))
    url, data = flow_form(teacher, quiz, typed)
    response = teacher.post(url, data)
    assert response.status_code == 200
    line = next(n for n, t in enumerate(typed.splitlines(), 1) if '"reply": "allowed"' in t)
    assert (
        f"Line {line}: case: your expected answer says the reply gets back, but the network "
        "blocks it: network ACL edge (outbound, the final * rule) on the reply."
    ) in summary_of(response)


def test_a_case_that_is_not_an_object_or_lacks_a_flow_is_refused(teacher, owned):
    quiz, _ = owned
    url, data = flow_form(teacher, quiz, "[1, 2]")
    assert "The case is a JSON object" in " ".join(error_beside(teacher.post(url, data), "k-case"))
    url, data = flow_form(teacher, quiz, case_json({"network": web_network()}))
    response = teacher.post(url, data)
    assert (
        "'case' must be a flow case: an object with network and flow; it has no flow"
        in summary_of(response)
    )


def test_the_live_check_shows_the_question_as_learners_see_it_with_the_engines_key(teacher, owned):
    quiz, _ = owned
    url, data = flow_form(teacher, quiz, flow_case(), action="check", **{"k-ask_hop": "on"})
    live = teacher.post(url, data, **HTMX)
    assert live.status_code == 200 and "<html" not in text(live)
    assert key_of(live) == "The request arrives, but the reply is blocked"
    assert "Blocked at: The network ACL edge" in text(live)
    assert "What happens to this connection?" in text(live)  # the learner's controls
    assert "Where is it blocked?" in text(live)
    assert SHARED["prompt"] in text(live)
    assert 'name="verdict"' in text(live) and "disabled" in text(live)  # never posted
    assert "The key: The request arrives, but the reply is blocked" in text(live)  # said
    # Changing the network changes the key.
    fixed = flow_case(network=web_network(ephemeral=True))
    again = teacher.post(url, data | {"k-case": case_json(fixed)}, **HTMX)
    assert key_of(again).startswith("It works")
    # A case the engine refuses: its problems, and no key.
    bad = teacher.post(url, data | {"k-case": "{"}, **HTMX)
    assert "Not ready to save" in text(bad) and "line 1, column 2" in text(bad)
    # Without JavaScript the button draws the whole page with the same panel.
    page = teacher.post(url, data)  # action=check
    assert page.status_code == 200 and "<html" in text(page)
    assert key_of(page) == "The request arrives, but the reply is blocked"


@pytest.mark.parametrize("source", ["loader", "import"])
def test_an_existing_flow_question_opens_with_its_data_and_saves_back_unchanged(
    teacher, owned, instructor, source
):
    quiz, _ = owned
    if source == "loader":  # as the content loader stores it (every case field, ask_hop)
        case = flow_case(
            name="reply-ports", doc="https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ports.html",
            expect={"request": "allowed", "reply": "blocked"},
        )  # fmt: skip
        question = make_question("flow_decision", owner=instructor, data={"case": case})
        question.data["ask_hop"] = False
        question.save()
    else:  # imported without ask_hop (false when left out)
        question = stored_as("flow_decision", instructor, "import", drop="ask_hop")
    opened = saved_back_unchanged(teacher, question)
    assert json.loads(opened["k-case"]) == question.data["case"]
    assert ("k-ask_hop" in opened) is bool(question.data.get("ask_hop"))
    url = edit_url(question)
    # The stored question's page shows its key already.
    assert key_of(teacher.get(url)) == "The request arrives, but the reply is blocked"


def test_the_markdown_preview_keeps_the_case_as_typed(teacher, owned):
    quiz, _ = owned
    typed = "{\n  not json yet"
    url, data = flow_form(teacher, quiz, typed, action="preview", **{"k-ask_hop": "on"})
    page = form_fields(teacher.post(url, data).content.decode())
    assert page["k-case"] == typed and page["k-ask_hop"] == "on"


# --- WAF rule -----------------------------------------------------------------------------


def waf_case() -> dict:
    return json.loads(json.dumps(WAF_CASE))


def test_a_waf_question_is_written_saved_and_graded_by_the_engine(teacher, owned):
    quiz, _ = owned
    url, data = waf_form(teacher, quiz, waf_case(), **{"k-ask_number": "121"})
    response = teacher.post(url, data)
    assert response.status_code == 302, summary_of(response)
    question = Question.objects.get(type="waf_rule")
    # Typed as the panel numbers the requests (from 1), stored as the file's index (from 0).
    assert question.data == {"case": waf_case(), "ask_index": 120}
    assert question.kind.key(question)["key"] == "rate"
    form = AnswerForm(question, [], {"rule": "rate"})
    assert form.is_valid(), form.errors
    assert grade(question, form.response()).correct
    # The quiz's learner preview asks it and grades it with the engine.
    quiz.entries.exclude(question=question).delete()
    preview = text(teacher.get(reverse("teach:quiz-preview", args=[quiz.pk])))
    assert "Which rule acts on request 121?" in preview and "Rule watch-admin" in preview
    check = reverse("teach:quiz-preview-check", args=[quiz.pk, 1])
    assert "Right." in text(teacher.post(check, {"rule": "rate"}))
    assert "Not right." in text(teacher.post(check, {"rule": "Default_Action"}))


def test_a_blank_index_asks_about_the_last_request(teacher, owned):
    quiz, _ = owned
    url, data = waf_form(teacher, quiz, waf_case(), **{"k-ask_number": ""})
    assert teacher.post(url, data).status_code == 302
    assert Question.objects.get(type="waf_rule").data == {"case": waf_case()}


def test_the_request_box_counts_from_1_as_the_panel_does(teacher, owned):
    """The box took the file's index from 0 beside a panel saying "Request 121 of 150" and
    messages naming requests from 1: typed 120 for the panel's request 120, the question was
    about request 121."""
    quiz, _ = owned
    url, data = waf_form(teacher, quiz, waf_case(), **{"k-ask_number": "1"})
    page = text(teacher.get(url, follow=True))
    assert "Which request the question is about: its number, from 1 (blank: the last)" in page
    assert "its index from 0" not in page
    live = text(teacher.post(url, data | {"action": "check"}, **HTMX))
    assert "Request 1 of 150" in live and "request number 1 to arrive" in live
    assert teacher.post(url, data).status_code == 302
    assert Question.objects.get(type="waf_rule").data["ask_index"] == 0


def test_a_page_drawn_before_the_box_counted_from_1_keeps_its_request(teacher, owned):
    """An editor opened before the box was renamed sends `k-ask_index`, from 0: read as blank,
    it silently asked about the last request instead of the one chosen."""
    quiz, _ = owned
    url, data = waf_form(teacher, quiz, waf_case())
    del data["k-ask_number"]
    assert teacher.post(url, data | {"k-ask_index": "120"}).status_code == 302
    assert Question.objects.get(type="waf_rule").data["ask_index"] == 120


@pytest.mark.parametrize(
    "number,said",
    [
        ("151", "There is no request 151 in the case"),
        ("-1", "There is no request -1 in the case"),
        ("0", "Requests are numbered from 1, as the key below numbers them"),
    ],
)
def test_a_number_past_the_requests_is_refused_beside_it_in_the_kinds_words(
    teacher, owned, number, said
):
    quiz, _ = owned
    url, data = waf_form(teacher, quiz, waf_case(), **{"k-ask_number": number})
    response = teacher.post(url, data)
    assert response.status_code == 200
    words = (
        f"{said}: give a number from 1 to 150 (each copy of a repeated request counted), or "
        "leave it blank for the last request."
    )
    assert words in " ".join(error_beside(response, "k-ask_number"))
    assert words in summary_of(response)
    assert form_fields(response.content.decode())["k-ask_number"] == number
    assert not Question.objects.filter(type="waf_rule").exists()


def test_every_problem_of_a_web_acl_is_listed_at_its_line(teacher, owned):
    quiz, _ = owned
    case = waf_case()
    case["web_acl"]["Rules"][0]["Action"] = {"Permit": {}}
    case["web_acl"]["Rules"][1]["Priority"] = "first"
    typed = case_json(case)
    url, data = waf_form(teacher, quiz, typed)
    response = teacher.post(url, data)
    assert response.status_code == 200
    summary = summary_of(response)
    lines = typed.splitlines()
    permit = next(n for n, t in enumerate(lines, 1) if '"Action": {' in t)  # rule 0's
    first = next(n for n, t in enumerate(lines, 1) if '"first"' in t)
    assert (
        f'Line {permit}: case: Web ACL, rule 1 ("watch-admin"), Action: must be one of' in summary
    )
    assert (
        f'Line {first}: case: Web ACL, rule 2 ("rate"), Priority: must be a whole number' in summary
    )
    assert summary.index(f"Line {permit}:") < summary.index(f"Line {first}:")
    assert form_fields(response.content.decode())["k-case"] == typed


def test_an_expect_about_a_request_names_it_as_the_panel_numbers_it(teacher, owned, instructor):
    """The panel says "Request 1 of 150"; the engine's own words name the case file's index
    ("request 0"). The editor, the loader and an import all say the panel's number."""
    quiz, _ = owned
    case = waf_case()
    case["expect"] = {"requests": [{"index": 0, "action": "Block"}]}
    typed = case_json(case)
    url, data = waf_form(teacher, quiz, typed)
    response = teacher.post(url, data)
    assert response.status_code == 200
    line = next(n for n, t in enumerate(typed.splitlines(), 1) if '"action": "Block"' in t)
    words = (
        f"Line {line}: case: Request 1 of 150: your expected answer says it is blocked, but the "
        "web ACL allows it (no rule matched)."
    )
    assert words in html.unescape(summary_of(response))
    assert words in " ".join(error_beside(response, "k-case"))
    assert "request 0" not in html.unescape(summary_of(response))
    live = html.unescape(text(teacher.post(url, data | {"action": "check"}, **HTMX)))
    assert words in live and "request 0" not in live
    # The last request, when the check names none: the panel's "Request 150 of 150".
    case["expect"] = {"action": "Allow"}
    response = teacher.post(url, data | {"k-case": case_json(case)})
    last = (
        "Request 150 of 150: your expected answer says it is allowed, but the web ACL blocks it "
        'by rule 2 ("rate")'
    )
    assert last in html.unescape(summary_of(response))
    # A question stored so (by the loader, before the check) opens saying the panel's number.
    stored = make_question("waf_rule", owner=instructor, lesson=None, data={"case": case})
    opened = html.unescape(text(teacher.get(edit_url(stored))))
    assert last in opened and "request 149" not in opened
    # The loader and an import say the same words (the line gives the file's place).
    assert last in stored.problems()[0].message


def test_the_waf_live_check_shows_the_rules_learners_choose_from_and_the_key(teacher, owned):
    quiz, _ = owned
    url, data = waf_form(teacher, quiz, waf_case(), action="check", **{"k-ask_number": "121"})
    live = text(teacher.post(url, data, **HTMX))
    assert re.search(r"Request 121 of 150: <strong[^>]*>rule rate</strong>, action Block", live)
    assert "Rule watch-admin (priority 0)" in live and "None: the web ACL's default action" in live
    assert "The question is about request number 121 to arrive." in live
    early = text(teacher.post(url, data | {"k-ask_number": "6"}, **HTMX))
    assert "Request 6 of 150" in early and "the default action" in early


@pytest.mark.parametrize("source", ["loader", "import"])
def test_an_existing_waf_question_opens_with_its_data_and_saves_back_unchanged(
    teacher, owned, instructor, source
):
    question = stored_as("waf_rule", instructor, source)
    opened = saved_back_unchanged(teacher, question)
    assert json.loads(opened["k-case"]) == question.data["case"]
    # Stored as the file's index 120; shown as the panel numbers it, request 121.
    assert opened["k-ask_number"] == "121"


# --- no input gives a 500 -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["flow_decision", "waf_rule", "flow_fix"])
@pytest.mark.parametrize(
    "junk",
    [
        {"case": "[" * 5000},
        {"case": '{"network": 1e999999}'},
        {"case": '{"a": "\\ud800"}'},
        {"case": "x" * 100_001},
        {"case": '{"network": {"subnets": "x"}, "flow": [], "web_acl": 3, "request": 1}'},
        {"case": '{"network": {}, "must_allow": [1], "must_block": "x"}'},
        {"case": "{}", "k-ask_number": "9" * 40},
        {"k-ask_number": "9" * 40},
        {"k-ask_number": "abc"},
        {"case": '"just text"'},
        {"k-reference": "[" * 5000},
        {"k-reference": '{"network_acls": 5, "security_groups": [{"name": 3}]}'},
    ],
)
def test_junk_never_gives_a_500(teacher, owned, kind, junk):
    quiz, _ = owned
    if kind == "flow_fix":
        url, data = fix_form(teacher, quiz, challenge())
    else:
        make = flow_form if kind == "flow_decision" else waf_form
        url, data = make(teacher, quiz, flow_case() if kind == "flow_decision" else waf_case())
    box = "k-challenge" if kind == "flow_fix" else "k-case"
    junk = {box if name == "case" else name: value for name, value in junk.items()}
    for action in ("save", "check"):
        for headers in ({}, HTMX):
            response = teacher.post(url, data | junk | {"action": action}, **headers)
            assert response.status_code in (200, 302), response.status_code


def test_a_refused_save_says_the_json_problem_in_the_summary_and_the_panel(teacher, owned):
    quiz, _ = owned
    url, data = flow_form(teacher, quiz, "{\n  ]")
    response = teacher.post(url, data)
    words = "The case (JSON), line 2, column 3: Expected a name in double quotes here"
    assert words in summary_of(response)
    assert '<a href="#id_k-case">' in response.content.decode()
    panel = re.search(r'id="net-check"(.*?)</ul>', text(response), re.S)
    assert panel and "line 2, column 3" in panel.group(1)


def net_check_panel(response) -> str:
    panel = re.search(r'id="net-check"(.*?)</ul>', text(response), re.S)
    assert panel, "no check panel"
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", panel.group(1)).split()))


@pytest.mark.parametrize("prompt", ["Which rule acts?", ""], ids=["kind", "kind-and-prompt"])
def test_a_refused_case_names_its_field_once_in_the_summary_and_the_panel(teacher, owned, prompt):
    """The kind's problem names its field and the line ("Line 33: case: Web ACL, rule 2 …");
    the panel under the box put the box's label before it as well ("The case (JSON): Line 33:
    case: …"), whether the kind alone or the prompt too refused the save."""
    quiz, _ = owned
    case = json.loads(json.dumps(WAF_CASE))
    case["web_acl"]["Rules"][1]["Priority"] = case["web_acl"]["Rules"][0]["Priority"]
    url, data = waf_form(teacher, quiz, case, prompt=prompt)
    response = teacher.post(url, data)
    words = 'case: Web ACL, rule 2 ("rate"), Priority: two rules have priority'
    assert re.search(rf"Line \d+: {re.escape(words)}", net_check_panel(response))
    assert re.search(rf"Line \d+: {re.escape(words)}", summary_of(response))
    assert "The case (JSON): Line" not in html.unescape(text(response))


def test_a_refused_reference_names_its_field_once_in_the_panel(teacher, owned):
    quiz, _ = owned
    url, data = fix_form(teacher, quiz, challenge(), '{\n  "network_acls": [\n}')
    response = teacher.post(url, data)
    # The field once, then the place and the JSON mistake in plain words (`syntax_words`).
    assert net_check_panel(response).endswith(
        "save: Reference solution, line 3, column 1: Expected a value here: a string in double "
        "quotes, a number, true, false, null, a list or an object (JSON takes no comma before ] "
        "or })."
    )
    assert "learners): Reference solution" not in html.unescape(text(response))


def test_a_challenge_that_is_not_json_does_not_hide_the_references_mistake(teacher, owned):
    """A comma missing in both boxes was told one box at a time: the reference's JSON was read
    only by the kind's check, which runs once the challenge reads."""
    quiz, _ = owned
    broken = case_json(challenge()).replace(",", "", 1)
    url, data = fix_form(teacher, quiz, broken, '{\n  "network_acls": [\n}')
    for response in (
        teacher.post(url, data),
        teacher.post(url, data | {"action": "check"}, **HTMX),
    ):
        said = html.unescape(text(response))
        assert "The challenge (JSON), line" in said
        assert "Reference solution, line 3, column 1: Expected a value" in said
    assert not Question.objects.filter(type="flow_fix").exists()


def test_a_save_refused_for_its_prompt_still_shows_the_question_and_its_key(teacher, owned):
    quiz, _ = owned
    url, data = flow_form(teacher, quiz, flow_case(), prompt="")
    response = teacher.post(url, data)
    assert response.status_code == 200
    assert key_of(response) == "The request arrives, but the reply is blocked"
    assert not Question.objects.filter(type="flow_decision").exists()


# --- flow fix -----------------------------------------------------------------------------

FIXED = web_network(ephemeral=True, ssh_world=False)
REFERENCE = json.dumps({k: FIXED[k] for k in ("network_acls", "security_groups")}, indent=2)


def challenge() -> dict:
    return {
        "network": web_network(),
        "must_allow": [dict(HTTP_FLOW)],
        "must_block": [dict(SSH_FLOW)],
    }


def fix_form(teacher, quiz, ch: dict | str, reference: str = REFERENCE, **fields):
    url = new_url(quiz, "flow_fix")
    data = page_data(teacher, url) | SHARED | {"prompt": "Make the shop work; close SSH."}
    data["k-challenge"] = ch if isinstance(ch, str) else case_json(ch)
    data["k-reference"] = reference
    data["action"] = "save"
    data.update(fields)
    return url, data


def test_a_flow_fix_question_is_written_saved_and_graded_by_the_engine(teacher, owned):
    quiz, _ = owned
    url, data = fix_form(teacher, quiz, challenge())
    response = teacher.post(url, data)
    assert response.status_code == 302, summary_of(response)
    question = Question.objects.get(type="flow_fix")
    assert question.data == {"challenge": challenge(), "reference": REFERENCE}
    form = AnswerForm(question, [], {"rules": REFERENCE})
    assert form.is_valid(), form.errors
    assert grade(question, form.response()).correct


@pytest.mark.parametrize(
    "reference,words",
    [
        (
            rules_of(web_network()),
            "Reference solution: TCP port 80 from internet to web should be allowed, but: The "
            "request arrives, but the reply is blocked.",
        ),
        (
            json.dumps({"network_acls": [], "security_groups": []}),
            "Reference solution: Subnet public, network_acl: no network ACL named 'edge'.",
        ),
        ('{\n  "network_acls": [\n}', "line 3, column 1"),
        ('{"subnets": []}', "'subnets' cannot be edited here"),
    ],
    ids=["fails-a-flow", "drops-a-named-acl", "bad-json", "edits-a-subnet"],
)
def test_a_reference_the_engine_does_not_pass_is_refused_beside_it(
    teacher, owned, reference, words
):
    quiz, _ = owned
    url, data = fix_form(teacher, quiz, challenge(), reference)
    response = teacher.post(url, data)
    assert response.status_code == 200
    assert not Question.objects.filter(type="flow_fix").exists()
    assert words in " ".join(error_beside(response, "k-reference"))
    kept = form_fields(response.content.decode())
    assert kept["k-reference"] == reference and json.loads(kept["k-challenge"]) == challenge()


def test_a_challenge_problem_is_refused_at_its_line(teacher, owned):
    quiz, _ = owned
    ch = challenge()
    ch["must_block"][0]["port"] = 99999
    typed = case_json(ch)
    url, data = fix_form(teacher, quiz, typed)
    response = teacher.post(url, data)
    line = next(n for n, t in enumerate(typed.splitlines(), 1) if '"port": 99999' in t)
    beside = " ".join(error_beside(response, "k-challenge"))
    assert f"Line {line}: challenge must_block #1, port: must be between 0 and" in beside
    # A starting network that already passes every flow is refused, in the kind's words.
    url, data = fix_form(teacher, quiz, challenge() | {"network": FIXED})
    assert "the starting network already passes every flow" in summary_of(teacher.post(url, data))


def test_the_flow_fix_live_check_shows_the_task_and_the_reference_flow_by_flow(teacher, owned):
    quiz, _ = owned
    url, data = fix_form(teacher, quiz, challenge(), action="check")
    live = text(teacher.post(url, data, **HTMX))
    assert "The reference solution passes every flow." in live
    assert "TCP port 80 from internet to web: <strong>works</strong>" in live
    assert "Must be blocked" in live and "Your network ACLs and security groups (JSON)" in live
    blank = text(teacher.post(url, data | {"k-reference": ""}, **HTMX))
    assert "No reference solution yet" in blank


@pytest.mark.parametrize("source", ["loader", "import"])
def test_an_existing_flow_fix_question_opens_and_saves_back_unchanged(
    teacher, owned, instructor, source
):
    question = stored_as("flow_fix", instructor, source)
    opened = saved_back_unchanged(teacher, question)
    assert json.loads(opened["k-challenge"]) == question.data["challenge"]
    assert opened["k-reference"] == question.data["reference"]


# --- starting from nothing ----------------------------------------------------------------

STARTED = {
    "flow_decision": ("k-case", "The request arrives, but the reply is blocked"),
    "waf_rule": ("k-case", "rule block-admin"),
    "flow_fix": ("k-challenge", ""),
}


@pytest.mark.parametrize("kind", list(STARTED))
def test_a_new_network_question_opens_on_a_worked_example_with_its_key_and_saves_as_is(
    teacher, owned, kind
):
    """An instructor who has never seen the case format got an empty box: the editor now
    opens on a valid example, shows its key, and links the lab that writes cases."""
    quiz, _ = owned
    url = new_url(quiz, kind)
    response = teacher.get(url, follow=True)
    box, key = STARTED[kind]
    opened = page_data(teacher, url)
    case = json.loads(opened[box])
    assert case["network" if kind != "waf_rule" else "web_acl"]
    if key:
        assert key_of(response) == key
    else:
        assert "The reference solution passes every flow." in text(response)
        assert json.loads(opened["k-reference"])["network_acls"]
    page = text(response)
    assert "worked example" in page
    lab = reverse("waf-lab" if kind == "waf_rule" else "network-lab")
    assert f'href="{lab}"' in page
    # With a prompt and an explanation written, the example saves as it stands.
    response = teacher.post(url, opened | SHARED | {"action": "save"})
    assert response.status_code == 302, summary_of(response)
    question = Question.objects.get(type=kind)
    assert question.data[box.removeprefix("k-")] == case and question.problems() == []


def test_an_existing_question_does_not_open_on_the_example(teacher, owned):
    quiz, _ = owned
    question = make_question("flow_decision", owner=quiz.owner)
    opened = page_data(teacher, edit_url(question))
    assert json.loads(opened["k-case"]) == question.data["case"]
    assert "worked example" not in text(teacher.get(edit_url(question)))


@pytest.mark.parametrize("box", ["k-case", "k-challenge", "k-reference"])
def test_a_paste_past_the_limit_is_not_cut_by_the_browser_but_refused_whole(teacher, owned, box):
    """A `maxlength` on the box made the browser drop the end of a long paste and the editor
    then called the rest broken JSON: the text comes back whole, its length said."""
    quiz, _ = owned
    kind = "flow_fix" if box != "k-case" else "flow_decision"
    page = teacher.get(new_url(quiz, kind), follow=True).content.decode()
    control = re.search(rf'<textarea[^>]*name="{box}"[^>]*>', page)
    assert control and "maxlength" not in control.group(0)
    long = json.dumps(flow_case(doc="x" * 100_000))
    if kind == "flow_fix":
        url, data = fix_form(teacher, quiz, challenge(), **{box: long})
    else:
        url, data = flow_form(teacher, quiz, long)
    response = teacher.post(url, data)
    assert response.status_code == 200
    assert page_data_of(response)[box] == long
    words = f"This is {len(long):,} characters long; it takes at most"
    assert any(words in e for e in error_beside(response, box))


def page_data_of(response) -> dict:
    return form_fields(response.content.decode())


def test_the_live_panel_gives_a_problem_its_line_and_says_how_to_mend_an_expect(teacher, owned):
    """A copy of a shipped question holds an `expect`: changed, the case is refused. The panel
    under the boxes said "Case: …" with no line, and nothing said `expect` may go."""
    quiz, _ = owned
    typed = case_json(flow_case(expect={"request": "allowed", "reply": "allowed"}))
    line = next(n for n, t in enumerate(typed.splitlines(), 1) if '"reply": "allowed"' in t)
    url, data = flow_form(teacher, quiz, typed)
    for action, headers in (("check", HTMX), ("save", {})):
        response = teacher.post(url, data | {"action": action}, **headers)
        panel = re.search(r'<ul class="check-problems"[^>]*>(.*?)</ul>', text(response), re.S)
        assert panel, action
        said = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", panel.group(1)).split()))
        assert f"Line {line}: " in said, said
        assert "take it out: it is optional" in said


def test_a_case_missing_its_main_part_says_which(teacher, owned):
    """A misspelt `web_acl` was "a mapping with web_acl and request(s)": which part was
    missing, and what a mapping is, were left to the author."""
    quiz, _ = owned
    case = waf_case()
    case["webacl"] = case.pop("web_acl")
    url, data = waf_form(teacher, quiz, case)
    said = summary_of(teacher.post(url, data))
    assert "an object with web_acl and request(s); it has no web_acl" in said
    assert "mapping" not in said


def test_a_challenge_network_problem_is_the_challenges_not_the_first_flows(teacher, owned):
    quiz, _ = owned
    ch = challenge()
    ch["network"]["vpcc"] = ch["network"].pop("vpc")
    typed = case_json(ch)
    line = next(n for n, t in enumerate(typed.splitlines(), 1) if '"vpcc"' in t)
    url, data = fix_form(teacher, quiz, typed)
    said = summary_of(teacher.post(url, data))
    assert f"Line {line}: challenge: Network: vpcc is not one of its fields" in said
    assert "must_allow #1" not in said


def test_a_case_downloaded_from_either_lab_is_a_question_as_it_is(teacher, owned):
    quiz, _ = owned
    for lab, kind in (("network-lab", "flow_decision"), ("waf-lab", "waf_rule")):
        url = reverse(lab)
        fields = form_fields(teacher.get(url).content.decode(), "workspace")
        download = teacher.post(url, {**fields, "op": "download"})
        assert download["Content-Disposition"].startswith("attachment"), lab
        make = flow_form if kind == "flow_decision" else waf_form
        new, data = make(teacher, quiz, download.content.decode())
        response = teacher.post(new, data)
        assert response.status_code == 302, summary_of(response)
        assert Question.objects.get(type=kind).data["case"] == json.loads(download.content)


def test_a_flow_case_pasted_as_a_challenge_is_told_where_its_flow_goes(teacher, owned):
    """The editor points to the network lab, whose "Download case" gives a flow case: pasted
    whole as a challenge, it was only "unknown field 'flow'"."""
    quiz, _ = owned
    url, data = fix_form(teacher, quiz, challenge() | {"flow": dict(HTTP_FLOW)})
    said = summary_of(teacher.post(url, data))
    assert "unknown field 'flow' (a challenge lists its flows in must_allow and must_block" in said
