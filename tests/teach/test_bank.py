"""The question bank (/teach/questions/): what a teacher may use, searched and filtered, paged,
reused in a quiz; the dashboard's banks; and a fixed number of queries per page."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lessons.models import Source
from quizzes.models import EarlierQuestionSlug, Question, QuizQuestion, Tag
from teach import bank
from tests.conftest import make_module
from tests.quizzes.builders import make_question, make_quiz
from tests.teach.conftest import client_for

pytestmark = pytest.mark.django_db

URL = reverse("teach:bank")


def mine(owner, kind="single", **fields) -> Question:
    fields.setdefault("lesson", None)
    return make_question(kind, owner=owner, source=Source.AUTHORED, **fields)


def tagged(question: Question, *slugs: str) -> Question:
    question.tags.add(*(Tag.objects.get_or_create(slug=s)[0] for s in slugs))
    return question


def listed(response) -> set[str]:
    """The slugs of the questions on a bank page."""
    assert response.status_code == 200
    return set(
        re.findall(r'<span class="meta question-slug">([a-z0-9-]+)[&<]', response.content.decode())
    )


@pytest.fixture
def world(instructor, other_instructor):
    iam = make_module(slug="iam-bank", title="IAM bank")
    return {
        "s3": tagged(
            mine(
                instructor,
                slug="s3-public",
                prompt="Who can read a public S3 bucket?",
                category="storage",
                module=iam,
            ),
            "s3",
            "exam",
        ),
        "tf": tagged(
            mine(
                instructor, "true_false", slug="mfa-root", prompt="Root\nneeds MFA.", category="iam"
            ),
            "exam",
        ),
        "old": mine(
            instructor,
            slug="old-one",
            prompt="An old S3 question",
            category="storage",
            archived=True,
        ),
        "file": make_question(
            "single",
            slug="file-question",
            prompt="From the files: S3?",
            category="storage",
            lesson=None,
            source=Source.FILE,
        ),
        "theirs": mine(
            other_instructor, slug="otto-secret", prompt="Otto's S3 question", category="storage"
        ),
    }


def test_a_teacher_sees_their_own_and_the_file_questions_not_another_teachers(teacher, world):
    assert listed(teacher.get(URL)) == {"s3-public", "mfa-root", "file-question"}


def test_staff_see_every_question(mfa_staff, world):
    assert "otto-secret" in listed(client_for(mfa_staff).get(URL))


def test_archived_questions_are_shown_only_on_request(teacher, world):
    assert "old-one" not in listed(teacher.get(URL))
    assert "old-one" in listed(teacher.get(URL, {"archived": "on"}))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "s3"}, {"s3-public", "file-question"}),  # prompt text, any case
        ({"q": "mfa-ro"}, {"mfa-root"}),  # part of a slug
        ({"kind": "true_false"}, {"mfa-root"}),
        ({"module": "iam-bank"}, {"s3-public"}),
        ({"category": "storage"}, {"s3-public", "file-question"}),
        ({"tag": "exam"}, {"s3-public", "mfa-root"}),
        ({"tag": "s3", "q": "public"}, {"s3-public"}),
        # every word, wherever it is: across a line break, in another order, in the slug
        ({"q": "root  needs"}, {"mfa-root"}),
        ({"q": "bucket public"}, {"s3-public"}),
        ({"q": "public s3-pub"}, {"s3-public"}),
        ({"q": "public mfa"}, set()),
        ({"category": "storage", "archived": "on"}, {"s3-public", "file-question", "old-one"}),
    ],
)
def test_search_and_filters(teacher, world, query, expected):
    assert listed(teacher.get(URL, query)) == expected


def test_used_in_no_quiz_leaves_out_listed_and_drawn_questions(teacher, instructor, world):
    make_quiz(world["s3"], owner=instructor)
    assert listed(teacher.get(URL, {"unused": "on"})) == {"mfa-root", "file-question"}
    make_quiz(owner=instructor, draw_category="iam", draw_count=1)  # draws mfa-root's bank
    assert listed(teacher.get(URL, {"unused": "on"})) == {"file-question"}


def test_used_in_no_quiz_counts_a_draw_only_where_the_quiz_may_draw(
    teacher, instructor, other_instructor, world
):
    """A quiz draws its owner's questions and the course's (`exam.draw_scope`): another
    teacher's quiz drawing "storage" gives no learner Ines's question of that bank."""
    everything_unused = {"s3-public", "mfa-root", "file-question"}
    make_quiz(owner=other_instructor, draw_category="storage", draw_count=1)
    assert listed(teacher.get(URL, {"unused": "on"})) == everything_unused - {"file-question"}
    make_quiz(owner=other_instructor, draw_rules=[{"category": "iam", "count": 1}])
    assert "mfa-root" in listed(teacher.get(URL, {"unused": "on"}))
    # Drawn by rules, by its category or its module, within the quiz's scope.
    make_quiz(owner=instructor, draw_rules=[{"module": "iam-bank", "count": 1}])
    assert listed(teacher.get(URL, {"unused": "on"})) == {"mfa-root"}
    make_quiz(owner=instructor, draw_rules=[{"category": "iam", "count": 1}])
    assert listed(teacher.get(URL, {"unused": "on"})) == set()


def test_the_counts_say_how_many_match_and_how_many_quizzes_use_each(teacher, instructor, world):
    make_quiz(world["s3"], owner=instructor)
    make_quiz(world["s3"], owner=instructor)
    body = teacher.get(URL, {"category": "storage"}).content.decode()
    assert "2 questions match" in body
    row = body[body.index("s3-public") :]
    assert re.search(r'<td data-label="In quizzes">2</td>', row[: row.index("</tr>")])


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "nonsense"},
        {"module": "no-such"},
        {"tag": "<script>"},
        {"page": "x"},
        {"page": "9" * 5_000},  # past the digits `int()` reads: a 500
        {"page": "²"},
        {"q": "x" * 500},
        {"category": "a b"},
        {"into": "abc"},
    ],
)
def test_bad_filter_values_are_reported_not_a_500(teacher, world, query):
    response = teacher.get(URL, query)
    assert response.status_code == 200
    if set(query) - {"page", "into"}:
        assert "could not be used and are ignored" in response.content.decode()


@pytest.mark.parametrize(
    "query,words",
    [
        ({"kind": "essay"}, "Kind: no kind is called “essay”; every kind is shown"),
        ({"module": "no-such"}, "Module: no module is called “no-such”; every module is shown"),
        ({"category": "nobody"}, "bank called “nobody”; every bank is shown"),
        ({"tag": "gone"}, "Tag: no question you may use has the tag “gone”"),
        ({"level": "9"}, "Level: the levels are foundational, associate and advanced, not “9”"),
    ],
)
def test_a_filter_value_no_menu_offers_is_said_in_the_pages_words(teacher, world, query, words):
    """It was Django's "Select a valid choice. That choice is not one of the available
    choices." (the module), or "… essay is not one of the available choices." (a kind)."""
    said = html.unescape(teacher.get(URL, query).content.decode())
    assert words in said
    assert "Select a valid choice" not in said


