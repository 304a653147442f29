"""The sort-into-categories editor's item category boxes: each suggests the categories typed
above the rows (a <datalist> drawn from what the page posts, so a row button or a refused save
offers the categories just typed), and an item put in a category that differs from one only in
capitals is saved in the category's own spelling ("aws" in "AWS" was refused as in none);
two categories that differ only in capitals are refused at the categories' field."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from quizzes.models import Question
from tests.quizzes.builders import PLACED, make_authored_categorize
from tests.teach.formdata import form_fields
from tests.teach.test_row_problems import page_of
from tests.teach.test_views_questions import form_data

pytestmark = pytest.mark.django_db

ROWS = [{"id": "", "text": text, "category": category} for text, category in PLACED]


@pytest.fixture
def question(instructor):
    return make_authored_categorize(instructor)[1]


def _suggested(page: str) -> list[str]:
    """The options of the items' category <datalist>, and that every item's box uses it."""
    boxes = re.findall(r'<input[^>]*name="rows-\d+-category"[^>]*>', page)
    assert boxes and all('list="item-categories"' in box for box in boxes), boxes
    found = re.search(r'<datalist id="item-categories"[^>]*>(.*?)</datalist>', page, re.S)
    assert found, "the page draws the items' suggestions"
    return [html.unescape(v) for v in re.findall(r'<option value="([^"]*)"', found.group(1))]


def test_each_items_category_box_suggests_the_categories(teacher, question):
    page = teacher.get(reverse("teach:question-edit", args=[question.pk])).content.decode()
    assert _suggested(page) == ["AWS", "Customer"]


def test_the_suggestions_follow_the_categories_posted_on_a_round_trip(teacher, question):
    """A row button draws the page from the post: the categories just typed are offered."""
    url = reverse("teach:question-edit", args=[question.pk])
    extra = {"categories": "AWS\n  Customer & partner \n\nAWS\n"}
    page = teacher.post(url, form_data(ROWS, extra, category="mine", action="add"))
    assert _suggested(page.content.decode()) == ["AWS", "Customer & partner"]


def test_a_category_differing_in_capitals_only_is_saved_in_the_categorys_spelling(
    teacher, question
):
    rows = [{**ROWS[0], "category": "aws"}, ROWS[1], {**ROWS[2], "category": " CUSTOMER "}]
    url = reverse("teach:question-edit", args=[question.pk])
    extra = {"categories": "AWS\nCustomer"}
    response = teacher.post(url, form_data(rows, extra, category="mine"))
    assert response.status_code == 302
    question.refresh_from_db()
    assert [i["category"] for i in question.items()] == ["AWS", "Customer", "Customer"]


@pytest.mark.parametrize(
    "categories,typed,words",
    [
        (
            "AWS\nCustomer",
            "Nobody",
            "Put item 1 in one of the categories (AWS, Customer): “Nobody” is not one of them.",
        ),
    ],
)
def test_a_category_matching_none_is_still_refused(teacher, question, categories, typed, words):
    rows = [{**ROWS[0], "category": typed}, *ROWS[1:]]
    url = reverse("teach:question-edit", args=[question.pk])
    response = teacher.post(url, form_data(rows, {"categories": categories}, category="mine"))
    assert response.status_code == 200
    assert words in html.unescape(response.content.decode())
    question.refresh_from_db()
    assert question.items()[0]["category"] == "AWS", "nothing saved"
    assert Question.objects.filter(pk=question.pk).count() == 1


@pytest.mark.parametrize("categories", ["AWS\nAws\nCustomer", "Customer\n AWS \ncustomer"])
def test_categories_differing_only_in_capitals_are_refused_at_their_field(
    teacher, question, categories
):
    """ "AWS" and "Aws" were saved as two categories: learners choose between two names they
    cannot tell apart, and an item put in "aws" could say neither (`own_spelling`)."""
    url = reverse("teach:question-edit", args=[question.pk])
    response = teacher.post(url, form_data(ROWS, {"categories": categories}, category="mine"))
    assert response.status_code == 200
    first, second = ("AWS", "Aws") if "Aws" in categories else ("Customer", "customer")
    message = (
        f"“{first}” and “{second}” differ only in capitals: learners could not tell them "
        "apart. Keep one spelling."
    )
    page, _text = page_of(response)
    assert page.invalid == {"id_k-categories": ["id_k-categories_error"]}
    assert page.error_lists == {"id_k-categories_error": message}
    assert page.links == {"#id_k-categories": f"Categories, one per line: {message}"}
    assert form_fields(response.content.decode())["k-categories"] == categories
    question.refresh_from_db()
    assert question.categories() == ["AWS", "Customer"], "nothing saved"


def test_a_repeated_category_does_not_hide_an_item_in_an_unknown_one(teacher, question):
    """Both problems on one save, each beside its field and linked from the summary: the
    repeat alone was said, and the item in a misspelt category only on the next save."""
    rows = [ROWS[0], {**ROWS[1], "category": "Custmer"}, ROWS[2]]
    url = reverse("teach:question-edit", args=[question.pk])
    extra = {"categories": "AWS\nCustomer\nAWS"}
    response = teacher.post(url, form_data(rows, extra, category="mine"))
    repeat = "The category “AWS” is listed twice."
    unknown = "Put item 2 in one of the categories (AWS, Customer): “Custmer” is not one of them."
    page, _text = page_of(response)
    assert page.links == {"#id_k-categories": repeat, "#id_rows-1-category": unknown}
    assert page.error_lists == {
        "id_k-categories_error": repeat,
        "id_rows-1-category_error": unknown,
    }
    question.refresh_from_db()
    assert question.items()[1]["category"] == "Customer", "nothing saved"
