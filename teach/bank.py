"""Question banks: the questions a teacher may use, searched and filtered, and the summaries
the dashboard shows. Plain functions over querysets, so the bank page, the quiz page and the
tests ask the same questions.

What a teacher may use is `teach.access.questions_visible`: their own questions and the
curriculum's file questions (staff: everything). A bank is a `Question.category`; tags
(`quizzes.Tag`) cut across banks. Every query here is one SQL statement whatever the number of
questions, so a bank page costs the same with ten questions or ten thousand.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from lessons.models import Level, Module, Source
from quizzes import exam, kinds
from quizzes.models import EarlierQuestionSlug, Question, QuizQuestion
from srm_trainer.counts import counted
from srm_trainer.prepared import MAX_INTS, PreparedPerCount, PreparedQuery
from srm_trainer.typed_text import LimitsOnServer
from srm_trainer.versioned_cache import VersionedCache, VersionedPerKey
from teach import tag_groups
from teach.access import ByViewer, questions_visible, stand_in, visibility
from teach.forms import KEPT_MODULE_MENUS, ModuleChoiceField
from teach.rendering import RENDERER, folds

PAGE_SIZE = 25
LINKS = Question.tags.through  # question-tag links


@dataclass(frozen=True)
class Filters:
    """What the teacher asked for; empty values filter nothing."""

    q: str = ""
    kind: str = ""
    module: Module | None = None
    category: str = ""
    tag: str = ""
    level: str = ""  # the question's own level, else its lesson's
    unused: bool = False
    archived: bool = False


def bank_questions(user, filters: Filters) -> QuerySet[Question]:
    """The questions `user` may use that match `filters`, most recently edited first, with
    `quiz_count` (quizzes listing them); `with_tag_slugs` reads the tags of a page of them.
    The author is joined for staff only (only staff see whose a question is)."""
    qs = questions_visible(user)
    if not filters.archived:
        qs = qs.filter(archived=False)
    # Each word typed, anywhere in the prompt or the slug: as one phrase, "permissions
    # boundary" missed a prompt whose Markdown wrapped its line between the two words. A slug
    # the question had before a course update renamed it counts as its slug (a link or a note
    # naming the old one still finds it; `with_formerly` says so on the row).
    for word in filters.q.split():
        earlier = EarlierQuestionSlug.objects.filter(question=OuterRef("pk"), slug__icontains=word)
        qs = qs.filter(Q(prompt__icontains=word) | Q(slug__icontains=word) | Exists(earlier))
    if filters.kind:
        qs = qs.filter(type=filters.kind)
    if filters.module is not None:
        qs = qs.filter(module=filters.module)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.tag:
        qs = qs.filter(tags__slug=filters.tag)
    if filters.level:
        qs = qs.at_level(filters.level)
    if filters.unused:
        # No quiz lists it, and no quiz may draw it: no learner can be given it.
        qs = qs.filter(entries__isnull=True).exclude(exam.drawn_by_some_quiz())
    # The scenario too: a policy-decision row's check (the page's "Broken" mark) reads its case.
    related: tuple[str, ...] = ("module", "lesson", "scenario")
    if user.is_staff:
        related += ("owner",)
    # Each row's quizzes are counted by a subquery, for the page's rows alone: grouped over a
    # join with the entries, the database counted every matching question's entries (and
    # carried each joined lesson's text through the sort) before it could take a page, 0.9 s
    # with 22,000 questions. The lesson's text, summary and sources are not shown.
    return (
        qs.select_related(*related)
        .defer("lesson__body", "lesson__summary", "lesson__sources", "module__summary")
        .annotate(
            quiz_count=counted(QuizQuestion.objects.filter(question=OuterRef("pk")), "question")
        )
        .order_by("-updated_at", "-pk")
    )


def recently_written(user) -> QuerySet[Question]:
    """The questions `user` wrote (staff: anyone's), most recently edited first, with
    `quiz_count`: the dashboard's list. Counted by a subquery for the rows taken: grouped over
    a join with the entries, every question the teacher wrote was counted (and sorted with its
    whole answer data) before the first hundred were taken. An instructor's are read in the
    order of the index `question_own_recent`, so the database stops after the rows taken."""
    mine = Question.objects.all() if user.is_staff else Question.objects.filter(owner=user)
    return (
        mine.filter(source=Source.AUTHORED)
        # What the rows show, and what their kind's check reads (the data, a policy-decision
        # question's scenario, read with the rows) for the "Broken" mark.
        .only("type", "category", "prompt", "updated_at", "archived", "data", "scenario")
        .select_related("scenario")
        .annotate(
            quiz_count=counted(QuizQuestion.objects.filter(question=OuterRef("pk")), "question")
        )
        .order_by("-updated_at", "-pk")
    )


# A search or a filter counts its matches only this many pages past the page shown: "a"
# matches nearly every question, and counting them all (a substring test of every visible
# prompt and slug) grew with the course, 14 ms at 100 times it, where the page itself stops
# at its 25th match. Past the bound the page says "more than".
COUNTED_AHEAD = 10
MOST_PAGE_DIGITS = 7  # a page number is read up to 10**6; past it, the first page


class CountedAhead(Paginator):
    """A paginator that counts at most up to `COUNTED_AHEAD` pages past page `number` (as
    asked, before it is checked); `more` says whether there are more matches than `count`."""

    def __init__(self, object_list: QuerySet, per_page: int, number) -> None:
        super().__init__(object_list, per_page)
        self.questions = object_list
        asked = str(number or "")
        # Digits past the most pages (`int()` refuses more than 4,300 of them: a 500).
        plain = asked.isascii() and asked.isdigit() and len(asked) <= MOST_PAGE_DIGITS
        page = min(int(asked), 10**6) if plain else 1
        # At least a page ahead, so a page short of the bound always links to the next.
        self.bound = (max(page, 1) + max(COUNTED_AHEAD, 1)) * per_page
        self.more = False

    @cached_property
    def count(self) -> int:
        """The matches, counted until one past the bound (`SELECT COUNT(*)` over the first
        `bound + 1` keys, unordered: the database stops there)."""
        found = self.questions.order_by().values("pk")[: self.bound + 1].count()
        self.more = found > self.bound
        return min(found, self.bound)


def page_of(questions: QuerySet[Question], *, filters: Filters, banks: list[dict], number) -> Page:
    """The page `number` of `questions` (`bank_questions(user, filters)`). Unfiltered, they
    are every visible question not archived, which `banks` (`bank_summaries`) has counted
    already: the paginator takes that total instead of counting again (compiling the count
    of the annotated query had been a fifth of the bank page's time). Filtered, they are
    counted as far as `CountedAhead` counts."""
    paginator = CountedAhead(questions, PAGE_SIZE, number)
    if filters == Filters():
        paginator.count = sum(row["count"] for row in banks)  # a cached_property: kept
    return paginator.get_page(number)


def with_formerly(questions, q: str) -> None:
    """Set each question's `formerly`: its earlier slugs (`EarlierQuestionSlug`) holding a word
    of the search `q` that its slug now does not, so a row found by an old slug says why it
    was found. One query for the page, and none without a search."""
    words = [w.casefold() for w in q.split()]
    by_pk = {question.pk: question for question in questions}
    for question in by_pk.values():
        question.formerly = []
    if not words or not by_pk:
        return
    rows = EarlierQuestionSlug.objects.filter(question_id__in=by_pk).order_by("slug")
    for question_id, slug in rows.values_list("question_id", "slug"):
        question = by_pk[question_id]
        if any(w in slug.casefold() and w not in question.slug.casefold() for w in words):
            question.formerly.append(slug)


def _tag_links(*keys: int) -> QuerySet:
    links = LINKS.objects.filter(question_id__in=keys)
    return links.order_by("tag__slug").values_list("question_id", "tag__slug")


class _Unprepared:
    """`_tag_links` through the ORM, for more questions than a prepared query takes."""

    @staticmethod
    def rows(*keys: int) -> list:
        return list(_tag_links(*keys))


_PAGE_TAGS = PreparedPerCount(LINKS, _tag_links)


def _page_tags(n: int) -> PreparedQuery | _Unprepared:
    """The tag links of `n` questions, compiled once per `n` (a page holds at most 25)."""
    if n > MAX_INTS:
        return _Unprepared()
    return _PAGE_TAGS(n)


def with_tag_slugs(questions) -> None:
    """Set each question's `tag_slugs` (its tags' slugs in slug order, as `Tag` orders them),
    read for the whole page in one query: prefetching the tags built two related managers
    and a tag row per question, a quarter of the bank page's time."""
    by_question: dict[int, list[str]] = {question.pk: [] for question in questions}
    if by_question:
        for question_id, slug in _page_tags(len(by_question)).rows(*by_question):
            by_question[question_id].append(slug)
    for question in questions:
        question.tag_slugs = by_question[question.pk]


def _summaries(staff: bool) -> PreparedQuery:
    """Staff's summaries take the key too: it counts their own questions."""

    def build(key: int) -> QuerySet:
        rows = questions_visible(stand_in(key, staff=staff)).filter(archived=False)
        return (
            rows.values_list("category")
            .annotate(
                count=Count("pk"),
                mine=Count("pk", filter=Q(owner_id=key)),
                last_edited=Max("updated_at"),
            )
            .order_by("category")
        )

    return PreparedQuery(Question, ("int",), build)


def _tag_counts_of(links: QuerySet) -> QuerySet:
    """(tag, module, how many of the questions linked) over the question-tag `links`."""
    rows = links.values_list("tag__slug", "question__module_id").annotate(
        count=Count("question_id")
    )
    return rows.order_by("tag__slug", "question__module_id")


def _tag_counts(user) -> QuerySet:
    links = LINKS.objects.all()
    rule = visibility(user, via="question__")
    if rule is not None:
        links = links.filter(rule)
    return _tag_counts_of(links)


# Each read's SQL compiled once (`PreparedQuery`), by whether the user is staff.
STAFF_SUMMARIES = _summaries(staff=True)  # staff's; `bank_summaries` for everyone else
TAG_COUNTS = ByViewer(LINKS, _tag_counts)  # staff's; `tag_uses` for everyone else
# An instructor's tags: on their own questions (the curriculum's are kept: `FILE_TAGS`).
OWN_TAG_COUNTS = PreparedQuery(
    LINKS,
    ("int",),
    lambda key: _tag_counts_of(
        LINKS.objects.filter(question__owner_id=key).exclude(question__source=Source.FILE)
    ),
)
CATEGORIES = ByViewer(
    Question,
    lambda user: (
        questions_visible(user).filter(archived=False).order_by().values_list("category").distinct()
    ),
)  # staff's; `categories` for everyone else


def _categories_of(questions: QuerySet[Question]) -> QuerySet:
    return questions.filter(archived=False).order_by().values_list("category").distinct()


OWN_CATEGORIES = PreparedQuery(
    Question,
    ("int",),
    lambda key: _categories_of(Question.objects.filter(owner_id=key).exclude(source=Source.FILE)),
)


def bank_summaries(user) -> list[dict]:
    """One row per bank (category) the teacher may use: how many questions (archived ones
    not counted), how many of them are the teacher's own, and when one was last edited.
    An instructor's are the curriculum's banks as kept (`FILE_SUMMARIES`) and their own as
    kept for them (`OWN_COUNTS`): counted over every visible question on each visit, they
    were the dashboard's and the bank's growth with the course (26,000 rows at 100 times)."""
    rows: Sequence[Sequence]
    if user.is_staff:
        rows = STAFF_SUMMARIES.rows(user.pk)
    else:
        own = OWN_COUNTS.get(user.pk).summaries  # first: its version read with the others
        rows = _merged_summaries(FILE_SUMMARIES.get(), own)
    return [
        {"category": category, "count": count, "mine": mine, "last_edited": last_edited}
        for category, count, mine, last_edited in rows
    ]


def _category_summaries(questions: QuerySet[Question]) -> list[tuple]:
    """(category, how many, when one was last edited) over `questions` not archived."""
    rows = questions.filter(archived=False).values_list("category")
    return [
        tuple(row)
        for row in rows.annotate(count=Count("pk"), last_edited=Max("updated_at")).order_by()
    ]


def _merged_summaries(files: Iterable[tuple], own: Iterable[tuple]) -> list[tuple]:
    """(category, count, the teacher's own count, last edited) of the two disjoint sets, by
    category, as `SUMMARIES` reads them in one query."""
    merged: dict[str, list] = {}
    for category, count, last_edited in files:
        merged[category] = [count, 0, last_edited]
    for category, count, last_edited in own:
        row = merged.setdefault(category, [0, 0, last_edited])
        row[0] += count
        row[1] = count
        row[2] = max(row[2], last_edited)
    return [(category, *merged[category]) for category in sorted(merged)]


def categories(user) -> list[str]:
    """The banks (categories) of the questions `user` may use, archived ones not counted: for
    an instructor, their own questions' read now and the curriculum's as kept (`FILE_CATEGORIES`;
    reading them all was 30 ms of the question editor with 20,000 curriculum questions)."""
    if user.is_staff:
        return sorted(category for (category,) in CATEGORIES.rows(user))
    own = {category for (category,) in OWN_CATEGORIES.rows(user.pk)}
    return sorted(own.union(FILE_CATEGORIES.get()))


def unknown_category(category: str, known: list[str]) -> str | None:
    """What to tell a teacher whose quiz draws from a category no question of theirs (or the
    course's) has: the quiz is saved, but it has nothing to draw and cannot be published until
    some question has it. Names the closest known category, as typos and case are the usual
    cause ("IAM" for "iam")."""
    if not category or category in known:
        return None
    folded = {name.casefold(): name for name in known}
    guess = folded.get(category.casefold()) or next(
        iter(difflib.get_close_matches(category, known, n=1, cutoff=0.75)), None
    )
    hint = f" Did you mean “{guess}”?" if guess else ""
    return (
        f"No question you can use has the category “{category}” yet, so this quiz has nothing "
        f"to draw and cannot be published until some question has it.{hint}"
    )


def tag_uses(user) -> list[tuple[str, int | None, int]]:
    """The tags on questions the teacher may use: (tag, module, how many of those questions
    in that module have it), the module None for questions in none. Counted on the
    question-tag links, joined to the questions for their module: for staff over every
    question; for an instructor over their own, added to the curriculum's counts as kept
    (`FILE_TAGS`)."""
    if user.is_staff:
        return [(slug, module, count) for slug, module, count in TAG_COUNTS.rows(user)]
    return _added(FILE_TAGS.get(), OWN_TAG_COUNTS.rows(user.pk))


def tag_counts(user) -> list[tuple[str, int]]:
    """The tags on questions the teacher may use, with how many of those questions have each."""
    return tag_groups.totals(tag_uses(user))


@dataclass(frozen=True)
class QuestionOffers:
    """What the question editor offers from the questions a teacher may use: the
    misconception tags with how many questions carry each (in all, and by module, to group
    them by topic), and the bank categories in use (of questions not archived), read
    together."""

    categories: list[str]
    misconception_uses: list[tuple[str, int | None, int]]

    @property
    def misconceptions(self) -> list[tuple[str, int]]:
        """(tag, how many questions carry it), by tag: the uses summed over the modules."""
        return tag_groups.totals(self.misconception_uses)


def question_offers(user, owner_id: int | None = None) -> QuestionOffers:
    """The banks in use and, for the question editor, the misconception tags: the course's
    (`FILE_MISCONCEPTIONS`) and those of the question's owner (`owner_id`, kept per teacher in
    `OWN_COUNTS`), counted by the database (a JSON list on the question, taken apart there:
    `_misconception_uses`). An instructor edits only their own questions, so the owner is
    them. Staff get the same two, not every teacher's: a teacher carries at most
    `MAX_OWN_MISCONCEPTIONS` of their own, but teachers have no number, so every teacher's
    had no bound (and was counted over every question on each view). The owner's are the
    ones that mean something on their question: a tag staff tick there joins the owner's
    statistics and counts against the owner's ceiling (`misconceptions_refused`), not the
    staff member's; a question with no owner (a file's) is offered the course's."""
    owner = owner_id if user.is_staff else user.pk
    # First: its version is read with the others in the request's one cache read.
    own = OWN_COUNTS.get(owner).misconception_uses if owner is not None else []
    return QuestionOffers(categories(user), _added(FILE_MISCONCEPTIONS.get(), own))


def _from_files() -> QuerySet[Question]:
    return Question.objects.filter(source=Source.FILE)


# The counts over the curriculum's questions, which every instructor sees and none of them
# changes: kept between requests, and built again after a file question, a bank tag or a
# module changes or the curriculum is loaded (`teach.signals`, `file_questions_changed`).
# With 20,000 of them, counting them and reading their categories on every question editor
# was 35 ms of a 57 ms page. Each kept apart, so a page builds only what it shows.
FILE_MISCONCEPTIONS = VersionedCache(
    "teach:file-misconceptions", lambda: _misconception_uses(_from_files())
)
FILE_TAGS = VersionedCache(
    "teach:file-tags",
    lambda: [
        tuple(row) for row in _tag_counts_of(LINKS.objects.filter(question__source=Source.FILE))
    ],
)
FILE_CATEGORIES = VersionedCache(
    "teach:file-categories",
    lambda: frozenset(category for (category,) in _categories_of(_from_files())),
)
FILE_SUMMARIES = VersionedCache("teach:file-summaries", lambda: _category_summaries(_from_files()))
FILE_OFFERS = (FILE_MISCONCEPTIONS, FILE_TAGS, FILE_CATEGORIES, FILE_SUMMARIES)


def _own(owner_id: int) -> QuerySet[Question]:
    return Question.objects.filter(owner_id=owner_id).exclude(source=Source.FILE)


class OwnCounts:
    """What is counted over one instructor's own questions (their misconception tags, their
    banks), each part read when first asked for and then kept with the rest for the
    teacher's version (`OWN_COUNTS`). Counting their misconceptions took each of their
    questions' lists apart on every question editor (12 of ~19 ms with 5,200 questions)."""

    def __init__(self, owner_id: int) -> None:
        self.owner_id = owner_id

    @cached_property
    def misconception_uses(self) -> list[tuple[str, int | None, int]]:
        return _misconception_uses(_own(self.owner_id))

    @cached_property
    def summaries(self) -> list[tuple]:
        return _category_summaries(_own(self.owner_id))


# Kept per instructor, forgotten by any write to one of their questions (saved, deleted, its
# owner changed, its module deleted: `teach.signals`); see `own_questions_changed`.
OWN_COUNTS: VersionedPerKey[OwnCounts] = VersionedPerKey("teach:own-counts", OwnCounts)


def own_questions_changed(owner_id: int) -> None:
    """Forget what is kept of `owner_id`'s own questions, in every process (at the commit)."""
    OWN_COUNTS.changed(owner_id)


def file_questions_changed() -> None:
    """Forget the kept counts of the curriculum's questions, in every process."""
    for kept in FILE_OFFERS:
        kept.changed()


def _added(*parts: Iterable[Sequence]) -> list[tuple[str, int | None, int]]:
    """(tag, module, count) rows of disjoint sets of questions, summed by tag and module, in
    tag order (the questions in no module first)."""
    counts: Counter[tuple[str, int | None]] = Counter()
    for rows in parts:
        for tag, module, count in rows:
            counts[tag, module] += count
    ordered = sorted(
        counts.items(), key=lambda item: (item[0][0], item[0][1] is not None, item[0][1] or 0)
    )
    return [(tag, module, count) for (tag, module), count in ordered]


def _misconception_uses(questions: QuerySet[Question]) -> list[tuple[str, int | None, int]]:
    """(tag, module, how many of `questions` in that module carry it), counting a tag
    listed twice on one question once and skipping what is not text, in one statement over
    their lists (SQLite's `json_each`, PostgreSQL's `jsonb_array_elements`)."""
    visible = questions.order_by().values("id", "module_id", "misconceptions")
    sql, params = visible.query.sql_with_params()
    if connection.vendor == "postgresql":
        whole = "CASE WHEN jsonb_typeof(v.misconceptions) = 'array' THEN v.misconceptions ELSE '[]'::jsonb END"
        each, tag, is_text = (
            f"jsonb_array_elements({whole}) AS t(value)",
            "t.value #>> '{}'",
            "jsonb_typeof(t.value) = 'string'",
        )
    else:
        whole = (
            "CASE WHEN json_type(v.misconceptions) = 'array' THEN v.misconceptions ELSE '[]' END"
        )
        each, tag, is_text = f"json_each({whole}) AS t", "t.value", "t.type = 'text'"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {tag}, v.module_id, COUNT(DISTINCT v.id) FROM ({sql}) v CROSS JOIN {each} "  # noqa: S608
            f"WHERE {is_text} GROUP BY {tag}, v.module_id",
            params,
        )
        return [(name, module, n) for name, module, n in cursor.fetchall()]


