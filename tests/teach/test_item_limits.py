"""An ordering or categorize question holds at most `MAX_ITEMS` items (and categories) through
every door: each item is a select checked against the others, so a learner's answer cost the
square of the count (2,000 items to order: 10 s of CPU), and the admin and an import took any
number (docs/limits.md, "The instructors' doors and the admin")."""

from __future__ import annotations

import json

import pytest

from quizzes.kinds.items import MAX_ITEMS
from teach.transfer import importer
from teach.transfer.drafts import TransferError
from tests.quizzes.builders import make_question
from tests.teach.formdata import form_fields

pytestmark = pytest.mark.django_db


def _ordering(n: int) -> dict:
    return {"items": [{"id": f"i{k}", "text": f"Step {k}"} for k in range(n)]}


def _categorize(items: int, categories: int) -> dict:
    names = [f"Owner {k}" for k in range(categories)]
    return {
        "categories": names,
        "items": [
            {"id": f"i{k}", "text": f"Thing {k}", "category": names[0]} for k in range(items)
        ],
    }


@pytest.mark.parametrize(
    ("kind", "data", "plain"),
    [
        ("ordering", _ordering(MAX_ITEMS + 1), f"Give 2 to {MAX_ITEMS} items: there are 13."),
        (
            "categorize",
            _categorize(MAX_ITEMS + 1, 2),
            f"Give 2 to {MAX_ITEMS} items: there are 13.",
        ),
        (
            "categorize",
            _categorize(3, MAX_ITEMS + 1),
            f"Give 2 to {MAX_ITEMS} categories, one per line: there are 13.",
        ),
    ],
)
def test_one_more_than_the_limit_is_a_problem_in_words(kind, data, plain):
    question = make_question(kind, data=data)
    assert [p.plain for p in question.problems()] == [plain]


@pytest.mark.parametrize("kind", ["ordering", "categorize"])
def test_the_limit_itself_is_taken(kind):
    data = _ordering(MAX_ITEMS) if kind == "ordering" else _categorize(MAX_ITEMS, MAX_ITEMS)
    assert make_question(kind, data=data).problems() == []


def test_the_admin_refuses_two_thousand_items_beside_the_field(admin_client):
    question = make_question("ordering")
    url = f"/admin/quizzes/question/{question.pk}/change/"
    sent = form_fields(admin_client.get(url).content.decode(), form_class="")
    sent.pop("csrfmiddlewaretoken", None)
    sent["data"] = json.dumps(_ordering(2000))
    response = admin_client.post(url, sent)
    assert response.status_code == 200  # the form again, not a redirect
    assert "list of 2 to 12 items" in response.content.decode()
    question.refresh_from_db()
    assert len(question.data["items"]) == 4


def test_an_import_refuses_an_ordering_question_of_too_many_items(instructor):
    question = {
        "slug": "long-order",
        "type": "ordering",
        "prompt": "Put these in order.",
        "explanation": "Because.",
        "data": _ordering(500),
    }
    text = json.dumps(
        {"format": "srm-trainer-questions", "version": 1, "kind": "bank", "questions": [question]}
    )
    with pytest.raises(TransferError) as caught:
        importer.preview(text, "json", owner=instructor)
    assert "'items' must be a list of 2 to 12 items" in " ".join(caught.value.lines())


@pytest.mark.parametrize(
    ("kind", "key"), [("single", "choices"), ("multiple", "choices"), ("ordering", "items")]
)
def test_a_choice_or_item_past_its_length_is_a_problem_in_words(kind, key):
    """The editor's rows stopped a choice or an item at MAX_ENTRY_TEXT characters; the admin's
    JSON and imports took any length (a 2 MB choice was saved and drawn on every page that
    shows the question)."""
    from quizzes.kinds.base import MAX_ENTRY_TEXT

    question = make_question(kind)
    entries = question.data[key]
    entries[1]["text"] = "x" * MAX_ENTRY_TEXT
    assert question.problems() == []
    entries[1]["text"] = "x" * (MAX_ENTRY_TEXT + 1)
    what = "Choice" if key == "choices" else "Item"
    assert [p.plain for p in question.problems()] == [
        f"{what} {{n}} is {MAX_ENTRY_TEXT + 1} characters long; it takes at most {MAX_ENTRY_TEXT}."
    ]


def test_the_admin_refuses_a_two_megabyte_choice_beside_the_field(admin_client):
    question = make_question("single")
    kept = question.data["choices"][0]["text"]
    url = f"/admin/quizzes/question/{question.pk}/change/"
    sent = form_fields(admin_client.get(url).content.decode(), form_class="")
    sent.pop("csrfmiddlewaretoken", None)
    data = json.loads(json.dumps(question.data))
    data["choices"][0]["text"] = "y" * 2_000_000
    sent["data"] = json.dumps(data)
    response = admin_client.post(url, sent)
    assert response.status_code == 200  # the form again, not a redirect
    assert "2,000,000 characters long; it takes at most 500" in response.content.decode()
    question.refresh_from_db()
    assert question.data["choices"][0]["text"] == kept
