"""A save the kind's own check refuses: each problem about a row (a choice, an item, a request)
or about a field outside the rows (categorize's categories, a challenge's reference solution,
scope, start policy) is said beside that field, tied to it for a screen reader, and in the
summary at the top, which links to the field; where is read from the problem's path, never its
words. A rule for the whole question is said in the summary only. Nothing typed is lost."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from curriculum.validation import scenario_case_check, scenario_case_problem
from quizzes.kinds import Problem
from quizzes.models import Question
from teach.editors import (
    CategoriesForm,
    ItemRow,
    Placed,
    RowList,
    _formset,
    mark_fields,
    place_problems,
    renumbered,
)
from tests.teach.formdata import form_fields
from tests.teach.test_engine_editors import (
    ALLOW_ROWS,
    DENY_ROWS,
    READ,
    REPORT,
    challenge_form,
    policy,
    policy_form,
    stmt,
)
from tests.teach.test_views_questions import _create, choice, form_data

pytestmark = pytest.mark.django_db


class _Page(HTMLParser):
    """The fields marked invalid (id -> the ids that describe them), each error list's text
    (by its id), and the summary's links (href -> text)."""

    def __init__(self) -> None:
        super().__init__()
        self.invalid: dict[str, list[str]] = {}
        self.error_lists: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.open_folds: list[str] = []  # the ids of the fields inside an open <details>
        self._list: str | None = None
        self._link: str | None = None
        self._in_problems = False
        self._details: list[bool] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "details":
            self._details.append("open" in a)
        if a.get("id") == "problems":
            self._in_problems = True
        if tag in ("input", "textarea", "select") and a.get("aria-invalid") == "true":
            self.invalid[a["id"]] = (a.get("aria-describedby") or "").split()
        if tag in ("input", "textarea", "select") and self._details and self._details[-1]:
            self.open_folds.append(a.get("id", ""))
        if tag == "ul" and "errorlist" in (a.get("class") or "") and a.get("id"):
            self._list = a["id"]
            self.error_lists[self._list] = ""
        if tag == "a" and self._in_problems:
            self._link = a.get("href", "")
            self.links[self._link] = ""

    def handle_endtag(self, tag):
        if tag == "details" and self._details:
            self._details.pop()
        if tag == "ul":
            self._list = None
        if tag == "a":
            self._link = None
        if tag == "div" and self._in_problems:
            self._in_problems = False

    def handle_data(self, data):
        if self._list is not None:
            self.error_lists[self._list] += data
        if self._link is not None:
            self.links[self._link] += data


def page_of(response) -> tuple[_Page, str]:
    assert response.status_code == 200
    text = response.content.decode()
    parser = _Page()
    parser.feed(text)
    return parser, html.unescape(text)


def assert_beside(response, field_id: str, message: str) -> _Page:
    """`message` is beside the field `field_id` (its error, which describes it, the field
    marked invalid), linked from the summary, and nowhere else on the page."""
    page, text = page_of(response)
    described = [i for i in page.invalid.get(field_id, []) if i != f"{field_id}_helptext"]
    assert list(page.invalid) == [field_id] and described == [f"{field_id}_error"], page.invalid
    assert page.error_lists == {f"{field_id}_error": message}, page.error_lists
    assert page.links == {f"#{field_id}": message}, page.links
    assert text.count(message) == 2, "only beside the field and in the summary"
    return page


# --- the mapping, as plain functions ------------------------------------------------------