def test_pages_of_twenty_five(teacher, instructor):
    for n in range(bank.PAGE_SIZE + 3):
        mine(instructor, slug=f"paged-{n:02d}", category="paging")
    first = listed(teacher.get(URL, {"category": "paging"}))
    second_page = teacher.get(URL, {"category": "paging", "page": "2"})
    second = listed(second_page)
    assert len(first) == bank.PAGE_SIZE and len(second) == 3 and not first & second
    assert "page 2 of 2" in second_page.content.decode()
    assert listed(teacher.get(URL, {"category": "paging", "page": "99"})) == second


def test_the_newest_edit_comes_first(teacher, world):
    Question.objects.filter(pk=world["tf"].pk).update(
        updated_at=timezone.now() + timedelta(minutes=5)
    )
    body = teacher.get(URL).content.decode()
    assert body.index("mfa-root") < body.index("s3-public")


def test_with_htmx_only_the_results_are_sent(teacher, world):
    response = teacher.get(URL, {"q": "root"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="bank-results"' in body and "<html" not in body
    # The count's words go into the status region the page has: a region swapped in whole (the
    # count's <p role="status"> sent out of band as itself) is often not announced.
    assert '<div hx-swap-oob="innerHTML:#bank-count">1 question matches.' in body
    assert 'role="status"' not in body.split('id="bank-results"')[0]
    assert listed(response) == {"mfa-root"}


def test_back_and_forward_draw_the_whole_page_with_its_count_region_once(teacher, world):
    """htmx restoring history asks with HX-Request too: that page is drawn whole, its count in
    the status region, not sent out of band into a region the page would not have."""
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    body = teacher.get(URL, {"q": "root"}, headers=headers).content.decode()
    assert "<html" in body
    assert body.count('id="bank-count"') == 1 and "innerHTML:#bank-count" not in body


# --- reuse in a quiz --------------------------------------------------------------------------


def test_a_question_is_added_to_a_quiz_from_the_bank_and_the_page_comes_back(
    teacher, instructor, world
):
    quiz = make_quiz(owner=instructor, source=Source.AUTHORED)
    page = teacher.get(URL, {"into": quiz.pk, "q": "files"})
    assert f'action="{reverse("teach:quiz-question-add", args=[quiz.pk])}"' in page.content.decode()
    back = f"{URL}?into={quiz.pk}&q=files"
    response = teacher.post(
        reverse("teach:quiz-question-add", args=[quiz.pk]),
        {"question": world["file"].pk, "next": back},
    )
    # Back at the question added (the page scrolls to it, and a keyboard goes on from it).
    at = f"#bank-q-{world['file'].pk}"
    assert response.status_code == 302 and response["Location"] == back + at
    assert list(quiz.questions.all()) == [world["file"]]
    again = teacher.get(back, follow=True).content.decode()
    assert "In this quiz" in again and f'<tr id="{at[1:]}">' in again


def test_under_a_script_prefix_adding_comes_back_to_the_bank_too(
    teacher, instructor, world, script_prefix
):
    """The bank's `next` holds the prefix (`/srm/teach/bank/?…`): it was taken for no teaching
    page, and adding a question led to the quiz instead of back to the bank."""
    quiz = make_quiz(owner=instructor, source=Source.AUTHORED)
    back = f"{reverse('teach:bank')}?into={quiz.pk}&q=files"
    assert back.startswith(f"{script_prefix}/teach/")
    response = teacher.post(
        reverse("teach:quiz-question-add", args=[quiz.pk]).removeprefix(script_prefix),
        {"question": world["file"].pk, "next": back},
        SCRIPT_NAME=script_prefix,
    )
    assert response.status_code == 302
    assert response["Location"] == f"{back}#bank-q-{world['file'].pk}"


def test_adding_twice_keeps_one_entry_and_says_so(teacher, instructor, world):
    quiz = make_quiz(world["s3"], owner=instructor, source=Source.AUTHORED)
    response = teacher.post(
        reverse("teach:quiz-question-add", args=[quiz.pk]),
        {"question": world["s3"].pk},
        follow=True,
    )
    assert "already in" in response.content.decode()
    assert QuizQuestion.objects.filter(quiz=quiz).count() == 1


def test_another_teachers_question_cannot_be_added(teacher, instructor, world):
    quiz = make_quiz(owner=instructor, source=Source.AUTHORED)
    response = teacher.post(
        reverse("teach:quiz-question-add", args=[quiz.pk]), {"question": world["theirs"].pk}
    )
    assert response.status_code == 404
    assert not quiz.entries.exists()


def test_next_never_leaves_the_teaching_pages(teacher, instructor, world):
    quiz = make_quiz(owner=instructor, source=Source.AUTHORED)
    for evil in ("https://evil.example/teach/", "//evil.example/", "/accounts/logout/"):
        response = teacher.post(
            reverse("teach:quiz-question-add", args=[quiz.pk]),
            {"question": world["s3"].pk, "next": evil},
        )
        assert response["Location"] == reverse("teach:quiz", args=[quiz.pk])


def test_a_quiz_the_teacher_may_not_change_is_not_offered_as_a_target(teacher, world):
    file_quiz = make_quiz(world["file"], source=Source.FILE)
    body = teacher.get(URL, {"into": file_quiz.pk}).content.decode()
    assert reverse("teach:quiz-question-add", args=[file_quiz.pk]) not in body
    # ... and the page says so beside the chooser, rather than the "Add" buttons just missing.
    assert "The quiz in the link is not one you can change" in body
    assert 'aria-describedby="bank-into-help bank-into-error"' in body
    for value in ("999999", "nonsense"):
        assert "not one you can change" in teacher.get(URL, {"into": value}).content.decode()
    assert "not one you can change" not in teacher.get(URL, {"into": ""}).content.decode()


def test_the_chooser_tells_apart_two_quizzes_with_one_title(teacher, instructor):
    first, second = (make_quiz(owner=instructor, title="Week 1") for _ in range(2))
    body = teacher.get(URL).content.decode()
    assert f'<option value="{first.pk}">Week 1 ({first.slug})</option>' in body
    assert f'<option value="{second.pk}">Week 1 ({second.slug})</option>' in body


def test_the_quiz_page_searches_the_bank_for_questions_to_reuse(teacher, owned):
    quiz, _ = owned
    body = teacher.get(reverse("teach:quiz", args=[quiz.pk])).content.decode()
    assert f'action="{URL}"' in body
    assert f'name="into" value="{quiz.pk}"' in body
    for name in ("q", "kind", "category", "tag", "unused"):
        assert f'name="{name}"' in body


def test_each_row_shows_its_own_tags_in_order_as_filter_links(teacher, instructor):
    tagged(mine(instructor, slug="three-tags", prompt="Three"), "zeta", "alpha", "mid")
    tagged(mine(instructor, slug="one-tag", prompt="One"), "mid")
    mine(instructor, slug="no-tags", prompt="None")
    quiz = make_quiz(owner=instructor, source=Source.AUTHORED)
    for params in ({}, {"into": quiz.pk}):
        body = teacher.get(URL, params).content.decode()
        rows = {
            slug: re.findall(r'<a class="tag" href="\?tag=([^"&]+)[^"]*">([^<]+)</a>', row)
            for slug, row in re.findall(r'question-slug">([a-z-]+)(.*?)</tr>', body, re.S)
        }
        assert rows["three-tags"] == [("alpha", "alpha"), ("mid", "mid"), ("zeta", "zeta")]
        assert rows["one-tag"] == [("mid", "mid")]
        assert rows["no-tags"] == []
        assert re.search(r'question-slug">no-tags.*?<span class="meta">none</span>', body, re.S)


# --- the tag filter, grouped by module as the question editor groups its tags ---------------


def tag_menu(body: str) -> str:
    start = body.index('<select name="tag"')
    return body[start : body.index("</select>", start)]


def test_a_long_tag_menu_is_grouped_by_module_and_still_filters(teacher, instructor, world):
    """Past 12 tags, the bank's tag filter (and the quiz page's finder) groups them in an
    <optgroup> per module, where each is used most; the tags in no module come last."""
    storage = make_module(title="Storage & data", order=0)
    for n in range(12):
        tagged(mine(instructor, slug=f"stored-{n}", module=storage), f"bucket-{n:02}")
    tagged(mine(instructor, slug="loose"), "loose-tag")  # on no module's question only
    body = teacher.get(URL).content.decode()
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', tag_menu(body), re.S)
    values = {label: re.findall(r'<option value="([^"]+)"', html) for label, html in groups}
    assert list(values) == ["Storage &amp; data", "IAM bank", "In no module"]
    assert values["Storage &amp; data"] == [f"bucket-{n:02}" for n in range(12)]
    # "exam" is on a question in IAM bank and one in no module, which does not vote
    assert values["IAM bank"] == ["exam", "s3"]
    assert values["In no module"] == ["loose-tag"]
    assert '<option value="" selected>Any tag</option>' in tag_menu(body)
    assert listed(teacher.get(URL, {"tag": "bucket-03"})) == {"stored-3"}
    finder = teacher.get(reverse("teach:quiz", args=[make_quiz(owner=instructor).pk]))
    assert '<optgroup label="Storage &amp; data">' in tag_menu(finder.content.decode())


def test_a_short_tag_menu_is_one_list(teacher, world):
    menu = tag_menu(teacher.get(URL).content.decode())
    assert "<optgroup" not in menu
    assert re.findall(r'<option value="([^"]*)"', menu) == ["", "exam", "s3"]


# --- the dashboard's banks ------------------------------------------------------------------


def test_the_dashboard_lists_the_banks_with_counts_and_last_edits(teacher, world):
    body = teacher.get(reverse("teach:dashboard")).content.decode()
    # two usable storage questions (archived and another teacher's not counted), one of them yours
    assert re.search(
        rf'{URL}\?category=storage">storage</a></th>\s*<td>2</td>\s*<td>1</td>\s*<td><time', body
    )
    assert f'{URL}?tag=exam">exam <span class="meta">(2)</span>' in body


def test_the_unfiltered_bank_counts_every_question_it_may_show_across_pages(
    teacher, instructor, world
):
    for n in range(bank.PAGE_SIZE):
        mine(instructor, slug=f"many-{n:02d}", category=f"cat-{n % 3}")
    total = bank.PAGE_SIZE + 3  # and s3-public, mfa-root, file-question; not archived, not Otto's
    body = teacher.get(URL).content.decode()
    assert f"{total} questions; page 1 of 2." in body
    second = teacher.get(URL, {"page": "2"})
    assert f"{total} questions; page 2 of 2." in second.content.decode()
    assert listed(second) | listed(teacher.get(URL)) >= {"s3-public", "mfa-root", "file-question"}
    # One of them archived: one fewer, at once.
    Question.objects.filter(slug="many-00").update(archived=True)
    assert f"{total - 1} questions; page 1 of 2." in teacher.get(URL).content.decode()


def test_the_unfiltered_bank_does_not_count_its_questions_twice(teacher, world):
    with CaptureQueriesContext(connection) as captured:
        assert teacher.get(URL).status_code == 200
    counts = [q["sql"] for q in captured if q["sql"].startswith("SELECT COUNT(*)")]
    assert counts == []  # the banks' summaries have counted them


# --- queries --------------------------------------------------------------------------------


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


# 30 questions, not more: past a page (bank.PAGE_SIZE, 25), so the larger bank shows a full page
# and a second one, with 27 more modules and tags than the small one; a query per row, page,
# module or tag shows as well with 30 as it did with 60 (building the 57 was most of the cost).
@pytest.mark.parametrize("params", [{}, {"tag": "exam", "unused": "on", "q": "p"}])
def test_the_bank_costs_the_same_queries_for_3_or_30_questions(
    teacher, instructor, params, django_assert_max_num_queries
):
    assert bank.PAGE_SIZE < 30
    quiz = make_quiz(owner=instructor, source=Source.AUTHORED)
    params = {**params, "into": quiz.pk}
    for n in range(3):
        tagged(mine(instructor, prompt=f"p{n}"), "exam", f"t{n}")
    teacher.get(URL)
    few = _queries(teacher, URL, params)
    for n in range(27):
        tagged(mine(instructor, prompt=f"p{n}", module=make_module()), "exam", f"u{n}")
    with django_assert_max_num_queries(few):
        teacher.get(URL, params)
    # (Three of them, in a test's transaction, count what a server keeps between requests:
    # the curriculum's tags and banks, teach.bank.FILE_OFFERS, tests/teach/test_file_offers.py,
    # and the teacher's own banks, teach.bank.OWN_COUNTS, tests/teach/test_own_counts.py.
    # "Used in no quiz" reads the quizzes drawing by rules: exam.drawn_by_some_quiz.)
    assert few <= 16 + bool(params.get("unused"))


def test_a_search_counts_its_matches_only_so_far_past_the_page_shown(
    teacher, instructor, monkeypatch
):
    """Counting every match (a substring test of each visible prompt and slug) grew with the
    bank; the count stops `COUNTED_AHEAD` pages past the page asked for and says "more than",
    and a page near the end counts them all."""
    monkeypatch.setattr(bank, "COUNTED_AHEAD", 1)
    for n in range(55):
        mine(instructor, prompt=f"Walrus {n}?")
    first = teacher.get(URL, {"q": "walrus"}).content.decode()
    assert "More than 50 questions match; page 1 of more than 2." in first
    assert first.count('<tr id="bank-q-') == 25
    assert "Page 1 of more than 2</span>" in first and ">Next page</a>" in first
    last = teacher.get(URL, {"q": "walrus", "page": "3"}).content.decode()
    assert "55 questions match; page 3 of 3." in last and "Page 3 of 3</span>" in last
    assert last.count('<tr id="bank-q-') == 5


def test_the_dashboard_costs_the_same_queries_for_3_or_30_questions(
    teacher, instructor, django_assert_max_num_queries
):
    """30 banks, each a category of its own (and 30 questions: past a page of the dashboard's)."""
    url = reverse("teach:dashboard")
    for n in range(3):
        tagged(mine(instructor, category=f"bank-{n}"), f"t{n}")
    teacher.get(url)
    few = _queries(teacher, url, {})
    for n in range(27):
        tagged(mine(instructor, category=f"more-{n}"), f"u{n}")
    with django_assert_max_num_queries(few):
        teacher.get(url)


def test_a_prompt_is_listed_as_its_words_not_its_markdown(teacher, instructor):
    mine(instructor, slug="marked", prompt="**Which** action lists a bucket: `s3:ListBucket`?")
    page = teacher.get(URL).content.decode()
    assert "**Which**" not in page
    assert "Which action lists a bucket: <code>s3:ListBucket</code>?" in page


def test_a_teacher_with_no_quiz_is_told_to_create_one_beside_the_empty_chooser(teacher, instructor):
    """With no quiz of their own the "Add questions to" menu held one entry, "Choose one of
    your quizzes", and nothing to choose: the page says there is none and links to creating one."""
    body = teacher.get(URL).content.decode()
    assert "You have no quiz to add questions to yet" in body
    assert f'href="{reverse("teach:quiz-create")}"' in body
    make_quiz(owner=instructor, title="Week 1")
    assert "no quiz to add questions to" not in teacher.get(URL).content.decode()


def test_a_question_renamed_by_a_course_update_is_found_by_its_old_slug(teacher, world):
    """A note or a link naming a question's slug before a course update renamed it
    (`formerly:`, `EarlierQuestionSlug`) still finds it, and the row says why."""
    EarlierQuestionSlug.objects.create(slug="shared-storage-old", question=world["file"])
    response = teacher.get(URL, {"q": "storage-old"})
    assert listed(response) == {"file-question"}
    body = response.content.decode()
    assert (
        "&nbsp;·&nbsp;formerly <code>shared-storage-old</code> (renamed by a course update)" in body
    )
    # Found by its slug now, it does not say so: the old slug is not why it was found.
    assert "formerly" not in teacher.get(URL, {"q": "file-question"}).content.decode()
    # Another teacher's question is not found by its old slug either.
    EarlierQuestionSlug.objects.create(slug="otto-old", question=world["theirs"])
    assert listed(teacher.get(URL, {"q": "otto-old"})) == set()
