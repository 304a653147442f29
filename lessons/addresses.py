"""Old addresses of moved and renamed lessons and modules. A course update that moves a lesson
to another module, renames it (`formerly:` in its file), or gives a module a new slug, changes
the lesson's address; learners keep bookmarks
and instructors send links, so the address a lesson had before leads to where it is now. Only
when nothing stands at the old address: a lesson or module there now is always shown."""

from __future__ import annotations

from lessons.models import EarlierAddress, EarlierModuleSlug, Lesson, Module


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
    """The module once at `module_slug`, if `user` may read it: the module renamed in the
    admin from it, else where its lessons went if they all went to one module (a course
    update's new slug); a module split in two is not guessed."""
    renamed = EarlierModuleSlug.objects.filter(slug=module_slug).values("module")
    found = Module.objects.visible_to(user).filter(pk__in=renamed).first()
    if found is not None:
        return found
    moved = EarlierAddress.objects.filter(module_slug=module_slug)
    lessons = Lesson.objects.visible_to(user).filter(pk__in=moved.values("lesson"))
    modules = list(Module.objects.visible_to(user).filter(lessons__in=lessons).distinct()[:2])
    return modules[0] if len(modules) == 1 else None


def record_module_move(module: Module, *, module_slug: str) -> None:
    """`module` had the slug `module_slug` until now (a rename in the admin): the old slug
    leads to it (`module_now`), a module with no lessons too, and each of its lessons' old
    address to the lesson. A few queries, however many lessons."""
    EarlierModuleSlug.objects.update_or_create(slug=module_slug, defaults={"module": module})
    rows = [
        EarlierAddress(module_slug=module_slug, lesson_slug=slug, lesson_id=pk)
        for pk, slug in module.lessons.values_list("pk", "slug")
    ]
    EarlierAddress.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["module_slug", "lesson_slug"],
        update_fields=["lesson"],
    )


# How many lessons `linking` reads: a bounded scan, however many link an old address.
LINKING_SCAN = 20


def linking(module_slug: str, lesson_slug: str = "", *, besides: int | None = None):
    """(lessons, more) the lessons whose body links `/learn/module_slug/lesson_slug/` (with
    `lesson_slug` "", the module's address or any lesson of it), read as the page draws
    links (`learn_links`: code is not a link); `more` when the scan stopped at LINKING_SCAN
    lessons that mention the address. One query; `besides` a lesson not to list (itself)."""
    from lessons.markdown import learn_links  # the renderer is read only when a link is asked for

    mention = f"/learn/{module_slug}/{lesson_slug}"
    rows = list(
        Lesson.objects.filter(body__contains=mention)
        .exclude(pk=besides)
        .select_related("module")
        .only("title", "slug", "body", "module__slug")
        .order_by("module__slug", "slug")[: LINKING_SCAN + 1]
    )
    more = len(rows) > LINKING_SCAN
    found = [
        row
        for row in rows[:LINKING_SCAN]
        if any(
            module == module_slug and (not lesson_slug or lesson == lesson_slug)
            for _, _, module, lesson in learn_links(row.body)
        )
    ]
    return found, more
