"""Old addresses of moved and renamed lessons and modules. A course update that moves a lesson
to another module, renames it (`formerly:` in its file), or gives a module a new slug, changes
the lesson's address; learners keep bookmarks
and instructors send links, so the address a lesson had before leads to where it is now. Only
when nothing stands at the old address: a lesson or module there now is always shown."""

from __future__ import annotations

from lessons.models import EarlierAddress, Lesson, Module


def record_move(lesson: Lesson, *, module_slug: str, lesson_slug: str) -> None:
    """`lesson` stood at `module_slug/lesson_slug` until now (the loader calls this on a move or a rename)."""
    EarlierAddress.objects.update_or_create(
        module_slug=module_slug, lesson_slug=lesson_slug, defaults={"lesson": lesson}
    )


def lesson_now(user, module_slug: str, lesson_slug: str) -> Lesson | None:
    """The lesson once at `module_slug/lesson_slug`, if `user` may read it where it is now."""
    moved = EarlierAddress.objects.filter(module_slug=module_slug, lesson_slug=lesson_slug)
    return (
        Lesson.objects.visible_to(user)
        .select_related("module")
        .filter(pk__in=moved.values("lesson"))
        .first()
    )


def module_now(user, module_slug: str) -> Module | None:
    """Where the lessons of a module no longer at `module_slug` went, if they all went to one
    module `user` may read (a module given a new slug); a module split in two is not guessed."""
    moved = EarlierAddress.objects.filter(module_slug=module_slug)
    lessons = Lesson.objects.visible_to(user).filter(pk__in=moved.values("lesson"))
    modules = list(Module.objects.visible_to(user).filter(lessons__in=lessons).distinct()[:2])
    return modules[0] if len(modules) == 1 else None