def tag_menu(uses: list[tuple[str, int | None, int]]) -> list[tuple]:
    """The tag filter's entries, "tag (count)" in tag order; past `rendering.SHOWN_WHOLE`
    tags, in an <optgroup> per module, as the question editor groups them (`tag_groups`): the
    module where each is used most, in the course's order, the tags in no module last."""
    counts = tag_groups.totals(uses)
    entries = [(tag, f"{tag} ({n})") for tag, n in counts]
    # Read for a short menu too (a kept value: a query only when the modules change), so a
    # menu that grows past the limit costs the page no more reads.
    modules = KEPT_MODULE_MENUS["pk"].get() if entries else []
    if not folds(len(entries)):
        return entries
    homes = tag_groups.home_modules(uses, [key for key, _title in modules])
    labels = dict(entries)
    groups = tag_groups.group_tags([tag for tag, _n in counts], homes, modules)
    return [(group.title, [(tag, labels[tag]) for tag in group.tags]) for group in groups]


class BankFilterForm(LimitsOnServer, forms.Form):
    """The bank's search and filters (GET). Invalid values are reported and ignored, never a
    500: the rest of the filters still apply."""

    default_renderer = RENDERER

    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        help_text="Words from the prompt, or part of the question's slug.",
    )
    # A value no menu offers (a link edited by hand, a tag since deleted) is said in the
    # page's words, not Django's "Select a valid choice. That choice is not one of the
    # available choices."
    kind = forms.ChoiceField(
        required=False,
        label="Kind",
        error_messages={"invalid_choice": "no kind is called “%(value)s”; every kind is shown"},
    )
    module = ModuleChoiceField(
        queryset=Module.objects.order_by("order", "slug"),
        required=False,
        to_field_name="slug",
        empty_label="Any module",
        error_messages={"invalid_choice": "no module is called “%(value)s”; every module is shown"},
    )
    category = forms.ChoiceField(
        required=False,
        label="Bank (category)",
        error_messages={
            "invalid_choice": "no question you may use is in a bank called “%(value)s”; "
            "every bank is shown"
        },
    )
    tag = forms.ChoiceField(
        required=False,
        label="Tag",
        error_messages={
            "invalid_choice": "no question you may use has the tag “%(value)s”; questions "
            "with any tag are shown"
        },
    )
    level = forms.ChoiceField(
        required=False,
        label="Level",
        choices=[("", "Any level"), *Level.choices],
        error_messages={
            "invalid_choice": "the levels are foundational, associate and advanced, not "
            "“%(value)s”; every level is shown"
        },
    )
    unused = forms.BooleanField(required=False, label="Only questions used in no quiz")
    archived = forms.BooleanField(required=False, label="Include archived questions")

    def __init__(self, *args, categories=(), tags=(), **kwargs):
        """`tags`: the tags in use as (tag, module key or None, count) rows (`tag_uses`)."""
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any kind"), *kinds.choices()]
        self.fields["category"].choices = [("", "Any bank")] + [(c, c) for c in categories]
        self.fields["tag"].choices = [("", "Any tag"), *tag_menu(list(tags))]

    def filters(self) -> Filters:
        """The valid part of what was asked (call after `is_valid()`)."""
        data = getattr(self, "cleaned_data", {})
        return Filters(
            q=(data.get("q") or "").strip(),
            kind=data.get("kind") or "",
            module=data.get("module"),
            category=data.get("category") or "",
            tag=data.get("tag") or "",
            level=data.get("level") or "",
            unused=bool(data.get("unused")),
            archived=bool(data.get("archived")),
        )


