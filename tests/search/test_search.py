"""Searching the index: what is found, in what order, with what snippet, on either database."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search import index
from search.query import MAX_TERM, PER_PAGE, search
from tests.conftest import make_lesson, make_module
from tests.depth import examples
from tests.search.conftest import PHRASE

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(corpus_of_module, db):
    """The corpus built once for this module, whose tests only search it (`corpus_of_module`);
    each test runs in a savepoint inside it. The tests that need an index of their own rows
    only are in test_snippets.py; the paging test searches for words the corpus holds nowhere
    ("guardrail")."""
    return corpus_of_module


def urls(results) -> list[str]:
    return [hit.url for hit in results.hits]


def test_it_finds_the_phrase_in_lessons_questions_and_scenarios(corpus):
    found = urls(search(PHRASE))
    assert corpus["titled"].get_absolute_url() in found
    assert corpus["mentioned"].get_absolute_url() in found
    assert "/quizzes/iam-quiz/" in found  # the question opens the first published quiz it is in
    assert f"/sandbox/?preset={corpus['scenario'].slug}" in found
    assert f"/learn/{corpus['titled'].module.slug}/" in found  # its lessons' titles say it
    assert {hit.label for hit in search(PHRASE).hits} == {
        "Lesson",
        "Module",
        "Quiz question",
        "Scenario",
    }


def test_it_never_finds_what_learners_cannot_see(corpus):
    results = search(PHRASE)
    assert corpus["draft"].get_absolute_url() not in urls(results)
    assert "/quizzes/iam-quiz-2/" not in urls(results)  # only the archived question is there
    assert results.total == 5  # two lessons, their module, one question, one scenario
    assert search("unused").total == 0  # the question in no quiz


def test_a_title_hit_ranks_above_a_body_hit(corpus):
    lessons = [hit.url for hit in search(PHRASE).hits if hit.kind == "lesson"]
    assert lessons == [
        corpus["titled"].get_absolute_url(),
        corpus["mentioned"].get_absolute_url(),
    ]


def test_words_match_their_other_forms_and_the_last_word_as_a_prefix(corpus):
    assert corpus["mentioned"].get_absolute_url() in urls(search("permission boundaries"))
    assert corpus["titled"].get_absolute_url() in urls(search("permissions bou"))


def test_full_width_letters_find_what_their_plain_letters_find(corpus):
    # As a Japanese or Chinese keyboard types Latin letters: they found nothing.
    plain = search(PHRASE)
    wide = search("ｐｅｒｍｉｓｓｉｏｎｓ ＢＯＵＮＤＡＲＹ")
    assert plain.total and urls(wide) == urls(plain)


def test_every_word_must_appear(corpus):
    assert search("permissions boundary kangaroo").total == 0


def test_operators_typed_by_a_visitor_are_words_not_syntax(corpus):
    for typed in ['"permissions', "permissions NEAR boundary", "permissions OR x", "-boundary*"]:
        search(typed)  # no error
    assert search("permissions OR kangaroo").total == 0  # OR is a word that must appear


def test_a_question_found_by_its_prompt_does_not_give_away_its_explanation(corpus):
    (hit,) = search("developer admin").hits
    assert hit.kind == "question"
    assert "<mark>developer</mark>" in hit.title
    assert hit.snippet == ""


def test_a_question_found_by_its_explanation_shows_that_part(corpus):
    hit = next(hit for hit in search("caps every role").hits if hit.kind == "question")
    assert "<mark>caps</mark>" in hit.snippet


def test_results_come_a_page_at_a_time(db):
    module = make_module()
    for n in range(PER_PAGE * 2 + 5):
        make_lesson(module, title=f"Guardrail {n}", body="About guardrails.")
    index.rebuild()
    first, last = search("guardrail"), search("guardrail", page=3)
    assert (first.total, first.pages, len(first.hits)) == (46, 3, PER_PAGE)  # and the module
    assert (last.page, len(last.hits), last.next_page, last.previous_page) == (3, 6, None, 2)
    assert search("guardrail", page=999).page == 3  # past the end: the last page
    assert set(urls(first)).isdisjoint(urls(last))


def test_nothing_to_search_for_says_so(db):
    assert search("").notice.startswith("Type a word")
    assert search("*** !!!").notice.startswith("Nothing to search for")
    assert search("zebra").total == 0 and search("zebra").notice == ""


def test_a_word_too_long_to_look_for_says_so_not_that_it_has_no_letters(db):
    """A word over MAX_TERM letters is dropped; alone, the page said "try words made of letters
    or digits" about a word made of nothing else."""
    notice = search("a" * (MAX_TERM + 1)).notice
    assert (
        notice
        == f"Nothing to search for there: a word is at most {MAX_TERM} letters or digits long."
    )
    assert search("*** !!!").notice.endswith("try words made of letters or digits.")


# A tenth of the 60 in `make test`, all 60 in `make test-deep`, as every property test (tests/depth.py)
@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(typed=st.text(max_size=300))
def test_any_text_at_all_gives_results_or_nothing_never_an_error(corpus, typed):
    results = search(typed)
    assert results.total >= len(results.hits)


def test_a_whole_word_ranks_above_words_its_stem_begins(db):
    """The stemmer turns the last word, looked for as a prefix, into "state"*: "statement"
    begins with it. A lesson full of policy statements (a better database score) still comes
    after the one about stateful filters, and stays found."""
    module = make_module(slug="net", title="Networks")
    statements = make_lesson(
        module,
        slug="policies",
        title="Policies",
        body="Each statement, and every statement after it, and one more statement: statements.",
    )
    stateful = make_lesson(
        module, slug="filters", title="Filters", body="A security group is stateful."
    )
    index.rebuild()
    assert urls(search("stateful")) == [
        stateful.get_absolute_url(),
        statements.get_absolute_url(),
    ]
    assert urls(search("filters state")) == [stateful.get_absolute_url()]  # a word left whole
