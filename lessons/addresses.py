"""Old addresses of moved and renamed lessons and modules. A course update that moves a lesson
to another module, renames it (`formerly:` in its file), or gives a module a new slug, changes
the lesson's address; learners keep bookmarks
and instructors send links, so the address a lesson had before leads to where it is now. Only
when nothing stands at the old address: a lesson or module there now is always shown."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Q

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


# How many lessons `linking` and `broken_by_delete` read: a bounded scan, however many link.
LINKING_SCAN = 20
# Past this many addresses, the scan looks for their modules' addresses, and past this many
# modules for any /learn/ address: a condition each, and a bulk delete may name hundreds.
MENTIONS = 40


def linking(module_slug: str, lesson_slug: str = "", *, besides: int | None = None):
    """(lessons, more) the lessons whose body links `/learn/module_slug/lesson_slug/` (with
    `lesson_slug` "", the module's address or any lesson of it), read as the page draws
    links (`learn_links`: code is not a link); `more` when the scan stopped at LINKING_SCAN
    lessons that mention the address. One query; `besides` a lesson not to list (itself)."""

    def leads_there(module: str, lesson: str) -> bool:
        return module == module_slug and (not lesson_slug or lesson == lesson_slug)

    mention = f"/learn/{module_slug}/{lesson_slug}"
    return _scan([mention], leads_there, Q(pk=besides) if besides is not None else None)


def broken_by_delete(*, lessons: Iterable[int] = (), modules: Iterable[int] = ()):
    """(lessons, more) the lessons, other than those deleted, whose links lead somewhere now
    and would lead nowhere once these lessons or modules (their ids) are deleted, as
    `Lesson._dead_links` would then refuse them: a link to a lesson's address or one of its
    old addresses, to a module's (or its old slug's) or any lesson under it, unless something
    else still stands there or is led to from there (a lesson or module made in its place,
    another's old address). A link that already led nowhere (to a lesson of the module deleted
    before) is not this delete's doing, and is not listed. A few queries for the addresses,
    then one bounded scan as `linking`'s."""
    lessons, modules = list(lessons), list(modules)
    gone = Q(lesson__in=lessons) | Q(lesson__module__in=modules)
    pairs = set(Lesson.objects.filter(pk__in=lessons).values_list("module__slug", "slug"))
    pairs |= set(EarlierAddress.objects.filter(gone).values_list("module_slug", "lesson_slug"))
    whole = set(Module.objects.filter(pk__in=modules).values_list("slug", flat=True))
    whole |= set(
        EarlierModuleSlug.objects.filter(module__in=modules).values_list("slug", flat=True)
    )
    slugs = whole | {module for module, _ in pairs}
    if not slugs:
        return [], False
    # What stands at those modules' addresses, or leads on from them, now and afterwards.
    standing = list(
        Lesson.objects.filter(module__slug__in=slugs).values_list(
            "module__slug", "slug", "pk", "module"
        )
    )
    deleted, deleted_modules = set(lessons), set(modules)
    now_pairs = {(module, slug) for module, slug, _, _ in standing} | pairs
    live_pairs = {
        (module, slug)
        for module, slug, pk, module_pk in standing
        if pk not in deleted and module_pk not in deleted_modules
    }
    earlier = EarlierAddress.objects.filter(module_slug__in=slugs).exclude(gone)
    live_pairs |= set(earlier.values_list("module_slug", "lesson_slug"))
    now_pairs |= live_pairs
    live_modules = {module for module, _ in live_pairs}
    live_modules |= set(
        Module.objects.filter(slug__in=slugs).exclude(pk__in=modules).values_list("slug", flat=True)
    )
    live_modules |= set(
        EarlierModuleSlug.objects.filter(slug__in=slugs)
        .exclude(module__in=modules)
        .values_list("slug", flat=True)
    )
    now_modules = live_modules | whole | {module for module, _ in now_pairs}

    def leads(module: str, lesson: str, *, to_modules: set, to_pairs: set) -> bool:
        return module in to_modules and (not lesson or (module, lesson) in to_pairs)

    def broken(module: str, lesson: str) -> bool:
        if module not in whole and (module, lesson) not in pairs:
            return False
        return leads(module, lesson, to_modules=now_modules, to_pairs=now_pairs) and not leads(
            module, lesson, to_modules=live_modules, to_pairs=live_pairs
        )

    mentions = {f"/learn/{module}/" for module in whole}
    mentions |= {f"/learn/{module}/{lesson}" for module, lesson in pairs}
    if len(mentions) > MENTIONS:
        mentions = {f"/learn/{module}/" for module in slugs}
    if len(mentions) > MENTIONS:
        mentions = {"/learn/"}
    return _scan(sorted(mentions), broken, Q(pk__in=lessons) | Q(module__in=modules))


def _scan(mentions: Iterable[str], leads_there: Callable[[str, str], bool], besides: Q | None):
    """(lessons, more): of the first LINKING_SCAN lessons (not `besides`) whose body has any
    of `mentions`, those with a link (as the page draws links: `learn_links`) to a module
    and lesson slug `leads_there` takes ("" for a module's own address); `more` when there
    were more to read. One query."""
    from lessons.markdown import learn_links  # the renderer is read only when a link is asked for

    found_in = Q()
    for mention in mentions:
        found_in |= Q(body__contains=mention)
    rows = Lesson.objects.filter(found_in)
    if besides is not None:
        rows = rows.exclude(besides)
    read = list(
        rows.select_related("module")
        .only("title", "slug", "body", "module__slug")
        .order_by("module__slug", "slug")[: LINKING_SCAN + 1]
    )
    more = len(read) > LINKING_SCAN
    found = [
        row
        for row in read[:LINKING_SCAN]
        if any(leads_there(module, lesson) for _, _, module, lesson in learn_links(row.body))
    ]
    return found, more