def test_a_problem_goes_to_the_row_its_entry_came_from():
    # Row 1 was left blank (not stored): entry 2 of the data is the third row.
    choices = RowList("rows", (0, 2, 3), ("text", "correct", "feedback"))
    requests = RowList("allow", (0,), ("action", "resource", "context"))
    lists = {("choices",): choices, ("challenge", "must_allow"): requests}
    empty = "Choice {n} needs some text."
    placed = place_problems(
        [
            Problem(
                "choice #2: 'text' must be non-empty text", ("choices", 1, "text"), plain=empty
            ),
            Problem("choice #3: 'feedback' must be text", ("choices", 2, "feedback")),
            Problem(
                "challenge must_allow #1: 'action' and 'resource' must be non-empty text",
                ("challenge", "must_allow", 0, "resource"),
            ),
            Problem("a single-choice question has exactly one correct choice, not 2"),
            Problem("'choices' must be a list of 2 to 6 choices", ("choices",)),
            Problem(
                "choice #9: 'text' must be non-empty text", ("choices", 8, "text"), plain=empty
            ),
            Problem("challenge: 'principal' must be non-empty text (an ARN)", ("challenge",)),
            Problem("a scenario problem", ("choices", 0), "scenario"),
        ],
        lists,
    )
    where = [(p.prefix, p.index, p.field, p.message) for p in placed]
    # The plain sentence where the check wrote one, numbered as the page numbers its rows;
    # else the file's words as a sentence, renumbered the same way.
    assert where == [
        ("rows", 2, "text", "Choice 3 needs some text."),  # the page's number
        ("rows", 3, "feedback", "Choice #4: 'feedback' must be text."),
        ("allow", 0, "resource",
         "Challenge must_allow #1: 'action' and 'resource' must be non-empty text."),
        ("", None, "", "A single-choice question has exactly one correct choice, not 2."),
        ("", None, "", "'choices' must be a list of 2 to 6 choices."),
        ("", None, "", "Choice 9 needs some text."),  # no such row: the entry's own number
        ("", None, "", "Challenge: 'principal' must be non-empty text (an ARN)."),
        ("", None, "", "A scenario problem."),  # not about the data
    ]  # fmt: skip


@pytest.mark.parametrize(
    "path,field",
    [
        (("items", 2, "category"), "category"),
        (("items", 2, "text"), "text"),
        (("items", 2, "id"), "text"),  # the id has no field of its own: the row's first
        (("items", 2, "colour"), "text"),  # an unknown field (a file's, never the editor's)
        (("items", 2), "text"),  # the entry as a whole
    ],
)
def test_the_field_is_the_one_the_path_names_whatever_the_message_says(path, field):
    """The message is never read for the field: one naming another field, or none, is still
    put where its path says."""
    rows = {("items",): RowList("rows", (0, 1, 2), ("text", "category"))}
    for message in ("item #3: 'text' must be non-empty text", "Nothing in particular"):
        [placed] = place_problems([Problem(message, path)], rows)
        assert (placed.prefix, placed.index, placed.field) == ("rows", 2, field)


def test_a_problem_about_a_field_outside_the_rows_goes_beside_that_field():
    lists = {("challenge", "must_deny"): RowList("deny", (1,), ("action", "resource"))}
    fields = {
        ("reference",): ("k", "reference"),
        ("challenge", "scope"): ("k", "scope"),
        ("categories",): ("k", "categories"),
    }
    placed = place_problems(
        [
            Problem("reference solution: it over-grants 3 pairs", ("reference",)),
            Problem("challenge: scope entries are ARNs, not 'x'", ("challenge", "scope", 1)),
            Problem("the category 'AWS' appears twice", ("categories", 1)),
            Problem(
                "challenge: s3:X on y is both must_allow and must_deny",
                ("challenge", "must_deny", 0),
            ),
            Problem("challenge: unknown field 'scop'", ("challenge", "scop")),
            Problem("challenge: 'must_allow' must be a list", ("challenge", "must_allow")),
        ],
        lists,
        fields,
    )
    assert [(p.prefix, p.index, p.field) for p in placed] == [
        ("k", None, "reference"),
        ("k", None, "scope"),
        ("k", None, "categories"),
        ("deny", 1, "action"),  # a row of the list, though the message names no row
        ("", None, ""),  # no field edits it: the summary's alone
        ("", None, ""),
    ]  # fmt: skip


