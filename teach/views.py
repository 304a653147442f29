"""Thin views for /teach/: each fetches what it touches through `teach.access` first, then
calls a form or a service. Every page works without JavaScript; htmx only swaps partials."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from lessons.models import Source
from quizzes import kinds
from quizzes.answer_key import key_changed, removed_choices
from quizzes.draw_rules import MAX_DRAWN
from quizzes.entries import listing_refused
from quizzes.forms import AnswerForm
from quizzes.grading import certainty_mark, grade
from quizzes.models import Answer, Attempt, Question, Quiz, QuizQuestion
from srm_trainer import once, ratelimit
from srm_trainer.counts import counted
from srm_trainer.htmx import HtmxHttpRequest, wants_partial
from srm_trainer.ratelimit import rate_limited
from srm_trainer.site_paths import inside_site
from srm_trainer.too_large import live_refusal, view_name
from teach import bank, services, shown
from teach.access import (
    _question_for_instructor,
    _quiz_for_instructor,
    may_edit,
    quizzes_visible,
    teacher_required,
    visible_quiz,
)
from teach.editors import (
    EDITORS,
    Parts,
    editor_for,
    linked_to,
    named_error,
    saved_notice,
)
from teach.forms import QuestionForm, QuizForm, markdown_preview, preview_said
from teach.transfer.gift import GIFT_KINDS


def _categories(user) -> list[str]:
    """The bank categories this teacher can draw from, offered as suggestions."""
    return bank.categories(user)


def _suggested(user, form: QuizForm) -> list[str]:
    """The banks the quiz's category box suggests (`teach.shown.suggested_categories`)."""
    return shown.suggested_categories(form["draw_category"], bank.bank_summaries(user))


def _warn_if_unknown_category(request: HttpRequest, quiz: Quiz) -> None:
    """A saved quiz that draws from a category no usable question has: saved, but said."""
    warning = bank.unknown_category(quiz.draw_category, _categories(request.user))
    if warning:
        messages.warning(request, warning)


