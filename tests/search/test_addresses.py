"""Every result links to its page under the searching request's own script prefix and URLconf,
whoever indexed it and under what: the load and the rebuild command (outside any request), an
edit's reindex on commit (inside whatever request saved it), an upgraded database's old rows.
The same search asked in turn under the plain site, a middleware's URLconf
(tests/test_kept_links.py's `ChoosesURLconf`) and the script prefix /trainer/."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import set_script_prefix, set_urlconf

from curriculum.signals import curriculum_loaded
from glossary.models import GlossaryTerm
from search import index
from tests.conftest import make_lesson, make_module, make_scenario, sign_in
from tests.quizzes.builders import make_question, make_quiz

ROOTS = ("/", "/elsewhere/", "/trainer/")
WORD = "quokka"
ELSEWHERE = "tests.test_kept_links"  # the site again under /elsewhere/


@contextmanager
def under(root: str):
    """What a request under `root` has current while it runs: the script prefix (set by the
    WSGI handler from SCRIPT_NAME), and for /elsewhere/ the URLconf a middleware chose."""
    set_script_prefix("/trainer/" if root == "/trainer/" else "/")
    set_urlconf(ELSEWHERE if root == "/elsewhere/" else None)
    try:
        yield
    finally:
        set_script_prefix("/")
        set_urlconf(None)


def expected(root: str, *, module: bool = True) -> list[str]:
    """Each kind's page under `root`: the lesson, its module (whose text lists the lesson's
    title), the sandbox with its preset, the question's quiz, the glossary term."""
    return sorted(
        root + path
        for path in (
            "learn/linked/first/",
            *(["learn/linked/"] if module else []),
            f"sandbox/?preset={WORD}-preset",
            f"quizzes/{WORD}-quiz/",
            f"learn/glossary/{WORD}/",
        )
    )


def results(client: Client, root: str, *, htmx: bool = False) -> list[str]:
    """The links of a search for WORD asked under `root` (the full page, or htmx's partial)."""
    headers = {"X-Elsewhere": "1"} if root == "/elsewhere/" else {}
    if htmx:
        headers["HX-Request"] = "true"
    with under("/trainer/" if root == "/trainer/" else "/"):  # the middleware sets the URLconf
        response = client.get(
            ("/elsewhere/" if root == "/elsewhere/" else "/") + "search/",
            {"q": WORD},
            headers=headers,
        )
    assert response.status_code == 200, root
    return sorted(re.findall(r'class="search-title" href="([^"]*)"', response.content.decode()))


def build():
    lesson = make_lesson(make_module(slug="linked"), slug="first", title=f"A {WORD} lesson")
    make_scenario(lesson, slug=f"{WORD}-preset", title=f"A {WORD} scenario")
    question = make_question(prompt=f"Can a {WORD} assume the role?", lesson=lesson)
    make_quiz(question, slug=f"{WORD}-quiz", title="The quiz")
    GlossaryTerm.objects.create(slug=WORD, term=f"{WORD.title()}", definition="A marsupial.")


def rebuild_command() -> None:
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115


def after_a_load() -> None:
    curriculum_loaded.send(sender=None)  # what load_curriculum sends once it has loaded


def on_commit() -> None:
    for kind in ("lesson", "module", "scenario", "question", "glossary"):
        index.mark(kind, [index.EVERY])
    index.flush()


@pytest.fixture
def searcher(settings) -> Client:
    settings.MIDDLEWARE = ["tests.test_kept_links.ChoosesURLconf", *settings.MIDDLEWARE]
    return Client()


@pytest.mark.django_db
@pytest.mark.parametrize("indexed_under", ROOTS)
@pytest.mark.parametrize("indexer", [rebuild_command, after_a_load, on_commit])
def test_results_link_under_the_searching_requests_prefix_and_urlconf(
    searcher, indexer, indexed_under
):
    """Indexed by each indexer while each root was current (outside a request: the plain one),
    then searched under every root in turn, twice over, as a visitor and signed in: every link
    is the searching request's own, for every kind of result."""
    build()
    with under(indexed_under):
        indexer()
    signed_in = Client()
    sign_in(signed_in, get_user_model().objects.create_user("ada", password="a-long-pass-1"))
    for _ in range(2):
        for root in ROOTS:
            for client in (searcher, signed_in):
                assert results(client, root) == expected(root), (indexed_under, root)
            assert results(searcher, root, htmx=True) == expected(root)