# --- how many banks one teacher fills --------------------------------------------------------
# Every page that lists banks lists each of them: the dashboard and the import page a row each
# (~90 µs and 280 bytes), the bank's filter and the editors' category suggestions an entry each,
# and staff's dashboard every teacher's. A category is typed freely, and an import of 300
# questions could open 300 banks, so an hour of imports made 50,000 (the dashboard 4.8 s of CPU
# and 14 MB for the teacher and for staff, the import page 2.7 s). A teacher's own questions
# fill at most this many banks (archived ones not counted); the course itself fills 8.
MAX_OWN_BANKS = 100


def banks_refused(owner_id: int | None, categories: Iterable[str], *, leaving=None) -> str:
    """Why `owner_id`'s questions may not go into `categories` (one question's, or a file's),
    or "" when they may: the banks they fill already, with any of these new to them, would be
    past `MAX_OWN_BANKS`. `leaving`: the question being saved, whose own bank may be the one
    it leaves. At most two queries, each stopping at the ceiling."""
    wanted = set(categories)
    if owner_id is None or not wanted:
        return ""
    own = Question.objects.filter(owner_id=owner_id, archived=False).exclude(source=Source.FILE)
    if leaving is not None:
        own = own.exclude(pk=leaving)
    filled, new = _past_ceiling(own, "category", wanted, MAX_OWN_BANKS)
    if not new:
        return ""
    if new == 1:
        return (
            f"Your questions fill {filled} banks (categories) already, the most a teacher's "
            "do: put this one in a bank you use (the box suggests them as you type), or "
            "archive the questions of a bank you no longer need."
        )
    return (
        f"The file's questions go into {new} banks (categories) your questions are not in, "
        f"and yours fill {filled} already: a teacher's questions fill at most {MAX_OWN_BANKS}. "
        "Give its questions categories you use, or archive the questions of banks you no "
        "longer need."
    )