def test_marking_puts_the_error_on_the_field_and_links_the_summary_to_it():
    categories = CategoriesForm({"k-categories": "AWS\nAWS"}, prefix="k")
    rows = _formset(ItemRow)(
        {"rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0", "rows-0-text": "Hypervisor"},
        prefix="rows",
    )
    assert categories.is_valid() and rows.is_valid()
    lines = mark_fields(
        [
            Placed("the category 'AWS' appears twice", "k", None, "categories"),
            Placed("item #1: 'text' must be non-empty text", "rows", 0, "text"),
            Placed("a rule for the whole question"),
            Placed("a row that is not there", "rows", 5, "text"),
        ],
        [rows],
        [categories],
    )
    assert [(line, line.anchor) for line in lines] == [
        ("the category 'AWS' appears twice", "id_k-categories"),
        ("item #1: 'text' must be non-empty text", "id_rows-0-text"),
        ("a rule for the whole question", ""),
        ("a row that is not there", ""),
    ]
    assert categories.errors == {"categories": ["the category 'AWS' appears twice"]}
    assert rows.forms[0].errors == {"text": ["item #1: 'text' must be non-empty text"]}


def test_only_the_entrys_own_number_is_renumbered():
    assert renumbered("item #2: 'text' must be non-empty text", 1, 3) == (
        "item #4: 'text' must be non-empty text"
    )
    assert (
        renumbered("the item 'step #2' appears twice", 1, 3) == "the item 'step #2' appears twice"
    )
    assert renumbered("choice #2: x", 1, 1) == "choice #2: x"


# --- refused saves, through the editor ------------------------------------------------------


def test_an_empty_choice_2_is_refused_beside_its_text(teacher, owned):
    quiz, _ = owned
    rows = [choice("A", True), choice("", feedback="orphan"), choice("C"), choice("D")]
    response = _create(teacher, quiz, "single", form_data([{"id": "", **r} for r in rows]))
    assert_beside(response, "id_rows-1-text", "Choice 2 needs some text.")
    # Nothing typed is lost: every row as it was posted, the blank text blank.
    fields = form_fields(response.content.decode())
    assert [fields[f"rows-{n}-text"] for n in range(4)] == ["A", "", "C", "D"]
    assert fields["rows-1-feedback"] == "orphan" and fields["rows-correct"] == "0"
    assert not Question.objects.filter(prompt__contains="yours").exists()


def test_a_blank_row_before_it_does_not_move_the_message(teacher, owned):
    """The blank second row is not stored, so the kind's second choice is the third row."""
    quiz, _ = owned
    rows = [choice("A", True), choice(""), choice("", feedback="orphan"), choice("D")]
    response = _create(teacher, quiz, "single", form_data([{"id": "", **r} for r in rows]))
    assert_beside(response, "id_rows-2-text", "Choice 3 needs some text.")


def test_a_tick_without_text_is_refused_beside_its_text_not_dropped(teacher, owned):
    """A choice ticked correct but left without text was taken for a blank row and dropped,
    so the question saved without the author's correct answer (or was refused for having
    none, with no row named). It is refused beside the row, the tick kept."""
    quiz, _ = owned
    rows = [choice("A"), choice("B"), choice("", True), choice("D")]
    response = _create(teacher, quiz, "single", form_data([{"id": "", **r} for r in rows]))
    assert_beside(response, "id_rows-2-text", "Choice 3 needs some text.")
    # The single-choice rows' one radio group: the third row's button still chosen.
    assert form_fields(response.content.decode())["rows-correct"] == "2"


def test_a_category_without_text_is_refused_beside_its_text(teacher, owned):
    quiz, _ = owned
    rows = [
        {"id": "", "text": "Hypervisor", "category": "AWS"},
        {"id": "", "text": "", "category": "Customer"},
        {"id": "", "text": "Guest OS", "category": "Customer"},
    ]
    response = _create(
        teacher, quiz, "categorize", form_data(rows, {"categories": "AWS\nCustomer"})
    )
    assert_beside(response, "id_rows-1-text", "Item 2 needs some text.")


def test_a_refused_feedback_opens_its_fold(teacher, owned, monkeypatch):
    """A problem with a choice's feedback is beside the feedback, and its <details> opens."""
    from quizzes.kinds.single import KIND

    quiz, _ = owned
    checked = KIND.problems
    monkeypatch.setattr(
        KIND,
        "problems",
        lambda question, **kw: (
            checked(question, **kw)
            or [Problem("choice #2: 'feedback' must be text", ("choices", 1, "feedback"))]
        ),
    )
    rows = [choice("A", True), choice("B"), choice("C"), choice("D")]
    response = _create(teacher, quiz, "single", form_data([{"id": "", **r} for r in rows]))
    page = assert_beside(response, "id_rows-1-feedback", "Choice #2: 'feedback' must be text.")
    # Of the rows' folds, that one alone (the tags' fold is open too: a tag is ticked).
    assert [f for f in page.open_folds if f.startswith("id_rows-")] == ["id_rows-1-feedback"]


