"""A save the kind's own check refuses: each problem about a row (a choice, an item, a request)
is said beside that row's field, tied to it for a screen reader, and in the summary at the top,
which links to the field; a problem about no row is said in the summary only. Nothing typed is
lost."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest

from quizzes.kinds import Problem
from quizzes.models import Question
from teach.editors import RowList, place_problems, problem_field, renumbered
from tests.teach.formdata import form_fields
from tests.teach.test_engine_editors import (
    ALLOW_ROWS,
    DENY_ROWS,
    REPORT,
    challenge_form,
    policy,
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
    assert page.invalid == {field_id: [f"{field_id}_error"]}, page.invalid
    assert page.error_lists == {f"{field_id}_error": message}, page.error_lists
    assert page.links == {f"#{field_id}": message}, page.links
    assert text.count(message) == 2, "only beside the field and in the summary"
    return page


# --- the mapping, as a plain function ----------------------------------------------------


def test_a_problem_goes_to_the_row_its_entry_came_from():
    # Row 1 was left blank (not stored): entry 2 of the data is the third row.
    choices = RowList("rows", (0, 2, 3), ("text", "correct", "feedback"))
    requests = RowList("allow", (0,), ("action", "resource", "context"), ({"action": "s3:x"},))
    lists = {("choices",): choices, ("challenge", "must_allow"): requests}
    placed = place_problems(
        [
            Problem("choice #2: 'text' must be non-empty text", ("choices", 1)),
            Problem("choice #3: 'feedback' must be text", ("choices", 2)),
            Problem(
                "challenge must_allow #1: 'action' and 'resource' must be non-empty text",
                ("challenge", "must_allow", 0),
            ),
            Problem("a single-choice question has exactly one correct choice, not 2"),
            Problem("'choices' must be a list of 2 to 6 choices", ("choices",)),
            Problem("choice #9: 'text' must be non-empty text", ("choices", 8)),
            Problem("challenge: 'principal' must be non-empty text (an ARN)", ("challenge",)),
            Problem("a scenario problem", ("choices", 0), "scenario"),
        ],
        lists,
    )
    where = [(p.prefix, p.index, p.field, p.message) for p in placed]
    assert where == [
        ("rows", 2, "text", "choice #3: 'text' must be non-empty text"),  # the page's number
        ("rows", 3, "feedback", "choice #4: 'feedback' must be text"),
        ("allow", 0, "resource",
         "challenge must_allow #1: 'action' and 'resource' must be non-empty text"),
        ("", -1, "", "a single-choice question has exactly one correct choice, not 2"),
        ("", -1, "", "'choices' must be a list of 2 to 6 choices"),
        ("", -1, "", "choice #9: 'text' must be non-empty text"),  # no such row
        ("", -1, "", "challenge: 'principal' must be non-empty text (an ARN)"),
        ("", -1, "", "a scenario problem"),  # not about the data
    ]  # fmt: skip


@pytest.mark.parametrize(
    "message,fields,values,field",
    [
        ("item #3: category 'Nobody' is not one of: AWS", ("text", "category"), {}, "category"),
        ("item #3: unknown field 'x'", ("text", "category"), {}, "text"),
        ("the item 'category' appears twice", ("text", "category"), {}, "text"),
        ("choice #1: 'correct' must be true or false", ("text", "correct"), {}, "correct"),
        (
            "challenge must_deny #2: 'action' and 'resource' must be non-empty text",
            ("action", "resource", "context"),
            {"action": "", "resource": "arn:aws:s3:::b"},
            "action",
        ),
        ("challenge must_deny #2: unknown action 's3:Nope'", ("action", "resource"), {}, "action"),
    ],
)
def test_the_field_is_the_one_the_message_names(message, fields, values, field):
    assert problem_field(message, fields, values) == field


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
    assert_beside(response, "id_rows-1-text", "choice #2: 'text' must be non-empty text")
    # Nothing typed is lost: every row as it was posted, the blank text blank.
    fields = form_fields(response.content.decode())
    assert [fields[f"rows-{n}-text"] for n in range(4)] == ["A", "", "C", "D"]
    assert fields["rows-1-feedback"] == "orphan" and fields["rows-0-correct"] == "on"
    assert not Question.objects.filter(prompt__contains="yours").exists()


def test_a_blank_row_before_it_does_not_move_the_message(teacher, owned):
    """The blank second row is not stored, so the kind's second choice is the third row."""
    quiz, _ = owned
    rows = [choice("A", True), choice(""), choice("", feedback="orphan"), choice("D")]
    response = _create(teacher, quiz, "single", form_data([{"id": "", **r} for r in rows]))
    assert_beside(response, "id_rows-2-text", "choice #3: 'text' must be non-empty text")