@pytest.mark.django_db
def test_a_save_under_a_script_prefix_links_right_under_the_plain_site(
    searcher, django_capture_on_commit_callbacks
):
    """An instructor publishes a quiz from /trainer/teach/: its question is reindexed when the
    save commits, inside that request. A learner on the plain site is sent to /quizzes/…, and
    one under /trainer/ to /trainer/quizzes/…."""
    from lessons.models import Source
    from tests.teach.conftest import _instructor, client_for

    instructor = _instructor("ines")
    question = make_question(prompt=f"Is a {WORD} an admin?", owner=instructor, lesson=None)
    quiz = make_quiz(
        question,
        slug=f"{WORD}-quiz",
        owner=instructor,
        source=Source.AUTHORED,
        published=False,
    )
    on_commit()  # the draft's question is not in the index
    assert results(searcher, "/") == []
    teacher = client_for(instructor)
    with under("/trainer/"), django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = teacher.post(f"/teach/quizzes/{quiz.pk}/publish/", {"published": "true"})
    assert response.status_code == 302 and callbacks
    for root in ("/", "/elsewhere/", "/trainer/", "/"):
        assert results(searcher, root) == [f"{root}quizzes/{WORD}-quiz/"]


@pytest.mark.django_db(transaction=True)
def test_an_upgraded_database_links_right_without_a_reindex(searcher):
    """A database indexed before addresses were made per request holds addresses reversed under
    whatever was current then. Once migrated (`migrate`, all an upgrade runs), every root's
    search links under its own, with no reindex; a row whose address cannot be read is left
    out. Migrating back gives the plain site's addresses."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.urls import reverse

    build()
    before, after = [("search", "0001_initial")], [("search", "0004_words")]  # the latest
    MigrationExecutor(connection).migrate(before)
    try:
        executor = MigrationExecutor(connection)
        old = executor.loader.project_state(before).apps.get_model("search", "Document")
        old.objects.all().delete()  # what saving the content indexed (committed at once here)

        def stored(kind: str, key: str, root: str, view: str, *args: str, query: str = ""):
            with under(root):  # as the old indexer reversed it, under whatever was current
                url = reverse(view, args=args) + query
            old.objects.create(kind=kind, key=key, title=f"A {WORD}", url=url, body="")

        stored("lesson", "1", "/trainer/", "lesson", "linked", "first")
        stored("scenario", "2", "/elsewhere/", "sandbox", query=f"?preset={WORD}-preset")
        stored("question", "3", "/", "quizzes:detail", f"{WORD}-quiz")
        stored("glossary", WORD, "/trainer/", "glossary:term", WORD)
        old.objects.create(kind="lesson", key="9", title=f"A {WORD}", url="/nowhere", body="")
        executor.migrate(after)
        for root in ROOTS:
            assert results(searcher, root) == expected(root, module=False), root
        MigrationExecutor(connection).migrate(before)
        assert sorted(old.objects.values_list("url", flat=True)) == expected("/", module=False)
    finally:
        MigrationExecutor(connection).migrate(after)


@pytest.mark.django_db
def test_a_stored_target_no_page_takes_is_left_out_never_an_error(searcher):
    """A row whose slugs no URL accepts (written by hand, or before a slug was checked): the
    search still answers, with the other results, under every root."""
    from search.models import Document

    build()
    rebuild_command()
    Document.objects.create(kind="lesson", key="0", title=f"A {WORD} too", target="no/such/way")
    Document.objects.create(kind="glossary", key="x", title=f"A {WORD} also", target="")
    for root in ROOTS:
        assert results(searcher, root) == expected(root)