def test_an_ordering_item_given_twice_is_refused_beside_the_second(teacher, owned):
    quiz, _ = owned
    rows = [{"id": "", "text": t} for t in ("Sign in", "Assume role", "Sign in")]
    response = _create(teacher, quiz, "ordering", form_data(rows))
    assert_beside(
        response, "id_rows-2-text", "Item 3 repeats “Sign in”: give each item its own text."
    )


def test_a_blank_ordering_item_is_left_out_and_too_few_is_the_summarys_alone(teacher, owned):
    """A blank item is not stored; a list left too short is about no row."""
    quiz, _ = owned
    rows = [{"id": "", "text": t} for t in ("Sign in", "")]
    response = _create(teacher, quiz, "ordering", form_data(rows))
    page, text = page_of(response)
    assert page.invalid == {} and page.error_lists == {} and page.links == {}
    assert text.count("Give 2 to 12 items.") == 1
    assert form_fields(response.content.decode())["rows-0-text"] == "Sign in"


def test_a_repeated_categorize_item_and_a_wrong_category_are_each_beside_theirs(teacher, owned):
    quiz, _ = owned
    rows = [
        {"id": "", "text": "Hypervisor", "category": "AWS"},
        {"id": "", "text": "Hypervisor", "category": "Customer"},
        {"id": "", "text": "Guest OS", "category": "Nobody"},
    ]
    data = form_data(rows, {"categories": "AWS\nCustomer"})
    page, text = page_of(_create(teacher, quiz, "categorize", data))
    twice = "Item 2 repeats “Hypervisor”: give each item its own text."
    wrong = "Put item 3 in one of the categories (AWS, Customer): “Nobody” is not one of them."
    assert page.invalid == {
        "id_rows-1-text": ["id_rows-1-text_error"],
        "id_rows-2-category": ["id_rows-2-category_error"],
    }
    assert page.error_lists == {"id_rows-1-text_error": twice, "id_rows-2-category_error": wrong}
    assert page.links == {"#id_rows-1-text": twice, "#id_rows-2-category": wrong}
    assert text.count(twice) == 2 and text.count(wrong) == 2


def test_an_incomplete_least_privilege_request_is_refused_beside_its_blank_field(teacher, owned):
    quiz, _ = owned
    deny = [("", "", ""), ("s3:DeleteObject", "", "")]  # a blank row, then one with no resource
    url, data = challenge_form(teacher, quiz, ALLOW_ROWS, deny)
    response = teacher.post(url, data)
    message = "Must-deny request 2 needs both an action and a resource."
    assert_beside(response, "id_deny-1-resource", message)
    fields = form_fields(response.content.decode())
    assert (fields["deny-1-action"], fields["deny-1-resource"]) == ("s3:DeleteObject", "")
    assert not Question.objects.filter(type="least_privilege").exists()


def test_a_request_context_the_engine_refuses_is_beside_the_context_its_fold_open(teacher, owned):
    quiz, _ = owned
    allow = [("s3:GetObject", REPORT, '{"aws:username": {"a": 1}}')]
    url, data = challenge_form(teacher, quiz, allow, DENY_ROWS)
    page, text = page_of(teacher.post(url, data))
    assert list(page.invalid) == ["id_allow-0-context"]
    [message] = page.error_lists.values()
    assert message == (
        "Must-allow request 1: the value of 'aws:username' must be a string, a number, a "
        "boolean or a list of those."
    )
    assert page.links == {"#id_allow-0-context": message}
    assert page.open_folds == ["id_allow-0-context"]


