"""The index follows the content: after a load, and after every edit (on commit), wherever it is
made; one document is cheap to reindex; a failure to index never fails the edit."""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.db import transaction

from lessons import reading_order, rendered
from lessons.models import Lesson, RenderedBody
from search import index, sources
from search.index import INDEXED_BODY
from search.models import Document
from search.query import search
from tests.conftest import make_lesson, make_module, make_scenario
from tests.quizzes.builders import make_question, make_quiz
from tests.search.conftest import PHRASE
from tests.shipped import shipped_curriculum

pytestmark = pytest.mark.django_db


def kinds(query: str) -> set[str]:
    return {hit.kind for hit in search(query).hits}


# Loading the shipped curriculum indexes it: tests/curriculum/test_shipped_load.py, which
# shares one load of the whole course among the tests that look at what it left.


def test_the_rebuild_command_puts_a_lost_index_right(corpus, capsys):
    Document.objects.all().delete()
    assert search(PHRASE).total == 0
    call_command("rebuild_search_index")
    assert search(PHRASE).total == 5
    assert f"{Document.objects.count()} documents" in capsys.readouterr().out


def test_a_new_lesson_is_found_once_saved(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lesson = make_lesson(make_module(), title="Service control policies")
    # and its module, whose page lists it
    assert [hit.url for hit in search("service control").hits] == [
        lesson.get_absolute_url(),
        lesson.module.get_absolute_url(),
    ]


def test_an_edit_replaces_the_old_text(corpus, django_capture_on_commit_callbacks):
    lesson = corpus["titled"]
    with django_capture_on_commit_callbacks(execute=True):
        lesson.title = "Guardrails for roles"
        lesson.save()
    assert lesson.get_absolute_url() in [hit.url for hit in search("guardrails").hits]
    assert search("basics").total == 0
    assert Document.objects.filter(kind="lesson", key=str(lesson.pk)).count() == 1


def test_unpublishing_or_deleting_removes_a_lesson(corpus, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        corpus["titled"].published = False
        corpus["titled"].save()
    assert corpus["titled"].get_absolute_url() not in [hit.url for hit in search(PHRASE).hits]
    with django_capture_on_commit_callbacks(execute=True):
        corpus["mentioned"].delete()
    assert "lesson" not in kinds(PHRASE)


def test_unpublishing_a_module_removes_its_lessons(corpus, django_capture_on_commit_callbacks):
    module = corpus["titled"].module
    with django_capture_on_commit_callbacks(execute=True):
        module.published = False
        module.save()
    assert "lesson" not in kinds(PHRASE)
    # The scenario was taught only in a lesson that is now hidden: no longer a preset.
    assert "scenario" not in kinds(PHRASE)


def test_archiving_a_question_removes_it(corpus, django_capture_on_commit_callbacks):
    question = corpus["question"]
    with django_capture_on_commit_callbacks(execute=True):
        question.archived = True
        question.save()
    assert "question" not in kinds(PHRASE)


def test_a_question_follows_its_quizzes(corpus, django_capture_on_commit_callbacks):
    quiz, orphan = corpus["quiz"], corpus["orphan"]
    with django_capture_on_commit_callbacks(execute=True):
        quiz.entries.create(question=orphan, order=2)
    assert "/quizzes/iam-quiz/" in [hit.url for hit in search("orphaned").hits]
    with django_capture_on_commit_callbacks(execute=True):
        quiz.published = False
        quiz.save()
    assert search("orphaned").total == 0  # in no other quiz
    # Still in a published quiz: the result now opens that one.
    assert [h.url for h in search(PHRASE).hits if h.kind == "question"] == ["/quizzes/iam-quiz-2/"]


def test_a_quiz_that_draws_from_a_category_makes_its_questions_searchable(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_question(category="kms", prompt="Who rotates the key?", explanation="Envelope.")
        quiz = make_quiz(slug="kms-draw", draw_category="kms", draw_count=1)
    assert [hit.url for hit in search("envelope").hits] == ["/quizzes/kms-draw/"]
    with django_capture_on_commit_callbacks(execute=True):
        quiz.draw_category, quiz.draw_count = "", 0
        quiz.save()
    assert search("envelope").total == 0


def test_a_drawn_category_makes_searchable_only_the_questions_the_quiz_may_draw(
    django_user_model, django_capture_on_commit_callbacks
):
    """A quiz draws its owner's questions and the course's (`exam.draw_scope`): another
    teacher's question in its category, prompt and explanation, was found by every learner."""
    ines, otto = (django_user_model.objects.create(username=n) for n in ("ines", "otto"))
    with django_capture_on_commit_callbacks(execute=True):
        make_question(category="kms", prompt="Otto key?", explanation="Otto walrus.", owner=otto)
        make_question(category="kms", prompt="Ines key?", explanation="Ines walrus.", owner=ines)
        make_quiz(slug="kms-draw", draw_category="kms", draw_count=1, owner=ines, published=True)
    assert [hit.title for hit in search("walrus").hits] == ["Ines key?"]


def test_a_scenario_follows_its_lessons(db, django_capture_on_commit_callbacks):
    draft = make_lesson(make_module(), published=False)
    with django_capture_on_commit_callbacks(execute=True):
        scenario = make_scenario(title="Cross-account bucket read")
        scenario.lessons.set([draft])  # taught only in a draft: not a preset
    assert search("bucket read").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        draft.published = True
        draft.save()
    assert kinds("bucket read") == {"scenario"}
    with django_capture_on_commit_callbacks(execute=True):
        scenario.delete()
    assert search("bucket read").total == 0


def test_a_new_row_marks_itself_without_looking_for_rows_that_point_at_it(
    db, django_capture_on_commit_callbacks
):
    """Nothing can point at a row just inserted: its module's lessons, its lesson's scenarios,
    its quiz's listed questions are not looked up (a saved one's still are, above)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_capture_on_commit_callbacks(execute=True):
        with CaptureQueriesContext(connection) as saving:
            module = make_module(title="Fresh module")
            make_lesson(module, title="Fresh lesson about envelopes")
            make_quiz(slug="fresh", title="Fresh quiz")
        looked_up = [
            q["sql"]
            for q in saving.captured_queries
            if q["sql"].startswith("SELECT")
            and any(
                t in q["sql"] for t in ('"lessons_lesson"', "_lessons", '"quizzes_quizquestion"')
            )
        ]
    assert looked_up == []
    assert kinds("fresh lesson about envelopes") == {"lesson", "module"}


def test_an_instructors_own_scenario_stays_out(db, learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_scenario(title="My private scenario", owner=learner)
    assert search("private scenario").total == 0


def test_an_edit_rolled_back_is_never_indexed(db, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        make_lesson(make_module(), title="Vanishing lesson")
        raise RuntimeError
    assert callbacks == []  # the rolled-back edit left nothing to run on commit
    with django_capture_on_commit_callbacks(execute=True):
        make_lesson(make_module(), title="Lasting lesson")  # the next commit flushes
    assert search("vanishing").total == 0 and kinds("lasting") == {"lesson", "module"}


def test_reindexing_one_lesson_costs_a_few_queries_whatever_the_index_holds(
    corpus, django_assert_max_num_queries
):
    module = make_module()
    for n in range(30):
        make_lesson(module, title=f"Filler {n}")
    index.rebuild()
    # 6 (one the glossary's abbreviations), and its title's words deleted and written
    with django_assert_max_num_queries(9):
        index.reindex("lesson", [str(corpus["titled"].pk)])
    assert search(PHRASE).total == 5


def test_a_failure_to_index_is_logged_and_the_edit_kept(
    db, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(keys):
        raise ValueError("broken source")

    monkeypatch.setitem(index.SOURCES, "lesson", replace(index.SOURCES["lesson"], entries=broken))
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        lesson = make_lesson(make_module(), title="Still saved")
    assert Lesson.objects.filter(pk=lesson.pk).exists()
    assert "reindexing lesson" in caplog.text


def test_glossary_terms_are_found_with_their_other_spellings(corpus):
    from glossary.models import GlossaryTerm

    GlossaryTerm.objects.create(
        slug="boundary", term="Boundary", aliases=["PB"], definition=f"A *limit*: {PHRASE}."
    )
    index.rebuild()
    hit = next(hit for hit in search(PHRASE).hits if hit.kind == "glossary")
    assert (hit.label, hit.url) == ("Glossary", "/learn/glossary/boundary/")
    assert "limit" in hit.snippet and "*" not in hit.snippet  # the text, not its asterisks
    assert any(h.kind == "glossary" for h in search("PB").hits)  # an alias finds its term


def test_an_edited_glossary_term_is_reindexed_when_saved(
    corpus, django_capture_on_commit_callbacks
):
    from glossary.models import GlossaryTerm

    with django_capture_on_commit_callbacks(execute=True):
        term = GlossaryTerm.objects.create(slug="boundary", term="Boundary", definition="x")
    assert "glossary" not in kinds(PHRASE)
    with django_capture_on_commit_callbacks(execute=True):
        term.definition = f"Now about {PHRASE}."
        term.save()
    assert "glossary" in kinds(PHRASE)


def test_a_page_named_what_a_glossary_term_abbreviates_is_found_by_the_abbreviation(
    db, django_capture_on_commit_callbacks
):
    """A module or lesson holding a term's long name carries the term's abbreviation in its
    title, kept in step with the glossary: "iam" finds the module "Identity and Access
    Management" (IAM glossary term), and a term's edit reindexes the titles."""
    from glossary.models import GlossaryTerm

    with django_capture_on_commit_callbacks(execute=True):
        module = make_module(slug="identity", title="Identity and Access Management")
        lesson = make_lesson(module, title="Security groups and network ACLs")
        term = GlossaryTerm.objects.create(
            slug="iam", term="IAM", aliases=["identity and access management"], definition="x"
        )
        GlossaryTerm.objects.create(
            slug="network-acl", term="network ACL", aliases=["NACL"], definition="y"
        )
    assert module_document(module).title == "Identity and Access Management (IAM)"
    assert Document.objects.get(kind="lesson", key=str(lesson.pk)).title == (
        "Security groups and network ACLs (NACL)"
    )
    assert "/learn/identity/" in [hit.url for hit in search("iam").hits[:2]]
    assert search("security group vs nacl").hits[0].kind == "lesson"
    with django_capture_on_commit_callbacks(execute=True):
        other = make_lesson(module, title="Identity federation")
    untouched = Document.objects.get(kind="lesson", key=str(other.pk)).pk
    with django_capture_on_commit_callbacks(execute=True):
        term.aliases = []  # the glossary no longer says what IAM stands for
        term.save()
    assert module_document(module).title == "Identity and Access Management"
    assert "/learn/identity/" not in [hit.url for hit in search("iam").hits]
    with django_capture_on_commit_callbacks(execute=True):
        GlossaryTerm.objects.create(
            slug="sg", term="security group", aliases=["SG"], definition="z"
        )
    assert Document.objects.get(kind="lesson", key=str(lesson.pk)).title == (
        "Security groups and network ACLs (SG, NACL)"
    )
    # only the lessons whose title the glossary changes are indexed again
    assert Document.objects.get(kind="lesson", key=str(other.pk)).pk == untouched


def test_a_lesson_is_indexed_from_the_rendering_its_page_shows_and_stores(client, db, monkeypatch):
    """The index reads a lesson's body through its stored rendering (lessons/rendered.py): a
    rebuild in another process (every restart's load) renders no lesson again, and the page
    it leads to renders nothing the index has not already rendered."""
    monkeypatch.setattr(rendered, "_recent", OrderedDict())  # this process's memory, its own
    lesson = make_lesson(make_module(), body="Envelope keys wrap *data keys*.\n")
    index.rebuild()
    stored = RenderedBody.objects.get(lesson=lesson)
    assert "<em>data keys</em>" in stored.html
    rendered._recent.clear()  # another process: only the stored row

    def no_rendering(text):
        raise AssertionError("Markdown was rendered again")

    monkeypatch.setattr(rendered, "render_markdown_uncached", no_rendering)
    index.rebuild()
    (hit,) = search("envelope keys").hits
    assert hit.url == lesson.get_absolute_url()
    assert "wrap" in hit.snippet and "*" not in hit.snippet  # the text, not its asterisks
    assert "<em>data keys</em>" in client.get(lesson.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "text, indexed",
    [
        ("Short  and\nplain", "Short and plain"),  # whitespace collapsed
        ("x" * 300, "x" * 300),  # the limit itself is kept whole
        ("x" * 301, "x" * 299 + "…"),  # one more is cut, with an ellipsis
        ("Cafe\u0301 keys", "Caf\u00e9 keys"),  # composed, as Django's Truncator does
    ],
)
def test_a_documents_title_is_plain_text_within_the_columns_limit(text, indexed):
    """A question's prompt is its title: long ones are cut to the column's 300 characters."""
    assert sources.title(text) == indexed


def test_a_body_is_searched_up_to_its_limit_and_every_shipped_lesson_fits(db):
    """Past `INDEXED_BODY` characters a body is not searched: the cost of one result grows with
    its body. No shipped lesson comes near it (were one to, this fails rather than a part of
    that lesson silently going unsearched)."""
    module = make_module()
    make_lesson(
        module, slug="long", body="x " * (INDEXED_BODY // 2 - 10) + "early " + "y " * 20 + "late"
    )
    index.rebuild()
    assert search("early").total == 1
    assert search("late").total == 0
    longest = max(len(lesson.body) for lesson in shipped_curriculum().lessons)
    assert longest < INDEXED_BODY // 2, longest


def test_a_lessons_headings_are_kept_beside_its_text(db, django_capture_on_commit_callbacks):
    """What the ranking of several words no title holds reads (`search.query.reranked`): each
    heading as a reader sees it, one a line; none for a kind without."""
    with django_capture_on_commit_callbacks(execute=True):
        lesson = make_lesson(
            make_module(slug="net", title="Network"),
            slug="filters",
            title="Filters",
            body="Intro.\n\n## Two firewalls\n\nText.\n\n### Stateful *and* stateless\n\nMore.",
        )
    document = Document.objects.get(kind="lesson", key=str(lesson.pk))
    assert document.headings == "Two firewalls\nStateful and stateless"
    assert "Stateful and stateless" in document.body
    assert [hit.url for hit in search("stateful vs stateless").hits] == [lesson.get_absolute_url()]


def module_document(module) -> Document:
    return Document.objects.get(kind="module", key=str(module.pk))


def test_a_module_is_indexed_with_its_summary_and_its_lessons_titles_in_order(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        module = make_module(slug="orgs", title="AWS Organizations", summary="Many accounts.")
        make_lesson(module, title="Service control policies", order=2)
        make_lesson(module, title="Accounts and OUs", order=1)
        make_lesson(module, title="A draft", order=3, published=False)
        make_lesson(module, slug="billing", title="Consolidated billing", order=2)
    document = module_document(module)
    assert (document.title, document.target) == ("AWS Organizations", "orgs")
    # as the module page lists them: by order, then slug
    listed = [entry.title for entry in reading_order.published().in_module(module.pk)]
    assert listed == ["Accounts and OUs", "Consolidated billing", "Service control policies"]
    assert document.body == f"Many accounts. {' '.join(listed)}"
    hit = next(hit for hit in search("aws organizations").hits if hit.kind == "module")
    assert (hit.label, hit.url) == ("Module", "/learn/orgs/")
    assert search("many accounts").hits[0].url == "/learn/orgs/"


def test_renaming_a_module_or_its_lessons_reindexes_it(db, django_capture_on_commit_callbacks):
    module = make_module(slug="ddos", title="Denial of service", summary="Floods.")
    lesson = make_lesson(module, title="Shield and WAF", order=1)
    other = make_lesson(module, title="Network defences", order=2)
    index.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        module.title, module.slug, module.summary = "DoS attacks", "dos", "Absorbing a surge."
        module.save()
    document = module_document(module)
    assert (document.title, document.target) == ("DoS attacks", "dos")
    assert document.body.startswith("Absorbing a surge.")
    assert search("floods").total == 0
    assert [hit.url for hit in search("surge").hits] == ["/learn/dos/"]
    with django_capture_on_commit_callbacks(execute=True):
        lesson.title, lesson.order = "AWS Shield", 3  # renamed and moved to the end
        lesson.save()
    assert module_document(module).body == "Absorbing a surge. Network defences AWS Shield"
    with django_capture_on_commit_callbacks(execute=True):
        other.module = make_module(slug="elsewhere")  # moved to another module
        other.save()
    assert module_document(module).body == "Absorbing a surge. AWS Shield"
    assert "Network defences" in Document.objects.get(kind="module", target="elsewhere").body


def test_unpublishing_or_deleting_a_module_removes_its_document(
    db, django_capture_on_commit_callbacks
):
    kept, hidden, gone = (make_module(title=f"Kept topic {n}") for n in range(3))
    index.rebuild()
    keys = [str(hidden.pk), str(gone.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        hidden.published = False
        hidden.save()
        gone.delete()
    assert [hit.url for hit in search("kept topic").hits] == [kept.get_absolute_url()]
    assert not Document.objects.filter(kind="module", key__in=keys).exists()


def test_reindexing_the_modules_costs_a_few_queries_whatever_their_number(
    db, django_assert_max_num_queries
):
    for n in range(20):
        module = make_module()
        for m in range(5):
            make_lesson(module, title=f"Topic {n} part {m}")
    # modules, lessons, the glossary's abbreviations; 5 to replace; a savepoint's 2
    with django_assert_max_num_queries(10):
        index.reindex("module", [index.EVERY])
    assert Document.objects.filter(kind="module").count() >= 20
