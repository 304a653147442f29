"""The question form's tag choosers (misconception tags and bank tags): tick tags already in
use, with their counts, or type new ones; bad tags get a clear message on their field and
nothing is saved. Everything is posted as a browser without JavaScript would."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons.models import Module, Source
from quizzes.models import Question, Tag
from teach import services
from tests.conftest import make_module
from tests.quizzes.builders import make_question
from tests.teach.formdata import form_fields

# response.context is read by the tests marked with `template_context` (tests/conftest.py)
pytestmark = pytest.mark.django_db


@pytest.fixture
def question(owned, instructor, other_instructor):
    _, question = owned
    for tags in (["thinks-mfa-is-optional"], ["thinks-mfa-is-optional", "confuses-iam-and-sso"]):
        make_question(owner=instructor, source=Source.AUTHORED, lesson=None, misconceptions=tags)
    make_question(
        owner=other_instructor,
        source=Source.AUTHORED,
        lesson=None,
        misconceptions=["otto-private-tag"],
    )
    services.question_set_tags(
        question=make_question(owner=instructor, source=Source.AUTHORED, lesson=None),
        tags=["exam", "s3"],
    )
    return question


def edit_url(question) -> str:
    return reverse("teach:question-edit", args=[question.pk])


def page_form(teacher, question) -> dict:
    response = teacher.get(edit_url(question))
    assert response.status_code == 200
    return form_fields(response.content.decode())


def test_the_form_offers_the_tags_in_use_with_counts(teacher, question):
    body = teacher.get(edit_url(question)).content.decode()
    assert "thinks-mfa-is-optional (2)" in body
    assert "confuses-iam-and-sso (1)" in body
    assert "exam (1)" in body
    assert "otto-private-tag" not in body  # another teacher's question is not theirs to see
    # the question's own tag is ticked
    data = page_form(teacher, question)
    assert data["misconceptions"] == "thinks-something"


def test_ticked_and_new_misconceptions_are_saved(teacher, question):
    data = page_form(teacher, question)
    data.update(
        misconceptions=["thinks-something", "confuses-iam-and-sso"],
        new_misconceptions="thinks-sg-is-stateless, Thinks-NACL-is-stateful",
        action="save",
    )
    response = teacher.post(edit_url(question), data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.misconceptions == [
        "thinks-something",
        "confuses-iam-and-sso",
        "thinks-sg-is-stateless",
        "thinks-nacl-is-stateful",
    ]


def test_unticking_removes_a_misconception(teacher, question):
    data = page_form(teacher, question)
    data.pop("misconceptions")
    data["action"] = "save"
    assert teacher.post(edit_url(question), data).status_code == 302
    question.refresh_from_db()
    assert question.misconceptions == []


def test_bank_tags_are_chosen_and_created(teacher, question):
    data = page_form(teacher, question)
    data.update(tags=["exam"], new_tags="week-3", action="save")
    assert teacher.post(edit_url(question), data).status_code == 302
    assert sorted(question.tags.values_list("slug", flat=True)) == ["exam", "week-3"]
    assert Tag.objects.filter(slug="exam").count() == 1  # reused, not duplicated
    data = page_form(teacher, question)
    assert sorted(data["tags"]) == ["exam", "week-3"]
    data.update(tags="week-3", action="save")
    teacher.post(edit_url(question), data)
    assert list(question.tags.values_list("slug", flat=True)) == ["week-3"]


@pytest.mark.usefixtures("template_context")
@pytest.mark.parametrize(
    ("field", "typed", "words"),
    [
        ("new_misconceptions", "thinks aws patches", "“thinks aws patches” is not a tag"),
        ("new_misconceptions", "under_score", "is not a tag"),
        ("new_misconceptions", "-leading-dash", "is not a tag"),
        ("new_tags", "s3!", "“s3!” is not a tag"),
        ("new_tags", "a" * 51, "at most 50 characters"),
        ("new_tags", ",".join(f"t{n}" for n in range(21)), "At most 20 tags"),
    ],
)
def test_a_bad_tag_is_refused_on_its_field_and_nothing_is_saved(
    teacher, question, field, typed, words
):
    before = Question.objects.get(pk=question.pk)
    data = page_form(teacher, question)
    data.update({field: typed, "prompt": "Changed prompt", "action": "save"})
    response = teacher.post(edit_url(question), data)
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert 'role="alert"' in response.content.decode()
    question.refresh_from_db()
    assert (question.prompt, question.misconceptions) == (before.prompt, before.misconceptions)
    assert not question.tags.exists()


LONG_TAG = "thinks-shield-advanced-protects-everything-automatically"  # the curriculum's, 56


def test_a_misconception_tag_as_long_as_the_curriculums_opens_and_saves(teacher, instructor):
    """The curriculum tags questions with misconceptions of up to 56 characters; the editor
    took at most 50 (the bank tags' column), so a copy of such a question ("Copy to edit")
    could not be saved even unchanged: its own tag, ticked and offered, was "not a tag"."""
    question = make_question(
        owner=instructor, source=Source.AUTHORED, lesson=None, misconceptions=[LONG_TAG]
    )
    data = page_form(teacher, question)
    assert data["misconceptions"] == LONG_TAG
    data.update(new_misconceptions="thinks-rate-based-rule-blocks-from-the-first-request")
    response = teacher.post(edit_url(question), data | {"action": "save"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.misconceptions == [
        LONG_TAG,
        "thinks-rate-based-rule-blocks-from-the-first-request",
    ]


@pytest.mark.usefixtures("template_context")
@pytest.mark.parametrize(
    ("field", "value"),
    [("misconceptions", "a" * 101), ("new_misconceptions", "a" * 101), ("tags", "a" * 51)],
)
def test_a_tag_too_long_is_said_too_long_not_not_a_tag(teacher, question, field, value):
    data = page_form(teacher, question)
    response = teacher.post(edit_url(question), data | {field: value, "action": "save"})
    assert response.status_code == 200
    said = " ".join(response.context["form"].errors[field])
    assert "is too long" in said and "not a tag" not in said


@pytest.mark.usefixtures("template_context")
def test_a_forged_checkbox_value_is_refused_with_the_same_words(teacher, question):
    data = page_form(teacher, question)
    data.update(misconceptions=["<b>x</b>"], action="save")
    response = teacher.post(edit_url(question), data)
    assert response.status_code == 200
    assert "is not a tag" in " ".join(response.context["form"].errors["misconceptions"])


def test_adding_a_choice_row_keeps_the_ticked_and_typed_tags(teacher, question):
    data = page_form(teacher, question)
    data.update(
        misconceptions=["confuses-iam-and-sso"], new_tags="brand-new", tags="s3", action="add"
    )
    body = teacher.post(edit_url(question), data).content.decode()
    again = form_fields(body)
    assert again["misconceptions"] == "confuses-iam-and-sso"
    assert again["tags"] == "s3"
    assert again["new_tags"] == "brand-new"


def test_a_new_question_gets_its_tags(teacher, owned):
    quiz, _ = owned
    url = reverse("teach:question-create", args=[quiz.pk, "true_false"])
    data = form_fields(teacher.get(url, follow=True).content.decode())
    data.update(
        prompt="Groups are principals.",
        explanation="They are not.",
        new_misconceptions="thinks-groups-are-principals",
        new_tags="iam",
        **{"k-answer": "false", "action": "save"},
    )
    assert teacher.post(url, data).status_code == 302
    created = Question.objects.get(prompt="Groups are principals.")
    assert created.misconceptions == ["thinks-groups-are-principals"]
    assert list(created.tags.values_list("slug", flat=True)) == ["iam"]


def test_an_empty_tag_value_means_no_tag_not_an_error(teacher, question):
    """A script (or an older form) may send the field blank: nothing is chosen, nothing is
    refused."""
    data = page_form(teacher, question) | {"misconceptions": "", "tags": "", "action": "save"}
    assert teacher.post(edit_url(question), data).status_code == 302
    question.refresh_from_db()
    assert question.misconceptions == [] and not question.tags.exists()


# --- a long list: grouped by module, a fold each (and filtered with JavaScript) ---------------


@pytest.fixture
def many(owned, instructor):
    """Besides the question's own misconception (thinks-something), 23 in use in three
    modules and in none: tag-00..07 in Identity, tag-08..13 in Detection, tag-14..17 in
    Networks, tag-18 and tag-19 in no module; tie-tag once in Networks and once in Identity
    (Identity comes first in the course), mostly-networks twice there and once in Identity.
    The question itself is in Detection."""
    identity, detection, networks = (
        make_module(title=title, order=n) for n, title in enumerate(MODULES, start=1)
    )
    homes = {**{n: identity for n in range(8)}, **{n: detection for n in range(8, 14)}}
    homes |= {n: networks for n in range(14, 18)}
    for n in range(20):
        tag = [f"tag-{n:02}"]
        make_question(owner=instructor, lesson=None, module=homes.get(n), misconceptions=tag)
    for module in (networks, identity):
        make_question(owner=instructor, lesson=None, module=module, misconceptions=["tie-tag"])
    for module in (networks, networks, identity):
        make_question(
            owner=instructor, lesson=None, module=module, misconceptions=["mostly-networks"]
        )
    question = owned[1]
    Question.objects.filter(pk=question.pk).update(module=detection)
    return question


MODULES = ("Identity", "Detection", "Networks")


def misconception_chooser(body: str) -> str:
    start = body.index('aria-describedby="id_misconceptions_help"')
    return body[start : body.index("</fieldset>", start)]


def boxes(html: str) -> dict[str, bool]:
    """Each misconception checkbox's value → ticked or not."""
    found = re.findall(
        r'<input type="checkbox" name="misconceptions" value="([^"]+)"([^>]*)>', html
    )
    return {value: " checked" in rest for value, rest in found}


def groups(body: str) -> list[tuple[str, bool, str, dict[str, bool]]]:
    """The misconception chooser's folds: (title, open, count shown, boxes), in page order."""
    found = re.findall(
        r'<details class="tag-group"( open)?>\s*<summary><span id="([^"]+)">([^<]*)</span> '
        r'<span class="tag-count">([^<]*)</span></summary>\s*'
        r'<ul class="tag-choices" aria-labelledby="([^"]+)">(.*?)</ul>\s*</details>',
        misconception_chooser(body),
        re.S,
    )
    for _open, title_id, _title, _count, labelled_by, _html in found:
        assert title_id == labelled_by  # each list is named by its fold's title
    return [(title, bool(opened), count, boxes(html)) for opened, _, title, count, _, html in found]


def tags(*numbers: int) -> dict[str, bool]:
    return {f"tag-{n:02}": False for n in numbers}


def test_a_long_list_is_grouped_by_module_the_questions_own_first_and_open(teacher, many):
    body = teacher.get(edit_url(many)).content.decode()
    assert groups(body) == [
        ("Detection", True, "7 tags", {"thinks-something": True} | tags(*range(8, 14))),
        ("Identity", False, "9 tags", tags(*range(8)) | {"tie-tag": False}),
        ("Networks", False, "5 tags", {"mostly-networks": False} | tags(*range(14, 18))),
        ("In no module", False, "2 tags", tags(18, 19)),
    ]
    chooser = misconception_chooser(body)
    assert len(boxes(chooser)) == 23  # each tag once, so unticking one cannot leave a twin
    # The filter: labelled, tied to the groups it filters, its count spoken; hidden until
    # tag-chooser.js shows it (a page without JavaScript has no box that does nothing).
    assert '<div class="tag-filter" data-tag-filter hidden>' in chooser
    assert '<label for="id_misconceptions_filter">Filter the misconception tags</label>' in chooser
    assert 'id="id_misconceptions_filter" aria-controls="id_misconceptions_groups"' in chooser
    assert '<div class="tag-groups" id="id_misconceptions_groups">' in chooser
    assert 'role="status"' in chooser
    assert "js/tag-chooser.js" in body and "<script>" not in body  # the CSP allows no inline


def test_a_short_list_stays_in_the_open_as_one_list(teacher, question):
    chooser = misconception_chooser(teacher.get(edit_url(question)).content.decode())
    assert "<details" not in chooser and "data-tag-filter" not in chooser
    assert boxes(chooser) == {
        "thinks-mfa-is-optional": False,
        "confuses-iam-and-sso": False,
        "thinks-something": True,
    }


def test_a_group_with_a_ticked_tag_is_open_and_without_a_module_the_course_order_holds(
    teacher, many
):
    Question.objects.filter(pk=many.pk).update(module=None, misconceptions=["tag-15"])
    assert [
        (title, opened)
        for title, opened, _, _ in groups(teacher.get(edit_url(many)).content.decode())
    ] == [
        ("Identity", False),
        ("Detection", False),
        ("Networks", True),
        ("In no module", False),
    ]


def test_with_none_ticked_every_group_is_folded_but_the_questions_module(teacher, many):
    data = page_form(teacher, many)
    data.pop("misconceptions")
    data.update(new_misconceptions="Not A Tag", action="save")
    found = groups(teacher.post(edit_url(many), data).content.decode())
    assert [(title, opened) for title, opened, _, _ in found] == [
        ("Detection", True),
        ("Identity", False),
        ("Networks", False),
        ("In no module", False),
    ]
    assert not any(ticked for *_, drawn in found for ticked in drawn.values())


def test_a_refused_save_keeps_the_ticks_in_open_groups_and_follows_the_chosen_module(teacher, many):
    """Tags ticked in folded groups come back ticked, their groups open, with the page that
    says why the save was refused; the module chosen in the form (not yet saved) leads; the
    typed new tag is kept too."""
    before = Question.objects.get(pk=many.pk).misconceptions
    data = page_form(teacher, many)
    networks = Module.objects.get(title="Networks")
    data.update(
        module=str(networks.pk),
        misconceptions=["thinks-something", "tag-07", "tag-19"],
        new_misconceptions="thinks-fine, Not A Tag",
        action="save",
    )
    response = teacher.post(edit_url(many), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The question was not saved." in body
    found = groups(body)
    assert [(title, opened) for title, opened, _, _ in found] == [
        ("Networks", True),
        ("Identity", True),
        ("Detection", True),
        ("In no module", True),
    ]
    ticked = {tag for *_, drawn in found for tag, on in drawn.items() if on}
    assert ticked == {"thinks-something", "tag-07", "tag-19"}
    assert form_fields(body)["new_misconceptions"] == "thinks-fine, Not A Tag"
    many.refresh_from_db()
    assert many.misconceptions == before


def test_a_tag_offered_in_no_group_is_still_accepted(teacher, many):
    """The groups are an offer: a well-formed tag sent without a box (a script, an older
    page) is saved as before."""
    data = page_form(teacher, many) | {"misconceptions": ["never-offered"], "action": "save"}
    assert teacher.post(edit_url(many), data).status_code == 302
    many.refresh_from_db()
    assert many.misconceptions == ["never-offered"]


def test_the_editor_reads_as_many_queries_however_many_questions_use_tags(
    teacher, many, instructor
):
    """Grouping counts by module in the same reads as the counts: the page's queries do not
    grow with the questions, their tags or their modules."""
    url = edit_url(many)
    teacher.get(url)  # kept menus and versions read once, as on any later visit

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert teacher.get(url).status_code == 200
        return len(captured)

    few = queries()
    modules = [make_module(title=f"Extra {n}") for n in range(3)]
    for n in range(30):
        question = make_question(
            owner=instructor,
            lesson=None,
            module=modules[n % 3],
            misconceptions=[f"extra-{n}", f"tag-{n % 20:02}"],
        )
        services.question_set_tags(question=question, tags=[f"bank-{n % 7}", "exam"])
    teacher.get(url)  # the modules changed: their menu is read again once
    assert queries() == few
    assert "Extra 2" in misconception_chooser(teacher.get(url).content.decode())


# --- both choosers in one fold ("Where it belongs"): closed while the question has no tag -------


def tags_fold(body: str) -> tuple[bool, str, str]:
    """Whether the fold around both tag choosers is open, its summary, and what is inside."""
    found = re.search(r'<details class="tags-fold"( open)?>\s*<summary>([^<]*)</summary>', body)
    assert found, "no tags fold"
    inside = body[found.end() : body.index("</section>", found.end())]
    return bool(found.group(1)), found.group(2), inside


def test_a_question_without_tags_has_both_choosers_folded_saying_so(teacher, owned):
    quiz, _ = owned
    new = reverse("teach:question-create", args=[quiz.pk, "true_false"])
    body = teacher.get(new, follow=True).content
    opened, summary, inside = tags_fold(body.decode())
    assert (opened, summary) == (False, "Misconception tags and bank tags: none chosen")
    assert 'id="id_misconceptions_help"' in inside and 'id="id_tags_help"' in inside


def test_a_question_with_a_tag_has_its_tags_in_view(teacher, question):
    opened, summary, _ = tags_fold(teacher.get(edit_url(question)).content.decode())
    assert (opened, summary) == (True, "Misconception tags and bank tags: 1 chosen")


def test_typed_tags_open_the_fold_and_a_refused_one_is_in_view(teacher, question):
    data = page_form(teacher, question)
    data.pop("misconceptions")
    data.update(new_tags="week-3, exam", action="add")
    body = teacher.post(edit_url(question), data).content.decode()
    assert tags_fold(body)[:2] == (True, "Misconception tags and bank tags: 2 chosen")
    data.update(new_tags="s3!", action="save")
    opened, _, inside = tags_fold(teacher.post(edit_url(question), data).content.decode())
    assert opened and "“s3!” is not a tag" in inside


@pytest.mark.usefixtures("template_context")
def test_every_bad_tag_typed_is_named_at_once_with_the_tag_it_could_be(teacher, question):
    """Three bank tags typed with capitals, spaces and signs: the message named the first only
    (the teacher fixed it and saved again to hear of the next), lower-cased, with a
    misconception as its example (“thinks-mfa-is-optional”) under the bank tags. Now each is
    named as typed, with the tag it could be."""
    data = page_form(teacher, question)
    data.update({"new_tags": "Wöche 1, week-2, Week 3!, ¿?", "action": "save"})
    response = teacher.post(edit_url(question), data)
    said = " ".join(response.context["form"].errors["new_tags"])
    assert "“Wöche 1”, “Week 3!” and “¿?” are not tags" in said
    assert "e.g. “woche-1”, “week-3”" in said
    assert "thinks-" not in said
    assert not question.tags.exists()
    one = teacher.post(edit_url(question), data | {"new_tags": "s3!"})
    said = " ".join(one.context["form"].errors["new_tags"])
    assert "“s3!” is not a tag" in said and "e.g. “s3”" in said