def test_a_tick_without_text_is_refused_beside_its_text_not_dropped(teacher, owned):
    """A choice ticked correct but left without text was taken for a blank row and dropped,
    so the question saved without the author's correct answer (or was refused for having
    none, with no row named). It is refused beside the row, the tick kept."""
    quiz, _ = owned
    rows = [choice("A"), choice("B"), choice("", True), choice("D")]
    response = _create(teacher, quiz, "single", form_data([{"id": "", **r} for r in rows]))
    assert_beside(response, "id_rows-2-text", "choice #3: 'text' must be non-empty text")
    assert form_fields(response.content.decode())["rows-2-correct"] == "on"


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
    assert_beside(response, "id_rows-1-text", "item #2: 'text' must be non-empty text")


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
            or [Problem("choice #2: 'feedback' must be text", ("choices", 1))]
        ),
    )
    rows = [choice("A", True), choice("B"), choice("C"), choice("D")]
    response = _create(teacher, quiz, "single", form_data([{"id": "", **r} for r in rows]))
    page = assert_beside(response, "id_rows-1-feedback", "choice #2: 'feedback' must be text")
    # Of the rows' folds, that one alone (the tags' fold is open too: a tag is ticked).
    assert [f for f in page.open_folds if f.startswith("id_rows-")] == ["id_rows-1-feedback"]


def test_an_ordering_item_given_twice_is_refused_beside_the_second(teacher, owned):
    quiz, _ = owned
    rows = [{"id": "", "text": t} for t in ("Sign in", "Assume role", "Sign in")]
    response = _create(teacher, quiz, "ordering", form_data(rows))
    assert_beside(response, "id_rows-2-text", "the item 'Sign in' appears twice")


def test_a_blank_ordering_item_is_left_out_and_too_few_is_the_summarys_alone(teacher, owned):
    """A blank item is not stored; a list left too short is about no row."""
    quiz, _ = owned
    rows = [{"id": "", "text": t} for t in ("Sign in", "")]
    response = _create(teacher, quiz, "ordering", form_data(rows))
    page, text = page_of(response)
    assert page.invalid == {} and page.error_lists == {} and page.links == {}
    assert text.count("'items' must be a list of at least 2 items") == 1
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
    twice = "the item 'Hypervisor' appears twice"
    wrong = "item #3: category 'Nobody' is not one of: AWS, Customer"
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
    message = "challenge must_deny #2: 'action' and 'resource' must be non-empty text"
    assert_beside(response, "id_deny-1-resource", message)
    fields = form_fields(response.content.decode())
    assert (fields["deny-1-action"], fields["deny-1-resource"]) == ("s3:DeleteObject", "")
    assert not Question.objects.filter(type="least_privilege").exists()


def test_a_reference_problem_is_the_summarys_alone(teacher, owned):
    quiz, _ = owned
    reference = policy(stmt("Allow", "s3:ListBucket", "arn:aws:s3:::reports"))
    url, data = challenge_form(teacher, quiz, ALLOW_ROWS, DENY_ROWS, **{"k-reference": reference})
    page, text = page_of(teacher.post(url, data))
    assert f"must-allow request #1 (s3:GetObject on {REPORT}) is not allowed" in text
    assert page.invalid == {} and page.links == {}
