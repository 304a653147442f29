"""The kept reading order: read once, reused, and forgotten the moment the course changes."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons import reading_order
from tests.conftest import give_mfa, make_lesson, make_module

# Committed rows: outside a transaction is where the order is kept.
pytestmark = pytest.mark.django_db(transaction=True)


def queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return result, len(ctx.captured_queries)


def test_the_order_is_read_once_and_then_reused():
    module = make_module(slug="iam")
    make_lesson(module, slug="one", order=1)
    make_lesson(module, slug="two", order=2)
    first, read = queries(reading_order.everything)
    again, reread = queries(reading_order.everything)
    assert [entry.slug for entry in first] == ["one", "two"]
    # Reusing costs only the version check (a cache read); reading costs one query more.
    assert again is first and read == reread + 1 and reread <= 1


def test_saving_a_lesson_is_seen_at_once():
    module = make_module(slug="iam")
    lesson = make_lesson(module, slug="one", title="Old title")
    reading_order.everything()
    lesson.title = "New title"
    lesson.save()
    assert [entry.title for entry in reading_order.everything()] == ["New title"]


def test_deleting_a_module_takes_its_lessons_out():
    kept, gone = make_module(slug="kept", order=1), make_module(slug="gone", order=2)
    make_lesson(kept, slug="a")
    make_lesson(gone, slug="b")
    assert len(reading_order.everything()) == 2
    gone.delete()
    assert [entry.slug for entry in reading_order.everything()] == ["a"]


def test_a_change_made_by_another_process_is_seen():
    """Another server bumps the shared version; this one reads the order again."""
    module = make_module(slug="iam")
    make_lesson(module, slug="one")
    reading_order.everything()
    kept, check = queries(reading_order.everything)
    cache.set(reading_order.VERSION_KEY, "bumped-elsewhere", timeout=None)
    fresh, read = queries(reading_order.everything)
    assert read == check + 1 and fresh is not kept and fresh == kept


def test_an_order_read_inside_a_transaction_is_not_kept():
    module = make_module(slug="iam")
    with transaction.atomic():
        make_lesson(module, slug="rolled-back")
        assert [entry.slug for entry in reading_order.everything()] == ["rolled-back"]
        transaction.set_rollback(True)
    assert reading_order.everything() == ()


def test_inside_a_transaction_one_request_reads_the_order_once_until_it_changes(monkeypatch):
    """A request answered inside a transaction (every test's request; a view in atomic())
    builds the order once for all who ask (the page, a context processor), builds it again
    after a change, and uses none built inside a savepoint once outside it."""
    from srm_trainer.versioned_cache import versions_read_once

    module = make_module(slug="iam")
    lesson = make_lesson(module, slug="one", title="Old title")
    builds = []
    real = reading_order._kept._build
    monkeypatch.setattr(reading_order._kept, "_build", lambda: builds.append(1) or real())
    with transaction.atomic(), versions_read_once():
        first = reading_order.everything()
        assert reading_order.everything() is first and len(builds) == 1
        lesson.title = "New title"
        lesson.save()
        assert reading_order.everything()[0].title == "New title" and len(builds) == 2
        try:
            with transaction.atomic():
                lesson.title = "Rolled back"
                lesson.save()
                assert reading_order.everything()[0].title == "Rolled back"
                raise RuntimeError
        except RuntimeError:
            pass
        assert reading_order.everything()[0].title == "New title"
    with transaction.atomic():  # outside a request: built afresh each time, as before
        reading_order.everything()
        reading_order.everything()
    assert len(builds) == 6


def test_learners_see_published_lessons_of_published_modules_and_staff_see_all(learner, staff):
    shown, hidden = make_module(slug="shown", order=1), make_module(slug="hidden", published=False)
    make_lesson(shown, slug="live", order=1)
    make_lesson(shown, slug="draft", order=2, published=False)
    make_lesson(hidden, slug="in-a-draft-module")
    assert [e.slug for e in reading_order.visible_to(learner).entries] == ["live"]
    # Staff read as learners until they have two-factor sign-in, which the admin asks too.
    assert [e.slug for e in reading_order.visible_to(staff).entries] == ["live"]
    give_mfa(staff)
    assert {e.slug for e in reading_order.visible_to(staff).entries} == {
        "live",
        "draft",
        "in-a-draft-module",
    }


def test_previous_and_next_follow_the_order_across_modules(client):
    first, second = make_module(slug="m1", order=1), make_module(slug="m2", order=2)
    make_lesson(first, slug="a", title="Lesson A", order=1)
    make_lesson(first, slug="b", title="Lesson B", order=2)
    make_lesson(second, slug="c", title="Lesson C", order=1)
    body = client.get(reverse("lesson", args=["m1", "b"])).content.decode()
    assert f'href="{reverse("lesson", args=["m1", "a"])}" rel="prev"' in body
    assert f'href="{reverse("lesson", args=["m2", "c"])}" rel="next"' in body


@pytest.mark.parametrize("prefix", ["/", "/trainer/", "/m0dule/l3sson/"])
def test_each_lesson_address_is_the_one_reverse_gives_under_the_script_prefix_now(prefix):
    """The kept order holds slugs, not addresses: an entry's address is made under the prefix
    in force when it is asked for, even one holding the stand-in slugs the addresses are made
    from, and is what `reverse()` gives there."""
    from django.urls import set_script_prefix

    make_lesson(make_module(slug="iam"), slug="roles")
    make_lesson(make_module(slug="m0dule"), slug="l3sson")
    reading_order.everything()  # kept under the plain site's prefix
    set_script_prefix(prefix)
    try:
        made = [entry.get_absolute_url() for entry in reading_order.everything()]
        assert made == [
            reverse("lesson", args=["iam", "roles"]),
            reverse("lesson", args=["m0dule", "l3sson"]),
        ]
        assert made[0] == f"{prefix}learn/iam/roles/"
    finally:
        set_script_prefix("/")