def _partial(request: HtmxHttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


# --- dashboard ----------------------------------------------------------------------------


def _per_quiz(rows: QuerySet) -> Coalesce:
    """How many of `rows` point at each quiz, as a subquery per quiz. Counting two relations
    through joins (entries and attempts) walked every entry times every attempt of a quiz: a
    few popular quizzes made the dashboard take seconds."""
    counts = rows.filter(quiz=OuterRef("pk")).order_by().values("quiz").annotate(n=Count("pk"))
    return Coalesce(Subquery(counts.values("n"), output_field=IntegerField()), 0)


# Each list of quizzes (the teacher's, the curriculum's) a page at a time, as their questions:
# pages of 50 drew a hundred rows at a hundred times the course (11 at its size).
DASHBOARD_QUIZZES = 25
# The teacher's questions a page at a time, most recently edited first: a hundred on every
# visit was most of the dashboard at a hundred times the course, and a teacher with more saw no
# sign of the rest.
DASHBOARD_QUESTIONS = 25


@require_safe
@teacher_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert user.is_authenticated  # teacher_required
    counted = _per_quiz(QuizQuestion.objects.all())
    mine = Quiz.objects.all() if user.is_staff else Quiz.objects.filter(owner=user)
    quizzes = mine.select_related("module", "owner").annotate(
        question_count=counted, attempt_count=_per_quiz(Attempt.objects.all())
    )
    written = Paginator(bank.recently_written(user), DASHBOARD_QUESTIONS).get_page(
        request.GET.get("questions")
    )
    for question in written:
        # Saved before a check it now fails: skipped for learners, said as the bank and the
        # quiz's page say it (`quick_problems`, kept per process: an engine runs for a row
        # only the first time this process sees its data, not on every visit).
        question.broken = [p.in_words() for p in question.quick_problems()]
    files = (
        quizzes_visible(user)
        .filter(source=Source.FILE)
        .annotate(question_count=counted)
        .order_by("order", "slug")
    )
    # Both lists of quizzes a page at a time: with a hundred times the course, the curriculum's
    # quizzes alone were a thousand rows on every visit.
    own = Paginator(quizzes.order_by("-updated_at", "-pk"), DASHBOARD_QUIZZES).get_page(
        request.GET.get("page")
    )
    shipped = (
        None
        if user.is_staff
        else Paginator(files, DASHBOARD_QUIZZES).get_page(request.GET.get("files"))
    )
    return render(
        request,
        "teach/dashboard.html",
        {
            "quizzes": own,
            "questions": written,
            "file_quizzes": shipped if shipped is not None and shipped.paginator.count else [],
            # Each a page at a time past what one page draws (`teach.shown`).
            "banks": shown.banks_page(bank.bank_summaries(user), request.GET.get("banks")),
            "tags": shown.tags_page(bank.tag_counts(user), request.GET.get("tags")),
            "editable_kinds": list(EDITORS),
        },
    )


# --- quizzes ------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@teacher_required
def quiz_create(request: HttpRequest) -> HttpResponse:
    """The new quiz's page, known by the token in its address (`once.page`): Back after
    creating asks for it again, also in a browser that keeps no copy and fills a fresh page
    in with what was typed, and so opens the quiz made (its settings) rather than making a
    second one."""
    assert request.user.is_authenticated  # teacher_required
    token = ""
    if request.method != "POST":
        opened = once.page(request, lambda kept: _made_quiz(request, kept))
        if isinstance(opened, HttpResponse):
            return opened
        token, made = opened
        if made is not None:
            messages.info(
                request,
                "You created this quiz already from that page: here are its settings, so "
                "saving changes it rather than creating another.",
            )
            return redirect("teach:quiz-edit", pk=made.pk)
    quiz = Quiz(owner=request.user, source=Source.AUTHORED, published=False)
    form = QuizForm(request.POST or None, instance=quiz, initial={"once": token})
    if request.method == "POST" and form.is_valid():
        if not once.claim(form.cleaned_data["once"]):
            return _quiz_sent_again(request, form.cleaned_data["once"])
        quiz = form.save(commit=False)
        if quiz.published:
            quiz.published = False
            messages.info(request, "A new quiz starts as a draft: add questions, then publish.")
        services.save_new_quiz(quiz)
        stamp = services.edit_stamp(quiz)
        once.remember_save(request, form.cleaned_data["once"], quiz=quiz.pk, stamp=stamp)
        messages.success(request, f"Quiz “{quiz.title}” created.")
        _warn_if_unknown_category(request, quiz)
        return redirect("teach:quiz", pk=quiz.pk)
    context = {"form": form, "quiz": None, "categories": _suggested(request.user, form)}
    return render(request, "teach/quiz_form.html", context)


def _made_quiz(request: HttpRequest, kept: dict) -> Quiz | None:
    """The quiz a new quiz's page made (`kept`: `once.mine`), while its author may change it."""
    try:
        return _quiz_for_instructor(request, kept["quiz"], edit=True)
    except (Http404, PermissionDenied):
        return None  # deleted since, or no longer theirs to change


def _quiz_sent_again(request: HttpRequest, token: str) -> HttpResponse:
    """A new quiz's page that created its quiz already, sent again: never a second quiz. As
    it was (a double click, Back and Create unchanged): to the quiz made, saying so. With
    changes (a kept page edited after Back): that quiz's settings with what was sent, not
    saved yet, posting to its settings page; nothing typed is lost."""
    kept = once.mine(request, token)
    made = _made_quiz(request, kept) if kept else None
    if kept and made is not None and once.changed(kept, request.POST):
        messages.info(
            request,
            "This page created its quiz already, so no second one was made. Here are its "
            "settings with the changes you just sent, not saved yet: save them to keep them.",
        )
        data = request.POST.copy()
        data["seen"], data["once"] = kept.get("stamp", ""), ""
        form = QuizForm(data, instance=Quiz.objects.get(pk=made.pk))  # `made` keeps its title
        form.is_valid()  # as it was when sent: its problems, if any, are said
        context = {
            "form": form,
            "quiz": made,
            "categories": _suggested(request.user, form),
            "action": reverse("teach:quiz-edit", args=[made.pk]),
        }
        return render(request, "teach/quiz_form.html", context)
    messages.info(request, "That quiz was created already (the form was sent twice).")
    return redirect("teach:quiz", pk=made.pk) if made is not None else redirect("teach:dashboard")


@require_safe
@teacher_required
def quiz_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _quiz_for_instructor(request, pk)
    entries = _entries_shown(request, quiz)
    banks = bank.bank_summaries(request.user)
    finder = shown.bank_filter_form(None, banks=banks, uses=bank.tag_uses(request.user))
    # A quiz drawing by rules: what each rule's bank holds too, to say when they fall short.
    supply = services.rules_supply(quiz) if quiz.draws_by_rules else None
    # A quiz drawing from a category: its usable questions counted as far as the draw needs.
    drawn = services.drawn_supply(quiz) if quiz.draws and supply is None else None
    return render(
        request,
        "teach/quiz_detail.html",
        {
            "quiz": quiz,
            "editable": may_edit(request.user, quiz),
            "entries": entries,
            "attempt_count": services.attempt_count(quiz),
            "usable_count": len(supply.pool)
            if supply is not None
            else drawn.usable
            if drawn is not None
            else len(services.quiz_questions(quiz, entries=entries)),
            "usable_more": drawn is not None and not drawn.complete,  # only counted so far
            "unstartable": services.PUBLISHED_UNSTARTABLE,  # said when published, none usable
            "supply": supply,
            # At the most a quiz may list: the page says so where questions are added.
            "full": listing_refused(quiz.title, len(entries)),
            "listed_past": len(entries) - MAX_DRAWN,  # above 0: listed before the ceiling
            "kinds": [kinds.KINDS[value] for value in EDITORS],
            "kinds_elsewhere": [k for value, k in kinds.KINDS.items() if value not in EDITORS],
            "finder": finder,  # the bank's search, to find a question to reuse here
            "gift_left_out": [e.question for e in entries if e.question.type not in GIFT_KINDS],
            "duplicate_once": once.new_token(),  # one copy per press (see quiz_duplicate)
            "copy_once": once.new_token(),  # one copy of a question per press (quiz_question_copy)
        },
    )


def _entries_shown(request: HttpRequest, quiz: Quiz) -> Sequence[QuizQuestion]:
    """The quiz's entries as its page lists them, each with what the list says of it."""
    # Each question's answers counted by a subquery on their index: grouped over a join, the
    # database carried every answer's row through a sort of the entries' whole questions (a
    # quiz a class of 500 had taken three times: 0.05-0.5 s).
    entries = list(
        quiz.entries.select_related("question__scenario")
        .annotate(
            answer_count=counted(
                Answer.objects.filter(question=OuterRef("question_id")), "question"
            )
        )
        .order_by("order", "pk")
    )
    for entry in entries:
        entry.problems = [p.in_words() for p in entry.question.quick_problems()]
        entry.editable = may_edit(request.user, entry.question) and entry.question.type in EDITORS
        entry.no_editor = entry.question.type not in EDITORS  # none now; a kind added without one
    return entries


@require_http_methods(["GET", "HEAD", "POST"])
@teacher_required
def quiz_edit(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _quiz_for_instructor(request, pk, edit=True)
    form = QuizForm(
        request.POST or None, instance=quiz, initial={"seen": services.edit_stamp(quiz)}
    )
    if request.method == "POST" and form.is_valid():
        quiz = form.save(commit=False)
        if quiz.published and not services.answerable(quiz):
            form.add_error("published", services.nothing_to_answer(quiz))
        else:
            try:
                services.save_unless_edited(quiz, form.cleaned_data["seen"], quiz.save)
            except services.EditedElsewhere as exc:
                form.add_error(None, str(exc))
                _restamp(form, exc)
            else:
                messages.success(request, "Settings saved.")
                _warn_if_unknown_category(request, quiz)
                return redirect("teach:quiz", pk=quiz.pk)
    context = {"form": form, "quiz": quiz, "categories": _suggested(request.user, form)}
    return render(request, "teach/quiz_form.html", context)


@require_POST
@teacher_required
def quiz_publish(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _quiz_for_instructor(request, pk, edit=True)
    publish = request.POST.get("published") == "true"
    try:
        services.quiz_set_published(quiz=quiz, published=publish)
    except services.TeachError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            "Published: learners can take it now."
            if publish
            else "Unpublished: hidden from learners; their past results are kept.",
        )
    return redirect("teach:quiz", pk=quiz.pk)


@require_POST
@teacher_required
def quiz_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    """One button, so a double click sent it twice: its form carries a token (`once`), and a
    second send opens the copy the first made."""
    quiz = _quiz_for_instructor(request, pk)
    token = request.POST.get("once", "")[:64]
    if not once.claim(token):
        kept = once.mine(request, token)
        made = _made_quiz(request, kept) if kept else None
        messages.info(request, "That quiz was duplicated already (the button was pressed twice).")
        return redirect("teach:quiz", pk=made.pk if made is not None else quiz.pk)
    try:
        copy = services.quiz_duplicate(quiz=quiz, owner=request.user)
    except services.TeachError as exc:  # listed past the ceiling before it was set
        once.release(token)
        messages.error(request, str(exc))
        return redirect("teach:quiz", pk=quiz.pk)
    if copy is None:  # deleted since it was read above: as if it had been gone then
        once.release(token)
        raise Http404("No Quiz matches the given query.")
    once.remember_save(request, token, quiz=copy.pk)
    messages.success(request, f"Duplicated as “{copy.title}”, a draft you own.")
    return redirect("teach:quiz", pk=copy.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@teacher_required
def quiz_delete(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _quiz_for_instructor(request, pk, edit=True)
    attempt_count = services.attempt_count(quiz)
    if request.method == "POST":
        try:
            services.quiz_delete(quiz=quiz)
        except services.TeachError as exc:
            messages.error(request, str(exc))
            return redirect("teach:quiz", pk=quiz.pk)
        messages.success(request, f"Quiz “{quiz.title}” deleted. Its questions are still yours.")
        return redirect("teach:dashboard")
    return render(
        request,
        "teach/quiz_delete.html",
        {
            "quiz": quiz,
            "attempt_count": attempt_count,
            "assigned_in": services.assigned_in(quiz, request.user),
        },
    )


def _entry_question(quiz: Quiz, question_pk: int) -> Question:
    """A question of this quiz: whoever may edit the quiz may order and remove its questions,
    whoever wrote them."""
    return get_object_or_404(Question, pk=question_pk, entries__quiz=quiz)


NOT_IN_QUIZ = (
    "That question is no longer in this quiz (taken out in another tab, or by a co-author), "
    "so nothing was done. This is the quiz as it is now."
)


def _gone_from_quiz(request: HttpRequest, quiz: Quiz) -> HttpResponse:
    """A move or a removal from a page drawn before the question was taken out (a double
    click, another tab, a co-author): the quiz's page saying so, not the site's 404 page ("the
    address may be mistyped"). With htmx the 404 stands: the page's alert region says it is
    out of date (srm_trainer/gone.py)."""
    if wants_partial(request):
        raise Http404("That question is no longer in this quiz.")
    messages.info(request, NOT_IN_QUIZ)
    return redirect(reverse("teach:quiz", args=[quiz.pk]) + "#questions-title")


@require_POST
@vary_on_headers("HX-Request")
@teacher_required
def quiz_question_move(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    quiz = _quiz_for_instructor(request, pk, edit=True)
    question = Question.objects.filter(pk=question_pk, entries__quiz=quiz).first()
    if question is None:
        return _gone_from_quiz(request, quiz)
    up = request.POST.get("direction") == "up"
    now = services.quiz_move_question(quiz=quiz, question=question, step=-1 if up else 1)
    said = f"Moved {'up' if up else 'down'}: now question {now[0]} of {now[1]}." if now else ""
    if wants_partial(request):
        # The list alone, the moved question's button focused (the other one at either end),
        # and the move said in the page's status region: a screen reader heard nothing of it.
        context = {"quiz": quiz, "editable": True, "entries": _entries_shown(request, quiz),
                   "moved": {"pk": question.pk, "up": up, "said": said},
                   "copy_once": once.new_token()}  # fmt: skip
        return render(request, "teach/quiz_detail.html#entries_moved", context)
    if said:
        messages.success(request, said)
    return redirect(reverse("teach:quiz", args=[quiz.pk]) + f"#entry-{question.pk}")


@require_POST
@teacher_required
def quiz_question_copy(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """A copy of a question of this quiz that the teacher may edit, just after it, opened in
    the editor. The page's token (`copy_once`) with the question's key: a double click opens
    the copy the first press made, and Back then another question's button still copies."""
    quiz = _quiz_for_instructor(request, pk, edit=True)
    question = _entry_question(quiz, question_pk)
    if question.type not in EDITORS:
        raise Http404("There is no editor for this kind of question yet.")
    token = request.POST.get("once", "")[:40]
    token = f"{token}.{question.pk}" if token else ""
    if not once.claim(token):
        kept = once.mine(request, token)
        made = (
            kept and Question.objects.filter(pk=kept["question"], owner_id=request.user.pk).first()
        )
        messages.info(request, "That question was copied already (the button was pressed twice).")
        if made:
            return redirect(_edit_url(made, quiz))
        return redirect("teach:quiz", pk=quiz.pk)
    try:
        copy = services.quiz_copy_question(quiz=quiz, question=question, owner=request.user)
    except services.TeachError as exc:  # the quiz lists as many questions as it may
        once.release(token)
        messages.error(request, str(exc))
        return redirect(reverse("teach:quiz", args=[quiz.pk]) + f"#entry-{question.pk}")
    if copy is None:  # the quiz deleted, or the question taken out, since it was read
        once.release(token)
        raise Http404("That question is no longer in this quiz.")
    once.remember_save(request, token, question=copy.pk)
    messages.success(
        request,
        f"Copied: this copy is yours to change, just after the original in “{quiz.title}”. "
        "Take the original out of the quiz if the copy replaces it.",
    )
    return redirect(_edit_url(copy, quiz))


@require_POST
@teacher_required
def quiz_question_remove(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    quiz = _quiz_for_instructor(request, pk, edit=True)
    question = Question.objects.filter(pk=question_pk, entries__quiz=quiz).first()
    if question is None:
        return _gone_from_quiz(request, quiz)
    now_there = services.quiz_remove_question(quiz=quiz, question=question)
    where = "your questions" if question.owner_id == request.user.pk else "the question bank"
    said = f"Question taken out of this quiz (it is still in {where})."
    if services.attempt_count(quiz):
        # Learners have started the quiz: what becomes of their attempts is the question an
        # instructor asks next (docs/quizzes.md, "A quiz changed while learners take it").
        said += " Attempts already started keep it, with their answers; new ones leave it out."
    # Its last usable question gone, a published quiz is still "Published" at the page's
    # top, and its learners are told it cannot be started: the teacher is told so too.
    warning = (
        services.PUBLISHED_UNSTARTABLE if quiz.published and not services.answerable(quiz) else ""
    )
    if wants_partial(request):
        # The list alone, the keyboard on the question now where it was (its "Take out"
        # button; "No questions yet." when none is left), and the removal said in the
        # page's status region, as a move is (the warning drawn in the list, which is swapped).
        context = {"quiz": quiz, "editable": True, "entries": _entries_shown(request, quiz),
                   "removed": {"focus": now_there, "said": said, "warning": warning},
                   "copy_once": once.new_token()}  # fmt: skip
        return render(request, "teach/quiz_detail.html#entries_removed", context)
    messages.success(request, said)
    there = f"#entry-{now_there}" if now_there else "#questions-title"
    return redirect(reverse("teach:quiz", args=[quiz.pk]) + there)


@require_POST
@teacher_required
def quiz_question_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Put one of the teacher's existing questions into this quiz."""
    quiz = _quiz_for_instructor(request, pk, edit=True)
    try:
        question_pk = int(request.POST.get("question", ""))
    except ValueError:
        messages.error(request, "Choose a question to add.")
        return redirect("teach:quiz", pk=quiz.pk)
    question = _question_for_instructor(request, question_pk)
    at = f"#bank-q-{question.pk}"
    if quiz.entries.filter(question=question).exists():
        messages.info(request, f"That question is already in “{quiz.title}”.")
    else:
        try:
            services.quiz_add_question(quiz=quiz, question=question)
        except services.TeachError as exc:  # the quiz lists as many questions as it may
            messages.error(request, str(exc))
            at = ""  # the page's top, where the refusal is: the row would scroll it away
        else:
            messages.success(request, f"Question added to “{quiz.title}”.")
    back = request.POST.get("next", "")
    # `next` holds the script prefix of a site served under one (`/srm/teach/bank/`).
    if (inside_site(back) or "").startswith("/teach/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        # The bank page the teacher added it from, filters kept, at the question added: its
        # row is where the page scrolls and where a keyboard's next Tab goes on from.
        return redirect(back.partition("#")[0] + at)
    return redirect("teach:quiz", pk=quiz.pk)


# --- preview: the learner's page, with nothing stored -------------------------------------


def _preview_context(quiz: Quiz, position, *, form=None, result=None, response=None) -> dict:
    questions = services.quiz_questions(quiz)
    if not questions:
        return {"quiz": quiz, "question": None}  # the page says so (`_nothing_in_use`)
    try:
        position = int(position)
    except (TypeError, ValueError):
        position = 1
    position = min(max(1, position), len(questions))
    question = questions[position - 1]
    if form is None:
        form = _preview_form(quiz, question)
    return {
        "quiz": quiz,
        "question": question,
        "form": form,
        "uses_certainty": quiz.uses_certainty(question),
        "tries_allowed": quiz.tries_for(question),
        "position": position,
        "total": len(questions),
        "nav": [{"position": n, "current": n == position} for n in range(1, len(questions) + 1)],
        "result": result,
        "response": response,
    }


def _preview_form(quiz: Quiz, question, data=None) -> AnswerForm:
    """The learner's form, with the certainty radios when the quiz marks this question so."""
    return AnswerForm(
        question, question.layout_ids(), data, certainty=quiz.uses_certainty(question)
    )


def _nothing_in_use(request: HttpRequest, quiz: Quiz, context: dict) -> None:
    """What the preview of a quiz with no question in use offers instead: where to add one
    (its page's "Add a question", for a teacher who may change it) and its page."""
    context["editable"] = may_edit(request.user, quiz)
    context["draws"] = quiz.draws and not quiz.draws_by_rules


@require_safe
@teacher_required
@vary_on_headers("HX-Request")
def quiz_preview(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    quiz = _quiz_for_instructor(request, pk)
    context = _preview_context(quiz, request.GET.get("q"))
    if context["question"] is None:
        _nothing_in_use(request, quiz, context)
    template = "teach/preview.html#panel" if _partial(request) else "teach/preview.html"
    return render(request, template, context)


def _too_many_checks(request: HtmxHttpRequest, retry_after: int) -> HttpResponse:
    """Over the `teach_check` limit: with htmx, the refusal where the check's verdict goes (the
    preview's status line, the editor's live key or check), the form left as typed and the last
    verdict marked stale; without it, the 429 page (Back keeps what was typed)."""
    if not wants_partial(request):
        return render(request, "429.html", {"retry_after": retry_after, "what": "checks"})
    return live_refusal(request, view_name(request), too_many_checks_words(retry_after))


def too_many_checks_words(retry_after: int) -> str:
    return (
        "That was a lot of checks in a short time: this one was not checked, and what you "
        f"typed is kept. Try again in {retry_after} second{'s' if retry_after != 1 else ''}."
    )


@require_POST
@teacher_required
@vary_on_headers("HX-Request")
@rate_limited("teach_check", _too_many_checks)
def quiz_preview_check(request: HtmxHttpRequest, pk: int, position: int) -> HttpResponse:
    """Grade the previewed answer in memory: no attempt, no answer, no review card."""
    quiz = _quiz_for_instructor(request, pk)
    context = _preview_context(quiz, position)
    question = context["question"]
    if question is None:  # its last question archived or taken out since the page was drawn
        _nothing_in_use(request, quiz, context)
        template = "teach/preview.html#panel" if _partial(request) else "teach/preview.html"
        return render(request, template, context)
    form = _preview_form(quiz, question, request.POST)
    if form.is_valid():
        response = form.response()
        result = grade(question, response)
        context.update(form=form, result=result, response=response)
        if certainty := form.certainty():
            context["certainty_mark"] = certainty_mark(result.score, certainty)
    else:
        context.update(form=form)
    template = "teach/preview.html#panel" if _partial(request) else "teach/preview.html"
    return render(request, template, context)


# --- questions ----------------------------------------------------------------------------


def _question_initial(question: Question, token: str = "") -> dict:
    """`token`: a new question's page, its one-time token (from its address)."""
    return {
        "prompt": question.prompt,
        "explanation": question.explanation,
        "category": question.category,
        "module": question.module_id,
        "lesson": question.lesson_id,
        "level": question.level,
        "misconceptions": [t for t in question.misconceptions if isinstance(t, str)]
        if isinstance(question.misconceptions, list)
        else [],
        "tags": services.question_tags(question),
        "seen": services.edit_stamp(question),
        "once": "" if question.pk else token or once.new_token(),
    }


def _restamp(form, clash: services.EditedElsewhere) -> None:
    """Draw the refused page as typed but remembering the row's latest save, so that saving
    it again is a deliberate overwrite, not a second refusal."""
    form.data = form.data.copy()
    form.data["seen"] = clash.stamp


def _posted_initial(post) -> dict:
    """Redraw the shared fields as typed, without errors (after a row action or a preview)."""
    multiple = {"misconceptions", "tags"}
    return {
        name: post.getlist(name) if name in multiple else post.get(name, "")
        for name in QuestionForm.base_fields
    }


def _offer(form: QuestionForm, user, question: Question, context: dict) -> None:
    """What only the whole page shows, read once it is known to be drawn (not for a save that
    succeeds, nor an htmx partial): the tags already used on questions `user` may use (the
    misconception tags: the course's and the question owner's, `bank.question_offers`), as
    checkboxes grouped by module, and the categories, as suggestions."""
    offers = bank.question_offers(user, question.owner_id)
    # At most `teach.shown`'s many of each, the most used.
    most = {"tags": shown.TAGS_SHOWN, "misconceptions": shown.MISCONCEPTIONS_SHOWN}
    form.offer(
        known_misconceptions=offers.misconception_uses, known_tags=bank.tag_uses(user), most=most
    )
    context["categories"] = shown.suggested_categories(form["category"], bank.bank_summaries(user))


@transaction.atomic
def _save_question(question: Question, quiz: Quiz | None, tags: list[str], related=()) -> None:
    for row in related:  # what the question stands on (a scenario) is saved first
        row.save()
    new = question.pk is None
    question.save()
    services.question_set_tags(question=question, tags=tags, new=new)
    if quiz is not None:
        services.quiz_add_question(quiz=quiz, question=question, new=new)


def _question_page(
    request: HtmxHttpRequest,
    *,
    question: Question,
    quiz: Quiz | None,
    creating: bool,
    token: str = "",
    resent: str = "",
) -> HttpResponse:
    """The editor's page. `token`: a new question's, from its address. `resent`: the stamp of
    `question`, made by a new question's page that was sent again with changes (`_sent_again`):
    its editor is drawn with what was sent, not saved, posting to the question's own page."""
    editor = editor_for(question.type)
    if editor is None:
        raise Http404("There is no editor for this kind of question yet.")
    user = request.user
    context: dict[str, Any] = {
        "question": question,
        "quiz": quiz,
        "creating": creating,
        "editor": editor,
    }
    # Where every button of the page posts back to: worked out once, not by each of the
    # 15-60 buttons and forms that name it (`request.get_full_path` escapes it every time).
    context["page_url"] = request.get_full_path()
    context["kind"] = kinds.KINDS[question.type]
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    parts: Parts | None
    if request.method != "POST":
        base = QuestionForm(initial=_question_initial(question, token))
        parts = editor.parts(question, user=user)
        if not creating and (stored := question.quick_problems()):
            # Saved before a check it now fails (a lab rule added since): learners are not
            # shown it, and its author is told why and where, on opening it, not on a save.
            context["stored_problems"] = editor.linked(parts, stored)
    elif resent:
        context["page_url"] = _edit_url(question, quiz)
        base = QuestionForm(initial=_posted_initial(request.POST) | {"seen": resent, "once": ""})
        parts = editor.redraw(question, request.POST, user=user)
    elif action == "preview":
        context["preview"] = markdown_preview(request.POST)
        if _partial(request):
            # Typing's preview is sent by #md-preview itself (HX-Trigger); the button's by the button.
            typed = request.htmx.trigger == "md-preview"
            context["preview_said"] = preview_said(context["preview"], typed=typed)
            return render(request, "teach/question_form.html#md_preview_live", context)
        base = QuestionForm(initial=_posted_initial(request.POST))
        parts = editor.redraw(question, request.POST, user=user)
    elif (parts := editor.act(question, request.POST, action, user=user)) is not None:
        if (found := editor.row_focus(parts, action)) is not None:
            context["row_focus_list"], context["row_focus"] = found
        if _partial(request) and editor.fragment_template:
            # The fragment is the editor's part alone: the shared fields are not in it.
            context.update(parts=parts, **parts.context(request))
            return render(request, editor.fragment_template, context)
        base = QuestionForm(initial=_posted_initial(request.POST))
    elif (parts := editor.live(question, request.POST, action, user=user)) is not None:
        # The engine's verdict as the author types (htmx), or after "Check" (no JavaScript).
        if _partial(request):
            assert editor.live_template is not None  # an editor with a live check has its partial
            context.update(parts=parts, **parts.context(request))
            return render(request, editor.live_template, context)
        base = QuestionForm(initial=_posted_initial(request.POST))
    elif wait := ratelimit.hit(request, "teach_save"):
        # Over `teach_save` (every kind's save: each renders the question's Markdown, some run
        # an engine): no engine and nothing saved; the page as sent, as after a preview.
        if _partial(request):  # no save is sent with htmx; said where any live update's is
            refused = live_refusal(request, view_name(request), too_many_saves_words(wait))
            return _saves_refused(refused, wait)
        base = QuestionForm(initial=_posted_initial(request.POST))
        parts = editor.redraw(question, request.POST, user=user)
        editor.not_checked(parts, NOT_CHECKED)
        context.update(not_saved=True, problems=[too_many_saves_words(wait)], refused_for=wait)
    else:
        # The question's own lesson is kept even if it became a draft (`clean_lesson`).
        base = QuestionForm(request.POST, initial={"lesson": question.lesson_id})
        parts = editor.parts(question, request.POST, user=user)
        context["not_saved"] = True
        if base.is_valid() and parts.is_valid():
            response = _try_save(request, question, quiz, base, parts, editor, context)
            if response is not None:
                return response
        else:  # every refusal at once: the parts', and the kind's check of what can be read
            context["problems"] = editor.problems_beside(
                question, parts, user=user, shared=base.fields
            )
    # What only the whole page shows (not a partial, not a save that succeeded).
    context["field_problems"] = _field_problems(base)
    _offer(base, user, question, context)
    context["has_answers"] = not creating and services.question_has_answers(question)
    context.update(form=base, parts=parts, **parts.context(request))
    response = render(request, "teach/question_form.html", context)
    if "refused_for" in context:
        return _saves_refused(response, context["refused_for"])
    return response


def _field_problems(base: QuestionForm) -> tuple[list[str], list[str]]:
    """The shared fields' refusals for the summary at the top, each named by its label and
    linked to its field: those of the text (prompt, explanation), said before the kind's
    problems, and the rest (module, lesson, tags…), after them. The summary said only "See the
    highlighted fields below" for a prompt too long, the focus on it and no link to the field."""
    if not base.is_bound:
        return [], []
    text: list[str] = []
    rest: list[str] = []
    for name, errors in base.errors.items():
        if name not in base.fields or base.fields[name].widget.is_hidden:
            continue
        lines = [linked_to(base, name, named_error(base, name, e)) for e in errors]
        (text if name in ("prompt", "explanation") else rest).extend(lines)
    return text, rest


# Where the engine's verdict would be, on a page drawn for a save refused by `teach_save`.
NOT_CHECKED = (
    "not worked out this time: the save was refused before the engine ran. It comes back as "
    "you type, or when you save again."
)


def too_many_saves_words(retry_after: int) -> str:
    return (
        "That was a lot of saves in a short time, so this one was not saved (nor checked): "
        f"everything you typed is still below. Save again in {_wait(retry_after)}."
    )


def _wait(retry_after: int) -> str:
    return f"{retry_after} second{'s' if retry_after != 1 else ''}"


def _saves_refused(response: HttpResponse, retry_after: int) -> HttpResponse:
    response.status_code = 429
    response["Retry-After"] = str(retry_after)
    return response


# What `full_clean` need not ask the database again: each foreign key holds a row this request
# read (the signed-in author, the form's module and lesson, the question's stored or chosen
# scenario) or none, and the question's slug is either stored (checked when it was stored, and
# unique by the table's constraint) or made unique once the checks pass. Their checks could
# only fail if a row went between the read and the save, which the save itself may meet anyway:
# they were a query each (an existence check per key, a uniqueness check for the slug), and a
# refused question made its slug, a query more, for nothing.
READ_THIS_REQUEST = {"owner", "module", "lesson", "scenario", "slug"}
# A scenario's slug is still checked (a new one can be too long), but not looked for again:
# it was made unique by `unique_slug` a query before (or is the stored one), its one unique
# column and the only one of its checks that asked the database.
SCENARIO_READ_THIS_REQUEST = {"owner"}


def _try_save(request, question, quiz, base, parts, editor, context) -> HttpResponse | None:
    """Fill the question from the forms and save it if `Question.clean()` (the loader's and
    the admin's checks) accepts it, and every row it depends on (a scenario) passes its own
    `clean()`; otherwise put their messages on the page."""
    data = base.cleaned_data
    previous = question.data if isinstance(question.data, dict) else {}
    before = copy.deepcopy(previous)  # what the key was, whatever `fill` does to `previous`
    for name in (
        "prompt",
        "explanation",
        "category",
        "module",
        "lesson",
        "level",
        "misconceptions",
    ):
        setattr(question, name, data[name])
    owner = question.owner_id if question.pk else request.user.pk
    refused = bank.banks_refused(owner, [data["category"]], leaving=question.pk)
    if refused:
        base.add_error("category", refused)
    refused = bank.tags_refused(owner, data["tags"], leaving=question.pk)
    if refused:
        base.add_error("new_tags", refused)
    refused = bank.misconceptions_refused(owner, data["misconceptions"], leaving=question.pk)
    if refused:
        base.add_error("new_misconceptions", refused)
    related = editor.fill(question, parts, previous=previous, user=request.user)
    problems: list[str] = []
    for row in related:
        if not row.slug:
            row.slug = services.unique_slug(type(row), row.title, fallback="scenario")
        try:
            row.full_clean(exclude=SCENARIO_READ_THIS_REQUEST, validate_unique=False)
        except ValidationError as exc:
            problems += editor.place_related(parts, exc)
    try:
        question.full_clean(exclude=READ_THIS_REQUEST)
    except ValidationError as exc:
        found: list[kinds.Problem] = []  # the kind's problems, with where they are
        for field, errors in exc.error_dict.items():
            messages_ = [message for error in errors for message in error.messages]
            if field in base.fields:
                for message in messages_:
                    base.add_error(field, message)
            elif not (field == "scenario" and problems):  # said already, in the scenario's words
                for error, message in zip(errors, messages_, strict=True):
                    found.append(getattr(error, "problem", None) or kinds.Problem(message))
        problems += editor.place(parts, found)
    if problems or base.errors:
        context["problems"] = problems
        return None
    if context["creating"] and not once.claim(data["once"]):
        return _sent_again(request, data["once"], quiz)
    if not question.slug:
        question.slug = services.unique_slug(
            Question, data["prompt"], fallback="question", max_length=60
        )
    try:
        into = quiz if context["creating"] else None
        services.save_unless_edited(
            question, data["seen"], lambda: _save_question(question, into, data["tags"], related)
        )
    except services.EditedElsewhere as exc:
        context["problems"] = [str(exc)]
        _restamp(base, exc)
        return None
    except services.TeachError as exc:  # its quiz lists as many questions as it may
        # Nothing was saved (one transaction): the page is drawn again as typed, to be sent
        # again once a question is taken out of the quiz.
        once.release(data["once"])
        context["problems"] = [str(exc)]
        return None
    if context["creating"]:
        stamp = services.edit_stamp(question)
        once.remember_save(request, data["once"], question=question.pk, stamp=stamp)
    # Whether learners had answered is asked only of a save that reworded or changed the key:
    # the ones that say so.
    editing = not context["creating"]
    rekeyed = editing and key_changed(question.type, before, question.data)
    reworded_from = {r.old for r in parts.reworded}
    removed = (
        removed_choices(question.type, before, question.data, reworded_from) if editing else []
    )
    answered = (
        bool(parts.reworded or rekeyed or removed)
        and editing
        and services.question_has_answers(question)
    )
    messages.success(request, saved_notice(parts.reworded, answered, rekeyed, removed))
    if quiz is not None:
        # Back at the question's entry, unless the save has more to say than "saved": the
        # notices are at the page's top, which the entry's #fragment scrolled out of sight.
        more = parts.reworded or ((rekeyed or removed) and answered)
        at = "" if more else f"#entry-{question.pk}"
        return redirect(reverse("teach:quiz", args=[quiz.pk]) + at)
    return redirect("teach:dashboard")


def _edit_url(question: Question, quiz: Quiz | None) -> str:
    url = reverse("teach:question-edit", args=[question.pk])
    return url + f"?quiz={quiz.pk}" if quiz is not None else url


def _made_question(request: HttpRequest, kept: dict) -> Question | None:
    """The question a new question's page made (`kept`: `once.mine`), while its author may
    still change it."""
    try:
        return _question_for_instructor(request, kept["question"], edit=True)
    except (Http404, PermissionDenied):
        return None  # deleted since, or no longer theirs to change


def _sent_again(request: HtmxHttpRequest, token: str, quiz: Quiz | None) -> HttpResponse:
    """A save from a new question's page that saved its question already: never a second one.
    Sent as it was (a double click, or Back and Save unchanged): back to the quiz, saying so.
    Sent with changes (Back in a browser that kept the page, then edits): the question made
    is opened with what was sent, not saved, so those changes are neither lost nor written
    over it unseen; saving there changes it (unless it was changed since: then it says so)."""
    kept = once.mine(request, token)
    question = _made_question(request, kept) if kept else None
    if kept and question is not None and once.changed(kept, request.POST):
        messages.info(
            request,
            "This page saved its question already, so no second one was made. Here is that "
            "question with the changes you just sent, not saved yet: save it to keep them.",
        )
        return _question_page(
            request, question=question, quiz=quiz, creating=False, resent=kept.get("stamp", "")
        )
    messages.info(request, "That question was saved already (the form was sent twice).")
    if quiz is None:
        return redirect("teach:dashboard")
    anchor = f"#entry-{question.pk}" if question is not None else ""
    return redirect(reverse("teach:quiz", args=[quiz.pk]) + anchor)


def _new_question_address(request: HttpRequest, quiz: Quiz) -> tuple[str, HttpResponse | None]:
    """A new question's page is known by the token in its address (`once.page`): Back after
    saving asks for the same address, in a browser that does not keep the page too, and so
    opens the question that page made rather than a blank page the browser fills in again
    with what was typed (whose save was a second question). Returns the token, or a redirect:
    to the address with a new token, or to the question the page made, whose save changes it."""
    opened = once.page(request, lambda kept: _made_question(request, kept))
    if isinstance(opened, HttpResponse):
        return "", opened
    token, question = opened
    if question is None:
        return token, None
    messages.info(
        request,
        "You saved this question already from that page: here it is, so saving changes it "
        "rather than adding another.",
    )
    return token, redirect(_edit_url(question, quiz))


def _return_quiz(request: HttpRequest) -> Quiz | None:
    """The quiz the teacher came from (`?quiz=`), if they may see it; else None."""
    return visible_quiz(request.user, request.GET.get("quiz", ""))


def _runs_engine(request: HtmxHttpRequest, question: Question) -> bool:
    """A post the editor answers with a check, not a save: counted against `teach_check`. The
    engine's verdicts, and the Markdown preview of every kind (with htmx or without; each
    renders the prompt and explanation, up to ~0.1 s). Row buttons are not counted; saves
    count against `teach_save`, in `_question_page`."""
    if request.method != "POST":
        return False
    editor = editor_for(question.type)
    if editor is None:
        return False
    action = request.POST.get("action", "")
    if action == "preview":
        return True
    return editor.runs_engine(request.POST, action)


@rate_limited("teach_check", _too_many_checks)
def _engine_page(request: HtmxHttpRequest, **kwargs: Any) -> HttpResponse:
    """`_question_page` for a post that runs the engine, within the `teach_check` limit."""
    return _question_page(request, **kwargs)


@require_http_methods(["GET", "HEAD", "POST"])
@teacher_required
@vary_on_headers("HX-Request")
def question_create(request: HtmxHttpRequest, pk: int, kind: str) -> HttpResponse:
    assert request.user.is_authenticated  # teacher_required
    quiz = _quiz_for_instructor(request, pk, edit=True)
    if kind not in EDITORS:
        raise Http404("There is no editor for this kind of question yet.")
    category = quiz.draw_category or (quiz.module.slug if quiz.module else "") or "authored"
    question = Question(
        type=kind,
        owner=request.user,
        source=Source.AUTHORED,
        category=category,
        module=quiz.module,
        data={},
    )
    token = ""
    if request.method != "POST":
        token, elsewhere = _new_question_address(request, quiz)
        if elsewhere is not None:
            return elsewhere
    page = _engine_page if _runs_engine(request, question) else _question_page
    return page(request, question=question, quiz=quiz, creating=True, token=token)


@require_http_methods(["GET", "HEAD", "POST"])
@teacher_required
@vary_on_headers("HX-Request")
def question_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    question = _question_for_instructor(request, pk, edit=True)
    page = _engine_page if _runs_engine(request, question) else _question_page
    return page(request, question=question, quiz=_return_quiz(request), creating=False)


@require_http_methods(["GET", "HEAD", "POST"])
@teacher_required
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_for_instructor(request, pk, edit=True)
    quiz = _return_quiz(request)
    answer_count = question.answers.count()
    if request.method == "POST":
        outcome = services.question_delete_or_archive(question=question)
        if outcome == "archived":
            messages.success(
                request,
                "Learners have answered this question, so it was archived, not deleted: their "
                "answers keep it, and no new attempt will include it.",
            )
        else:
            messages.success(request, "Question deleted.")
        if quiz is not None:
            return redirect("teach:quiz", pk=quiz.pk)
        return redirect("teach:dashboard")
    return render(
        request,
        "teach/question_delete.html",
        {
            "question": question,
            "quiz": quiz,
            "answer_count": answer_count,
            "quiz_titles": list(question.quizzes.values_list("title", flat=True)),
        },
    )


@require_POST
@teacher_required
def question_archive(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_for_instructor(request, pk, edit=True)
    archived = request.POST.get("archived") == "true"
    try:
        services.question_set_archived(question=question, archived=archived)
    except services.TeachError as exc:  # restored into a bank past its owner's ceiling
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            "Archived: no new attempt will include it."
            if archived
            else "Restored: it is used again.",
        )
    quiz = _return_quiz(request)
    if quiz is not None:
        # Back at the question (its badge says the change), as after "↑ Up" or "Take out": it
        # came back at the page's top, and a keyboard tabbed through the header and every
        # question before it to reach the next one.
        return redirect(reverse("teach:quiz", args=[quiz.pk]) + f"#entry-{question.pk}")
    return redirect("teach:dashboard")