def _past_ceiling(
    own: QuerySet, field: str, wanted: set[str], ceiling: int, *, counted_by: str = ""
) -> tuple[int, int]:
    """(how many different `field` values the teacher's rows `own` hold, counted no further
    than `ceiling`; how many of `wanted` they do not hold) when those new ones would take them
    past `ceiling`, else (0, 0). `counted_by`: a column standing for `field` one to one, to
    count without a join. Two queries at most, the second only when some are new."""
    own = own.order_by()
    have = set(own.filter(**{f"{field}__in": wanted}).values_list(field, flat=True).distinct())
    new = len(wanted - have)
    if not new:
        return 0, 0
    held = own.values(counted_by or field).distinct()[:ceiling].count()
    return (held, new) if held + new > ceiling else (0, 0)


# The most bank tags a teacher's own questions carry (archived ones too: the tag menus count
# them). Every editor, the bank and the dashboard offer each tag in use (the editor a checkbox
# each, ~35 µs and ~150 bytes), and an import of 300 questions of 20 tags could bring 6,000:
# 5,000 made the editor 179 ms and 0.77 MB, the dashboard 101 ms, for the teacher and staff.
MAX_OWN_TAGS = 200


def tags_refused(owner_id: int | None, tags: Iterable[str], *, leaving=None) -> str:
    """Why `owner_id`'s questions may not carry `tags` (one question's, or a file's), or ""
    when they may: the tags they carry already, with any of these new to them, would be past
    `MAX_OWN_TAGS`. `leaving`: the question being saved, whose own tags it may be dropping.
    At most two queries, each stopping at the ceiling."""
    wanted = set(tags)
    if owner_id is None or not wanted:
        return ""
    links = LINKS.objects.filter(question__owner_id=owner_id).exclude(question__source=Source.FILE)
    if leaving is not None:
        links = links.exclude(question_id=leaving)
    carried, new = _past_ceiling(links, "tag__slug", wanted, MAX_OWN_TAGS, counted_by="tag_id")
    if not new:
        return ""
    return (
        f"Your questions carry {carried} bank tags already, and {new} of these "
        f"{'is' if new == 1 else 'are'} new: a "
        f"teacher's questions carry at most {MAX_OWN_TAGS} different tags. Use tags you have "
        "(they are offered as boxes to tick), or take a tag you no longer need off its "
        "questions."
    )