def test_an_unknown_action_is_beside_the_action(teacher, owned):
    quiz, _ = owned
    deny = [("", "", ""), ("s3:DeleteObjekt", REPORT, "")]
    url, data = challenge_form(teacher, quiz, ALLOW_ROWS, deny)
    message = (
        "Must-deny request 2: “s3:DeleteObjekt” is not an action AWS knows; check its spelling."
    )
    assert_beside(teacher.post(url, data), "id_deny-1-action", message)


def test_a_request_both_allowed_and_denied_is_beside_the_deny_row(teacher, owned):
    """The message names no row; its path does (the must-deny entry), and a blank row before
    it does not move it."""
    quiz, _ = owned
    deny = [("", "", ""), ("s3:DeleteObject", REPORT, ""), ALLOW_ROWS[0]]
    url, data = challenge_form(teacher, quiz, ALLOW_ROWS, deny)
    message = (
        f"Must-deny request 3 (s3:GetObject on {REPORT}) is also a must-allow request: a policy "
        "cannot do both."
    )
    assert_beside(teacher.post(url, data), "id_deny-2-action", message)


# --- fields outside the rows -----------------------------------------------------------------


@pytest.mark.parametrize(
    "reference,words",
    [
        (
            policy(stmt("Allow", ["s3:GetObject", "s3:DeleteObject"], REPORT)),
            [f"Reference solution: must-deny request 1 (s3:DeleteObject on {REPORT}) is allowed"],
        ),
        (
            policy(stmt("Allow", "s3:ListBucket", "arn:aws:s3:::reports")),
            [
                f"Reference solution: must-allow request 1 (s3:GetObject on {REPORT}) is not "
                "allowed: the engine decides ImplicitDeny",
                "Reference solution: it over-grants ",
            ],
        ),
        (
            '{\n  "Version": "2012-10-17",\n  "Statement": [\n}',
            ["Reference solution, line 4, column 1: "],
        ),
    ],
    ids=["allows-a-must-deny", "two-problems", "bad-json"],
)
def test_a_refused_reference_solution_is_beside_it(teacher, owned, reference, words):
    """Each of the reference's problems is beside it, and each summary line links to it."""
    quiz, _ = owned
    url, data = challenge_form(teacher, quiz, ALLOW_ROWS, DENY_ROWS, **{"k-reference": reference})
    response = teacher.post(url, data)
    page, text = page_of(response)
    assert page.invalid == {"id_k-reference": ["id_k-reference_error"]}
    beside = page.error_lists.pop("id_k-reference_error")
    assert page.error_lists == {}
    summary = re.findall(r'<li><a href="#id_k-reference">([^<]*)</a></li>', text)
    assert len(summary) == len(words) and beside == "".join(summary)
    for line, start in zip(summary, words, strict=True):
        assert line.startswith(start)
        assert text.count(line) == 2, "only beside the field and in the summary"
    # Nothing typed is lost: the reference as posted.
    assert form_fields(response.content.decode())["k-reference"] == reference
    assert not Question.objects.filter(type="least_privilege").exists()


def test_a_refused_reference_names_the_request_row_as_the_page_labels_it(teacher, owned):
    """A blank row left between filled ones is not stored, so the reference's check counted
    the saved requests: the one in the row labelled "Must-deny request 3" was "must-deny
    request 2", the name of the blank row. Said in the summary, beside the reference and in
    the live check (the content file's words keep the file's count: nothing is blank there)."""
    quiz, _ = owned
    deny = [DENY_ROWS[0], ("", "", ""), DENY_ROWS[1]]
    reference = policy(stmt("Allow", ["s3:GetObject", "s3:PutObject"], REPORT))
    allow = [("", "", ""), *ALLOW_ROWS]
    url, data = challenge_form(teacher, quiz, allow, deny, **{"k-reference": reference})
    message = f"Reference solution: must-deny request 3 (s3:PutObject on {REPORT}) is allowed."
    assert_beside(teacher.post(url, data), "id_k-reference", message)
    live = html.unescape(
        teacher.post(url, data | {"action": "check"}, HTTP_HX_REQUEST="true").content.decode()
    )
    assert message in live and "must-deny request 2" not in live
    # A must-allow request the reference refuses, after a blank first row: row 2.
    url, data = challenge_form(
        teacher,
        quiz,
        allow,
        DENY_ROWS,
        **{"k-reference": policy(stmt("Allow", "s3:ListBucket", "arn:aws:s3:::reports"))},
    )
    page, text = page_of(teacher.post(url, data))
    assert (
        f"Reference solution: must-allow request 2 (s3:GetObject on {REPORT}) is not allowed"
        in page.error_lists["id_k-reference_error"]
    )
    assert not Question.objects.filter(type="least_privilege").exists()


