"""The lessons completed per learner and module (`ModuleCompletions`) are kept as completions
are written, and never drift: after every kind of write they equal a recount of the progress
rows. Pages read them instead of a learner's whole history (issue 15, item 5)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from certificates.progress import course_progress
from lessons import progress, reading_order
from lessons.models import LessonProgress, ModuleCompletions
from lessons.session_carry import carry_completions
from tests.conftest import give_mfa, make_lesson, make_module, sign_in

pytestmark = pytest.mark.django_db


def kept(user) -> dict[int, int]:
    rows = ModuleCompletions.objects.filter(user=user).values_list("module_id", "completed")
    return {module_id: n for module_id, n in rows if n}


def assert_no_drift() -> None:
    assert progress.count_drift() == {}


@pytest.fixture
def course():
    one, two = make_module(), make_module()
    return {
        "one": one,
        "two": two,
        "a": make_lesson(one),
        "b": make_lesson(one),
        "c": make_lesson(two),
    }


def test_completing_and_uncompleting_keep_the_count(learner, course):
    progress.mark_complete(user=learner, lesson=course["a"])
    progress.mark_complete(user=learner, lesson=course["a"])  # twice: still one
    progress.mark_complete(user=learner, lesson=course["b"])
    progress.mark_complete(user=learner, lesson=course["c"])
    assert kept(learner) == {course["one"].pk: 2, course["two"].pk: 1}
    assert_no_drift()
    progress.mark_incomplete(user=learner, lesson=course["b"])
    progress.mark_incomplete(user=learner, lesson=course["b"])  # not done: nothing to take off
    assert kept(learner) == {course["one"].pk: 1, course["two"].pk: 1}
    assert_no_drift()


def test_the_completion_view_keeps_the_count(learner_client, learner, course):
    url = f"/learn/{course['one'].slug}/{course['a'].slug}/complete/"
    assert learner_client.post(url, {"done": "true"}).status_code == 302
    assert kept(learner) == {course["one"].pk: 1}
    assert learner_client.post(url, {"done": "false"}).status_code == 302
    assert kept(learner) == {}
    assert_no_drift()


def test_completions_carried_from_the_session_are_counted(learner, course):
    session = {progress.SESSION_KEY: [course["a"].pk, course["c"].pk]}
    carry_completions(user=learner, session=session)
    assert kept(learner) == {course["one"].pk: 1, course["two"].pk: 1}
    assert_no_drift()


def test_other_learners_counts_are_their_own(learner, other_learner, course):
    progress.mark_complete(user=learner, lesson=course["a"])
    progress.mark_complete(user=other_learner, lesson=course["b"])
    progress.mark_incomplete(user=other_learner, lesson=course["b"])
    assert kept(learner) == {course["one"].pk: 1}
    assert kept(other_learner) == {}
    assert_no_drift()


def test_a_lesson_moved_to_another_module_moves_its_completions(learner, other_learner, course):
    progress.mark_complete(user=learner, lesson=course["a"])
    progress.mark_complete(user=other_learner, lesson=course["a"])
    progress.mark_complete(user=learner, lesson=course["c"])
    lesson = course["a"]
    lesson.module = course["two"]
    lesson.save()
    assert kept(learner) == {course["two"].pk: 2}
    assert kept(other_learner) == {course["two"].pk: 1}
    assert_no_drift()
    lesson.title = "Renamed"
    lesson.save(update_fields=["title"])  # not a move
    assert_no_drift()


def test_unpublishing_keeps_the_count_and_pages_leave_the_draft_out(learner, course):
    progress.mark_complete(user=learner, lesson=course["a"])
    progress.mark_complete(user=learner, lesson=course["b"])
    course["b"].published = False
    course["b"].save()
    assert_no_drift()
    assert kept(learner) == {course["one"].pk: 2}  # drafts included in what is kept
    published = reading_order.published()
    # What learners see counts published lessons only, as the course progress always did.
    assert progress.done_published(learner, published) == {course["one"].pk: 1}
    assert progress.done_by_module(learner, None, published) == {course["one"].pk: 1}
    lessons = course_progress(learner).for_module(course["one"].pk).lessons
    assert (lessons.done, lessons.total) == (1, 1)
    # Staff preview drafts, so their own count includes them (as the module page always did),
    # once they have two-factor sign-in: until then they count as the learner they read as.
    learner.is_staff = True
    assert progress.done_by_module(learner, None, reading_order.visible_to(learner)) == {
        course["one"].pk: 1
    }
    give_mfa(learner)
    assert progress.done_by_module(learner, None, reading_order.visible_to(learner)) == {
        course["one"].pk: 2
    }


def test_deleting_a_lesson_a_module_or_an_account_keeps_the_counts(learner, other_learner, course):
    for user in (learner, other_learner):
        for name in ("a", "b", "c"):
            progress.mark_complete(user=user, lesson=course[name])
    course["a"].delete()
    assert kept(learner) == {course["one"].pk: 1, course["two"].pk: 1}
    assert_no_drift()
    course["two"].delete()
    assert kept(learner) == {course["one"].pk: 1}
    assert_no_drift()
    other_learner.delete()
    assert not ModuleCompletions.objects.filter(user_id=other_learner.pk).exists()
    assert_no_drift()


def test_progress_rows_written_in_the_admin_keep_the_counts(learner, course):
    superuser = get_user_model().objects.create_superuser("root", password="a-long-passphrase-9")
    give_mfa(superuser)
    admin = Client()
    sign_in(admin, superuser)
    base = "/admin/lessons/lessonprogress/"
    now = timezone.now()
    fields = {"completed_at_0": now.strftime("%Y-%m-%d"), "completed_at_1": "12:00:00"}
    added = admin.post(f"{base}add/", {"user": learner.pk, "lesson": course["a"].pk, **fields})
    assert added.status_code == 302
    assert kept(learner) == {course["one"].pk: 1}
    row = LessonProgress.objects.get(user=learner)
    # Changed to a lesson in another module: the count moves with it.
    changed = admin.post(
        f"{base}{row.pk}/change/", {"user": learner.pk, "lesson": course["c"].pk, **fields}
    )
    assert changed.status_code == 302
    assert kept(learner) == {course["two"].pk: 1}
    assert_no_drift()
    assert admin.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 302
    assert kept(learner) == {}
    for name in ("a", "b"):
        progress.mark_complete(user=learner, lesson=course[name])
    chosen = list(LessonProgress.objects.values_list("pk", flat=True))
    bulk = admin.post(
        base, {"action": "delete_selected", "_selected_action": chosen, "post": "yes"}
    )
    assert bulk.status_code == 302
    assert kept(learner) == {}
    assert_no_drift()


# Loading the shipped curriculum again keeps the counts: tests/curriculum/test_shipped_load.py,
# which shares one load of the whole course.


def test_recount_rebuilds_counts_written_without_signals(learner, course, capsys):
    LessonProgress.objects.bulk_create(
        LessonProgress(user=learner, lesson=course[name], completed_at=timezone.now())
        for name in ("a", "c")
    )
    ModuleCompletions.objects.create(user=learner, module=course["one"], completed=7)
    assert progress.count_drift() == {
        (learner.pk, course["one"].pk): (7, 1),
        (learner.pk, course["two"].pk): (0, 1),
    }
    with pytest.raises(CommandError, match=r"^2 completion counts were wrong; run without"):
        call_command("recount_progress", "--check")
    assert "kept 7, progress rows 1" in capsys.readouterr().out
    call_command("recount_progress")
    assert "Completion counts rebuilt (2 completion counts were wrong)." in capsys.readouterr().out
    assert kept(learner) == {course["one"].pk: 1, course["two"].pk: 1}
    call_command("recount_progress", "--check")
    assert_no_drift()


def test_one_wrong_count_is_said_in_the_singular(learner, course, capsys):
    ModuleCompletions.objects.create(user=learner, module=course["one"], completed=3)
    with pytest.raises(CommandError, match=r"^1 completion count was wrong; run without"):
        call_command("recount_progress", "--check")
    call_command("recount_progress")
    assert "Completion counts rebuilt (1 completion count was wrong)." in capsys.readouterr().out


def test_the_migration_counts_the_completions_learners_already_have(learner, other_learner, course):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("lessons.migrations.0008_module_completions")
    LessonProgress.objects.bulk_create(  # rows from before the counts existed: none kept
        LessonProgress(user=user, lesson=course[name], completed_at=timezone.now())
        for user, name in ((learner, "a"), (learner, "b"), (learner, "c"), (other_learner, "c"))
    )
    assert kept(learner) == {}
    migration.fill_counts(apps, None)
    assert kept(learner) == {course["one"].pk: 2, course["two"].pk: 1}
    assert kept(other_learner) == {course["two"].pk: 1}
    assert_no_drift()


def test_has_completed_answers_for_this_learner_and_this_lesson_only(learner, course):
    # The lesson page's "Completed" state (its query compiled once: `progress._COMPLETED`).
    other = get_user_model().objects.create_user("grace", password="pw-grace-123456")
    assert not progress.has_completed(learner, course["a"])
    progress.mark_complete(user=learner, lesson=course["a"])
    assert progress.has_completed(learner, course["a"])
    assert not progress.has_completed(learner, course["b"])
    assert not progress.has_completed(other, course["a"])
    progress.mark_incomplete(user=learner, lesson=course["a"])
    assert not progress.has_completed(learner, course["a"])


def test_a_learners_home_reads_the_kept_counts_once_and_never_a_stale_one(
    learner_client, learner, course
):
    """The home page and the course progress beside it share one read of the kept counts per
    request; a count read before a completion is written (or a recount) is not used after."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    progress.mark_complete(user=learner, lesson=course["a"])
    with CaptureQueriesContext(connection) as queries:
        body = learner_client.get("/").content.decode()
    reads = [q["sql"] for q in queries if "lessons_modulecompletions" in q["sql"]]
    assert len(reads) == 1, reads
    assert "1 of 2 lessons completed" in body
    published = reading_order.published()
    assert progress.done_published(learner, published) == {course["one"].pk: 1}
    progress.mark_complete(user=learner, lesson=course["c"])
    assert progress.done_published(learner, published) == {
        course["one"].pk: 1,
        course["two"].pk: 1,
    }
    ModuleCompletions.objects.filter(user=learner).update(completed=0)
    progress.recount(user_ids=[learner.pk])
    assert progress.done_published(learner, published)[course["two"].pk] == 1
    assert course_progress(learner).for_module(course["two"].pk).lessons.done == 1
