"""What goes into the search index: one small source per kind of document.

A source turns rows into `Entry`s (plain text, and the slugs of the page a learner opens) and
yields only what a learner may see: published modules and lessons, the scenarios the sandbox offers as
presets, questions in a published quiz (never archived ones), glossary terms. Given keys, it
yields only those rows that are still visible; a key it does not yield leaves the index.

Adding a kind is one function and one `register` call (`SOURCES` is the registry).

The index holds no addresses: an address depends on the script prefix and URLconf of the
request that draws it, and the index is written by whoever saved or loaded the content (a
command, or a request under another prefix). Each source's `address` makes it from the stored
`target` when results are drawn, reversed by `kept_urls.kept_reverse` under the searching
request's own prefix and URLconf (read once per request).
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.apps import apps
from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.text import Truncator

from lessons import rendered
from lessons.markdown import render_markdown
from lessons.models import Lesson, Module
from quizzes import exam
from quizzes.models import Question, Quiz, QuizQuestion
from search.rank import UNWEIGHTED, WORD, fold
from srm_trainer.kept_urls import kept_reverse
from srm_trainer.sandbox import presets

log = logging.getLogger(__name__)

# Private-use characters that mark a hit in a snippet until it is escaped (`search.query`):
# removed from indexed text so no content can forge a highlight.
MARK_START, MARK_END = "\ue000", "\ue001"
TITLE_LIMIT = 300  # Document.title's length
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Entry:
    key: str
    title: str
    target: str  # what the address is made from (`Source.address`): slugs, "/" between them
    body: str
    headings: str = ""  # a lesson's section headings, one a line (`Document.headings`)


Keys = Collection[str] | None  # None: every row of the kind


@dataclass(frozen=True)
class Source:
    kind: str
    label: str  # how a result of this kind is labelled ("Lesson")
    entries: Callable[[Keys], Iterable[Entry]]
    # A stored target to its address under the current request's script prefix and URLconf.
    address: Callable[[str], str]
    # Show the start of the body when only the title matched? Not a question's explanation:
    # someone who found the question by its prompt has not answered it yet.
    opening_snippet: bool = True
    # Where this kind comes among results whose titles hit equally (lower first,
    # `search.rank`): a lesson teaches, a term defines, a scenario practises, a question tests.
    # A module teaches too (a lesson's equal: how closely each is named decides between them).
    priority: int = 0
    # Among results of the same priority named as closely (rule 3 of `search.rank`), 1 comes
    # after 0: a module after a lesson. A lesson named for what was typed is the page that
    # teaches it; the module's page lists it ("shared responsibility model": the lesson on the
    # model, then the module of that name). Otherwise the database's score decided, which
    # differs between SQLite and PostgreSQL.
    tie: int = 0
    # Is its title a name, which the ranking's title rules read (`search.rank`)? Not a
    # question's: its title is its prompt, a sentence naming several things, which held two or
    # three of the words a learner typed far more often than a lesson's or term's name does,
    # so the quiz came before the lesson that teaches them ("MFA root", "KMS key rotation").
    named: bool = True


SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    SOURCES[source.kind] = source
    return source


def plain(text: str) -> str:
    """One line of plain text: no sentinels, no control characters, whitespace collapsed."""
    text = text.replace(MARK_START, "").replace(MARK_END, "").replace("\x00", "")
    return _SPACE.sub(" ", text).strip()


# Both kept by their text for the process (like `render_markdown` itself): every load rebuilds
# the whole index, and a text that has not changed since the last one (most of them, on every
# reload) is not taken apart again. Removing the tags (`strip_tags`, an HTML parser) cost as
# much as rendering.
@lru_cache(maxsize=2048)
def markdown_text(text: str) -> str:
    """What a reader sees of some Markdown: rendered (as the page does), then tags removed."""
    return html_text(render_markdown(text or "").html)


@lru_cache(maxsize=512)
def html_text(sanitized: str) -> str:
    """The text a reader sees of rendered, sanitized HTML."""
    return plain(html.unescape(strip_tags(sanitized)))


def title(text: str) -> str:
    text = plain(text)
    if len(text) <= TITLE_LIMIT and text.isascii():
        return text  # as Truncator returns it (ASCII is its own normal form), without its work
    return Truncator(text).chars(TITLE_LIMIT)


def slugs_of(view: str) -> Callable[[str], str]:
    """The address of `view` whose arguments are a target's slugs ("module/lesson" gives two):
    a slug has no "/"."""

    def address(target: str) -> str:
        return kept_reverse(view, args=target.split("/"))

    return address


def _ids(keys: Keys) -> list[int] | None:
    if keys is None:
        return None
    return [int(k) for k in keys if str(k).isdigit()]


# --- abbreviations ----------------------------------------------------------------------------

Abbreviations = list[tuple[tuple[str, ...], tuple[str, ...]]]


def abbreviations() -> Abbreviations:
    """What the glossary says each long name is abbreviated to: (a term's name of two words or
    more, as `_said` cuts it; the term's names that are abbreviations, `is_abbreviation`), for
    each term with both ("identity and access management": "IAM"; "network ACL": "NACL"). One
    query; none without the glossary app."""
    if not apps.is_installed("glossary"):
        return []
    from glossary.models import GlossaryTerm

    found: Abbreviations = []
    for term, aliases in GlossaryTerm.objects.order_by("slug").values_list("term", "aliases"):
        names = [term, *(a for a in aliases or () if isinstance(a, str))]
        short = tuple(name for name in names if is_abbreviation(name))
        if short:
            found.extend((said, short) for name in names if len(said := _said(name)) >= 2)
    return found


def is_abbreviation(name: str) -> bool:
    """One word written mostly in capitals ("IAM", "NACL", "DoS", "EC2"), not a name with a
    capital or two ("CloudTrail", "SecureString")."""
    upper = sum(c.isupper() for c in name)
    return bool(WORD.fullmatch(name)) and upper >= 2 and upper > sum(c.islower() for c in name)


def _said(text: str) -> tuple[str, ...]:
    """The words of a name that say which thing it is: folded (`search.rank.fold`, so
    "network ACLs" is "network ACL"), "AWS", "Amazon" and function words left out
    (`UNWEIGHTED`)."""
    return tuple(f for f in map(fold, WORD.findall(text)) if f not in UNWEIGHTED)


def abbreviated(text: str, known: Abbreviations) -> str:
    """A page's title with the abbreviations of the long names it holds, in brackets, as a
    glossary term's title carries its other names ("Identity and Access Management (IAM)",
    "Security groups and network ACLs (SG, NACL)"): a search for the abbreviation is then a
    title hit, and rule 3 (`search.rank`) weighs the bracketed name as the title's own.
    An abbreviation the title already holds is not added again."""
    said = _said(text)
    held = set(said)
    added: dict[str, int] = {}  # an abbreviation, and where its name begins in the title
    for name, short in known:
        width = len(name)
        at = next((n for n in range(len(said) - width + 1) if said[n : n + width] == name), -1)
        if at >= 0:
            for a in short:
                if fold(a) not in held:
                    added[a] = min(added.get(a, at), at)
    ordered = sorted(added, key=added.__getitem__)  # in the order the title says the names
    return f"{text} ({', '.join(ordered)})" if ordered else text


# --- lessons ----------------------------------------------------------------------------------


def retitled_lessons() -> list[str]:
    """The keys of the published lessons whose indexed title is not the one the glossary gives
    them now (`abbreviated`): what a glossary edit changes of the lessons, found in three
    light queries (the glossary's names, the lessons' titles, the indexed titles) rather than
    every lesson indexed again, which grows with the course (~120 ms on the shipped one)."""
    from search.models import Document

    known = abbreviations()
    stored = dict(Document.objects.filter(kind="lesson").values_list("key", "title"))
    return [
        str(pk)
        for pk, name in Lesson.objects.published().values_list("pk", "title")
        if stored.get(str(pk)) != title(abbreviated(name, known))
    ]


def lesson_entries(keys: Keys) -> Iterable[Entry]:
    rows = Lesson.objects.published().select_related("module")
    if (ids := _ids(keys)) is not None:
        rows = rows.filter(pk__in=ids)
    known = abbreviations()
    for lesson in rows.order_by("pk"):
        # The body as its page shows it, rendered once per edit for every process (the stored
        # rendering, `lessons.rendered`): a reload's reindex renders no lesson again.
        html_body = rendered.lesson_body(lesson).html
        body = html_text(html_body)
        yield Entry(
            key=str(lesson.pk),
            title=title(abbreviated(lesson.title, known)),
            target=f"{lesson.module.slug}/{lesson.slug}",  # as Lesson.get_absolute_url's
            body=plain(f"{markdown_text(lesson.summary)} {body}"),
            headings=headings(html_body),
        )


_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.IGNORECASE | re.DOTALL)
HEADINGS = 4000  # characters of a lesson's headings kept (a shipped lesson's are under 400)


def headings(sanitized: str) -> str:
    """A rendered lesson's section headings as a reader sees them, one a line: the text's
    own names for what each part says ("Stateful and stateless"), which the ranking of
    several words no title holds reads (`search.query.reranked`)."""
    found = (html_text(text) for text in _HEADING.findall(sanitized))
    return "\n".join(text for text in found if text)[:HEADINGS]


# --- modules ----------------------------------------------------------------------------------


def module_entries(keys: Keys) -> Iterable[Entry]:
    """Published modules: the page a learner opens for a whole topic. Its text is its summary
    and its published lessons' titles in reading order, as its page lists them, so a search
    for what one of its lessons is called ("denial of service", "AWS KMS") finds the module
    too. Two queries, whatever the number of modules."""
    rows = Module.objects.published()
    if (ids := _ids(keys)) is not None:
        rows = rows.filter(pk__in=ids)
    modules = list(rows.order_by("pk").values_list("pk", "slug", "title", "summary"))
    lessons: dict[int, list[str]] = {}
    # In the order the module page lists them (`reading_order`, read by the same queryset).
    for module_id, name in (
        Lesson.objects.published()
        .filter(module_id__in=[pk for pk, *_ in modules])
        .in_reading_order()
        .values_list("module_id", "title")
    ):
        lessons.setdefault(module_id, []).append(plain(name))
    known = abbreviations()
    for pk, slug, name, summary in modules:
        yield Entry(
            key=str(pk),
            title=title(abbreviated(name, known)),
            target=slug,  # as Module.get_absolute_url's
            body=plain(" ".join([summary, *lessons.get(pk, [])])),
        )


# --- scenarios --------------------------------------------------------------------------------


def scenario_entries(keys: Keys) -> Iterable[Entry]:
    """The sandbox's presets (its own rule, `presets.offered`), never one whose case is
    broken."""
    rows = presets.offered()
    if (ids := _ids(keys)) is not None:
        rows = rows.filter(pk__in=ids)
    for scenario in rows.order_by("pk"):
        if scenario.problem() is not None:
            continue
        rule = scenario.rule.get("title", "") if isinstance(scenario.rule, dict) else ""
        # As the sandbox's preset card shows it, rendered when it was written (`Scenario.shown`).
        situation = html_text(scenario.shown.situation)
        yield Entry(
            key=str(scenario.pk),
            title=title(scenario.title),
            target=scenario.slug,
            body=plain(f"{situation} {rule}"),
        )


# --- questions --------------------------------------------------------------------------------


def question_entries(keys: Keys) -> Iterable[Entry]:
    """Questions a learner can meet: not archived, and in a published quiz (listed in it, or in
    the category it draws from). A result opens that quiz; the prompt is the title and the
    explanation (shown after answering) is the body."""
    quizzes = list(Quiz.objects.published().order_by("order", "slug"))
    drawn_from: dict[str, list[Quiz]] = {}  # each category's drawing quizzes, in order
    for quiz in quizzes:
        if quiz.draws:
            drawn_from.setdefault(quiz.draw_category, []).append(quiz)
    rows = Question.objects.filter(archived=False).filter(
        Q(entries__quiz__in=quizzes) | Q(category__in=list(drawn_from))
    )
    if (ids := _ids(keys)) is not None:
        rows = rows.filter(pk__in=ids)
    rows = rows.distinct().order_by("pk")
    listed: dict[int, Quiz] = {}
    by_pk = {quiz.pk: quiz for quiz in quizzes}
    for question_id, quiz_id in (
        QuizQuestion.objects.filter(question__in=rows, quiz__in=quizzes)
        .order_by("quiz__order", "quiz__slug")
        .values_list("question_id", "quiz_id")
    ):
        listed.setdefault(question_id, by_pk[quiz_id])
    for question in rows:
        # The first quiz that may draw it (`exam.may_draw`): a category is no one's, and
        # another teacher's question in it is in none of this quiz's attempts.
        quiz = listed.get(question.pk) or next(
            (q for q in drawn_from.get(question.category, ()) if exam.may_draw(q, question)), None
        )
        if quiz is None:
            continue
        # As its pages show it, rendered when it was written (`quizzes.rendered`): publishing
        # a quiz, or a load's reindex, renders no question.
        shown = question.shown
        prompt = html_text(shown.prompt)
        short = title(prompt)
        rest = prompt if short != prompt else ""  # a long prompt is searched in full
        yield Entry(
            key=str(question.pk),
            title=short,
            target=quiz.slug,  # as Quiz.get_absolute_url's
            body=plain(f"{html_text(shown.explanation)} {rest}"),
        )


# --- glossary ---------------------------------------------------------------------------------


def glossary_entries(keys: Keys) -> Iterable[Entry]:
    """Glossary terms, from `glossary.terms.all_for_index()` (slug, term, other names,
    plain-text definition); titled with their other names (`named`); the key and target are
    the slug. Without the glossary app,
    none."""
    if not apps.is_installed("glossary"):
        return
    from glossary.terms import all_for_index

    wanted = None if keys is None else set(keys)
    for slug, term, aliases, definition in all_for_index():
        if wanted is None or slug in wanted:
            yield Entry(key=slug, title=title(named(term, aliases)), target=slug, body=definition)


def named(term: str, aliases: Iterable[str]) -> str:
    """A term with its other names in brackets, as the glossary lists it ("service control
    policy (SCP)"): a search for an abbreviation then hits the term's title, and the result
    shows why it was found. An alias already within the term ("GuardDuty" in "Amazon
    GuardDuty") adds nothing."""
    words = set(re.findall(r"[^\W_]+", term.lower()))
    others = [a for a in aliases if not set(re.findall(r"[^\W_]+", a.lower())) <= words]
    return f"{term} ({', '.join(others)})" if others else term


def preset_address(slug: str) -> str:
    """The sandbox opened on a scenario: the page the sandbox's own menu links a preset to."""
    return f"{kept_reverse('sandbox')}?preset={slug}"


register(Source("lesson", "Lesson", lesson_entries, slugs_of("lesson"), priority=0))
register(Source("module", "Module", module_entries, slugs_of("module"), priority=0, tie=1))
register(Source("glossary", "Glossary", glossary_entries, slugs_of("glossary:term"), priority=1))
register(Source("scenario", "Scenario", scenario_entries, preset_address, priority=2))
register(
    Source(
        "question",
        "Quiz question",
        question_entries,
        slugs_of("quizzes:detail"),
        opening_snippet=False,
        priority=3,
        named=False,
    )
)