def test_a_scope_entry_that_is_no_arn_is_beside_the_scope(teacher, owned):
    quiz, _ = owned
    url, data = challenge_form(
        teacher, quiz, ALLOW_ROWS, DENY_ROWS, **{"k-scope": "arn:aws:s3:::reports\nreports/*"}
    )
    page, text = page_of(teacher.post(url, data))
    message = "Each resource to probe is an ARN (arn:…); “reports/*” is not."
    assert page.invalid == {"id_k-scope": ["id_k-scope_helptext", "id_k-scope_error"]}
    assert page.error_lists == {"id_k-scope_error": message}
    assert page.links == {"#id_k-scope": message}


def test_a_scope_entry_that_is_no_arn_is_said_with_a_requests_problem(teacher, owned):
    """Both on one save: the scope was checked only once every request was right."""
    quiz, _ = owned
    rows = [("s3:GetObjekt", REPORT, "")]
    url, data = challenge_form(
        teacher, quiz, rows, DENY_ROWS, **{"k-scope": "arn:aws:s3:::reports\nreports/*"}
    )
    page, text = page_of(teacher.post(url, data))
    scope = "Each resource to probe is an ARN (arn:…); “reports/*” is not."
    assert page.links["#id_k-scope"] == scope
    assert "“s3:GetObjekt” is not an action AWS knows" in page.links["#id_allow-0-action"]
    assert not Question.objects.filter(type="least_privilege").exists()


def test_a_start_policy_that_already_solves_it_is_beside_the_start_policy(teacher, owned):
    quiz, _ = owned
    url, data = challenge_form(teacher, quiz, ALLOW_ROWS, DENY_ROWS, **{"k-start_policy": READ})
    message = (
        "The starting policy already solves the challenge, so learners would have nothing to do."
    )
    assert_beside(teacher.post(url, data), "id_k-start_policy", message)


@pytest.mark.parametrize(
    "categories,message",
    [
        ("AWS\nCustomer\nAWS", "The category “AWS” is listed twice."),
        ("AWS", "Give at least 2 categories, one per line."),
    ],
)
def test_a_refused_category_list_is_beside_it(teacher, owned, categories, message):
    quiz, _ = owned
    rows = [
        {"id": "", "text": "Hypervisor", "category": "AWS"},
        {"id": "", "text": "Guest OS", "category": "Customer"},
    ]
    response = _create(teacher, quiz, "categorize", form_data(rows, {"categories": categories}))
    assert_beside(response, "id_k-categories", message)
    assert form_fields(response.content.decode())["k-categories"] == categories


def test_an_expected_decision_the_engine_contradicts_is_beside_it(teacher, owned):
    """Not the kind's check but the scenario's own (`Scenario.clean()`), about the field of
    the policy editor that sets the case's `expect`."""
    quiz, _ = owned
    url, data = policy_form(teacher, quiz, **{"k-expect": "ExplicitDeny", "action": "save"})
    message = (
        "Scenario: you expect “Explicit deny (a Deny statement in any policy matches, or an AWS "
        "rule refuses it)”, but the engine decides “Allowed”. Choose the engine's decision (or "
        "“Whatever the engine decides”), or change the case."
    )
    assert_beside(teacher.post(url, data), "id_k-expect", message)
    assert not Question.objects.filter(type="policy_decision", owner__isnull=False).exists()


@pytest.mark.parametrize(
    "case,part",
    [
        ([], "case"),
        ({"request": {}}, "expect"),  # no expected decision
        ({"request": {}, "expect": "Allow"}, "case"),  # no valid request
    ],
)
def test_the_scenario_check_says_which_part_of_the_case_it_is_about(case, part):
    found = scenario_case_check(case)
    assert found is not None and found[0] == part and found[1] == scenario_case_problem(case)
