"""The question bank page (/teach/questions/): search, filter, and reuse a question in one of
your quizzes. Thin: the queries are `teach.bank`'s; adding goes through the quiz's own
"add a question" view, so the access rules are the ones that view already applies."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from quizzes import menus
from quizzes.models import Quiz
from srm_trainer.htmx import page_or_partial, wants_partial
from srm_trainer.prepared import instance
from teach import bank, shown
from teach.access import ByViewer, may_edit, teacher_required, visible_quiz
from teach.editors import EDITORS

# the "add to" chooser lists this many of your most recently edited quizzes, as the import does
TARGET_QUIZZES = menus.MENU_QUIZZES


def _into(request: HttpRequest) -> Quiz | None:
    """The quiz questions are being added to (`?into=`), when this teacher may change it."""
    quiz = visible_quiz(request.user, request.GET.get("into", ""))
    return quiz if quiz is not None and may_edit(request.user, quiz) else None


def _targets(user):
    mine = Quiz.objects.all() if user.is_staff else Quiz.objects.filter(owner_id=user.pk)
    return mine.order_by("-updated_at").values_list("pk", "slug", "title")[:TARGET_QUIZZES]


# The chooser's quizzes (key, title and slug, the rest deferred as `only()` leaves it), staff's every
# quiz, read with SQL compiled once.
TARGETS = ByViewer(Quiz, _targets)
TARGET_COLUMNS = ["id", "slug", "title"]  # in the model's order, as the SQL reads them


def _target_quizzes(user) -> list[Quiz]:
    return [instance(Quiz, row, TARGET_COLUMNS) for row in TARGETS.rows(user)]


@require_safe
@teacher_required
@vary_on_headers("HX-Request")
def question_bank(request: HttpRequest) -> HttpResponse:
    user = request.user
    banks = bank.bank_summaries(user)
    form = shown.bank_filter_form(request.GET or None, banks=banks, uses=bank.tag_uses(user))
    filters = bank.Filters()
    if form.is_bound:
        form.is_valid()  # a bad value is reported on the page; the valid filters still apply
        filters = form.filters()
    questions = bank.bank_questions(user, filters)
    page = bank.page_of(questions, filters=filters, banks=banks, number=request.GET.get("page"))
    into = _into(request)
    # A link or bookmark naming a quiz this teacher cannot change (or one deleted since): said
    # beside the chooser, rather than the "Add" buttons just missing.
    into_refused = into is None and bool(request.GET.get("into", "").strip())
    in_quiz = set(into.entries.values_list("question_id", flat=True)) if into else set()
    targets = _target_quizzes(user)
    if into is not None and into.pk not in {quiz.pk for quiz in targets}:
        targets.insert(0, into)
    bank.with_tag_slugs(list(page))
    bank.with_formerly(list(page), filters.q)
    for question in page:
        question.editable = may_edit(user, question) and question.type in EDITORS
        question.in_quiz = question.pk in in_quiz
        # Saved before a check it now fails (a lab rule added since): skipped for learners,
        # which the bank says as the quiz's page does (`quick_problems`, kept per process).
        question.broken = [p.in_words() for p in question.quick_problems()]
    context = {
        "form": form,
        "page": page,
        "banks": banks,
        "into": into,
        "targets": menus.labelled(targets),
        "into_refused": into_refused,
        "filtered": filters != bank.Filters(),
        "swapped": wants_partial(request),
    }
    return render(request, page_or_partial(request, "teach/bank.html", "results"), context)