# The most misconception tags of their own a teacher's questions carry (archived ones too, as
# the editor offers them; the course's own tags, offered to everyone, are not counted). The
# editor offers each tag in use as a box to tick, grouped by module, and an import of 300
# questions could bring thousands: 5,000 made the editor 73 ms and 0.98 MB.
MAX_OWN_MISCONCEPTIONS = 200


def misconceptions_refused(owner_id: int | None, tags: Iterable[str], *, leaving=None) -> str:
    """Why `owner_id`'s questions may not carry misconception `tags` (one question's, or a
    file's), or "" when they may: the teacher's own tags (not the course's), with any of these
    new to them, would be past `MAX_OWN_MISCONCEPTIONS`. `leaving`: the question being saved,
    whose own tags it may be dropping. Counted from what the editor keeps and offers
    (`OWN_COUNTS`, `FILE_MISCONCEPTIONS`); a query more only for a question saved with new
    tags."""
    if owner_id is None:
        return ""
    course = {tag for tag, _module, _n in FILE_MISCONCEPTIONS.get()}
    wanted = set(tags) - course
    if not wanted:
        return ""
    uses = dict(tag_groups.totals(OWN_COUNTS.get(owner_id).misconception_uses))
    carried = {tag for tag in uses if tag not in course}
    if not wanted - carried:
        return ""
    if leaving is not None:
        stored = Question.objects.filter(pk=leaving).values_list("misconceptions", flat=True)
        for tag in set(_strings(stored.first())):
            if uses.get(tag) == 1:  # on this question alone, which may be dropping it
                carried.discard(tag)
    new = len(wanted - carried)
    if not new or len(carried) + new <= MAX_OWN_MISCONCEPTIONS:
        return ""
    return (
        f"Your questions carry {len(carried)} misconception tags of your own already (the "
        f"course's are not counted), and {new} of these {'is' if new == 1 else 'are'} new: a "
        f"teacher's questions carry at most {MAX_OWN_MISCONCEPTIONS} of their own. Use tags "
        "you have or the course's (they are offered as boxes to tick), or take a tag you no "
        "longer need off its questions."
    )


def _strings(value: object) -> list[str]:
    return [tag for tag in value if isinstance(tag, str)] if isinstance(value, list) else []
