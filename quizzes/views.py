"""Thin views for quizzes and the review queue; the rules live in attempts.py, grading.py and
review.py. Every form works without JavaScript; with htmx, the page's partial is swapped."""

from __future__ import annotations

import secrets
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import (
    HttpResponseClientRedirect,
    push_url,
    reswap,
    retarget,
    trigger_client_event,
)

from lessons import reading_order, shown_names
from lessons.models import Level
from quizzes import attempts, exam, hooks, result_rows, review
from quizzes.forms import AnswerForm
from quizzes.grading import answer_key, grade
from quizzes.kinds.choices import gone_choices
from quizzes.models import (
    Answer,
    Attempt,
    EarlierQuizSlug,
    Question,
    Quiz,
    QuizQuestion,
    ReviewCard,
)
from quizzes.session_carry import LEARNER_KEY
from srm_trainer.accounts.roles import sees_drafts
from srm_trainer.htmx import HtmxHttpRequest, status_line, wants_partial
from srm_trainer.ratelimit import rate_limited

# --- who is asking ------------------------------------------------------------------------


def _learner_key(request: HttpRequest, *, create: bool = False) -> str:
    """An anonymous learner's key, kept in their session's data (it survives signing in, where
    the session key itself is cycled)."""
    key = request.session.get(LEARNER_KEY, "")
    if not key and create:
        key = request.session[LEARNER_KEY] = secrets.token_urlsafe(24)
    return key


def _owner_filter(request: HttpRequest) -> Q | None:
    """Attempts this visitor owns: their user's, and those they made anonymously in this
    browser before signing in (the learner key survives sign-in; sign-out forgets it)."""
    key = _learner_key(request)
    anonymous = Q(user__isnull=True, learner_key=key) if key else None
    if request.user.is_authenticated:
        return Q(user=request.user) | anonymous if anonymous else Q(user=request.user)
    return anonymous


class SessionEnded(Exception):
    """A signed-in learner's attempt, reached by a browser no longer signed in: their session
    ended (expired, or signed out elsewhere)."""


def _attempt_for(request: HttpRequest, pk: int) -> Attempt:
    """The one access check for attempts: only the learner who made it may see or change it;
    anyone else gets a 404, as if it did not exist."""
    attempt, _viewing = _attempt_read(request, pk, read_only=False)
    return attempt


def _attempt_read(
    request: HttpRequest, pk: int, *, read_only: bool = True
) -> tuple[Attempt, hooks.Viewing | None]:
    """`_attempt_for`, and on a `read_only` page an app's viewer hook (`quizzes.hooks`, e.g.
    the instructor of the learner's cohort) may also let someone read it: with how they
    view it (None for its owner)."""
    user_id = request.user.pk if request.user.is_authenticated else None
    attempt = attempts.owned_attempt(pk, user_id=user_id, learner_key=_learner_key(request))
    if attempt is not None:
        return attempt, None
    if read_only and request.user.is_authenticated:
        # The learner's profile too: a viewer names them by their chosen name (`hooks.Viewing`).
        other = (
            Attempt.objects.select_related("quiz__module", "user", shown_names.RELATED)
            .filter(pk=pk)
            .first()
        )
        if other is not None:
            viewing = hooks.viewing(user=request.user, attempt=other)
            if viewing:
                return other, viewing
    if (
        not request.user.is_authenticated
        and Attempt.objects.filter(pk=pk, user__isnull=False).exists()
    ):
        raise SessionEnded
    raise Http404("No such attempt.")


PENDING_ANSWER = "quizzes_pending_answer"
QUIZZES_PER_PAGE = 30
# A quiz's page lists the learner's latest attempts, this many (docs/quizzes.md).
PAST_ATTEMPTS_SHOWN = 20


def _sign_in_again(request: HtmxHttpRequest, pk: int, position) -> HttpResponse:
    """Say the session ended and send the learner to sign in, then back to the same question;
    an answer they were sending is kept in this browser's session and filled in again there."""
    try:
        position = max(1, int(position or request.GET.get("q") or 1))
    except ValueError:
        position = 1
    if request.method == "POST":
        data = _kept_answer(request)
        request.session[PENDING_ANSWER] = {"attempt": pk, "position": position, "data": data}
    back = reverse("quizzes:take", args=[pk]) + f"?q={position}"
    sign_in = reverse("login") + "?" + urlencode({"next": back})
    if request.POST.get("action") == "autosave":
        return render(request, "quizzes/take.html#session_ended", {"sign_in": sign_in})
    messages.warning(
        request,
        f"Your session ended, so your answer was not saved yet. Sign in again to go back to "
        f"question {position}: your answer will be filled in again.",
    )
    if request.htmx:
        return HttpResponseClientRedirect(sign_in)
    return redirect(sign_in)


# The most of an answer a signed-out browser's session keeps (characters, names and values):
# the largest answer a question takes (a network fix's rules, 20,000) with room to spare. The
# cuts per field let one post keep 50 × 50 × 20,000 characters, and anyone could send it to
# any signed-in learner's attempt: ~2 MB a session row, written 1,200 times a minute from one
# address (the answer limit's ceiling), each row kept until it expired.
MAX_KEPT_ANSWER = 32_000


def _kept_answer(request: HttpRequest) -> dict[str, list[str]]:
    """An answer sent when the session had ended, as the session keeps it until the learner
    signs in again (bounded: a few fields of a few values, each cut short, and
    MAX_KEPT_ANSWER in all; what is past it is not kept)."""
    kept: dict[str, list[str]] = {}
    room = MAX_KEPT_ANSWER
    for key in list(request.POST)[:50]:
        if key in ("csrfmiddlewaretoken", "action", "owner"):
            continue
        values = []
        for value in request.POST.getlist(key)[:50]:
            value = value[:20_000]
            room -= len(key) + len(value)
            if room < 0:
                return kept
            values.append(value)
            kept[key] = values
    return kept


def _kept_data(pending: dict) -> QueryDict:
    """`_kept_answer` as a form's data again."""
    data = QueryDict(mutable=True)
    for key, values in (pending.get("data") or {}).items():
        data.setlist(key, [str(v) for v in values])
    return data


def _session_may_end(view):
    @wraps(view)
    def wrapper(request: HtmxHttpRequest, pk: int, *args, **kwargs):
        try:
            return view(request, pk, *args, **kwargs)
        except SessionEnded:
            return _sign_in_again(request, pk, kwargs.get("position"))

    return wrapper


def _pending_form(request: HttpRequest, attempt: Attempt, position: int, outline: attempts.Outline):
    """The answer kept when the session ended, for this attempt's question at `position` (the
    one the page shows: `outline` read it). Filled in as it was sent but unchecked: it was
    never judged, so an unfinished answer comes back without a check's "Choose one answer."."""
    pending = request.session.get(PENDING_ANSWER)
    if not pending or pending.get("attempt") != attempt.pk or pending.get("position") != position:
        return None
    del request.session[PENDING_ANSWER]
    if not outline.ids:
        return None
    question = outline.question(min(position, len(outline)))
    data = _kept_data(pending)
    if data.get("question", str(question.pk)) != str(question.pk):
        return None  # its question left the attempt, or moved, while the learner signed in
    return _answer_form(attempt, question, data, checked=False)


def _answer_form(
    attempt: Attempt, question: Question, data=None, *, answer=None, checked: bool = True
) -> AnswerForm:
    """The learner's form for one question of an attempt: with the certainty radios when the
    quiz marks this question with certainty, and what was saved shown again. `checked=False`:
    as sent, not judged (an answer refused over the rate limit, or kept when the session
    ended)."""
    return AnswerForm(
        question,
        attempt.layout.get(str(question.pk)),
        data,
        saved=answer.response if answer else None,
        certainty=attempt.quiz.uses_certainty(question),
        saved_certainty=answer.certainty if answer else None,
        checked=checked,
    )


def _quiz_for(request: HttpRequest, slug: str) -> Quiz:
    """Drafts exist only for staff past the admin's two-factor rule (`sees_drafts`)."""
    return get_object_or_404(
        Quiz.objects.visible_to(request.user).select_related("module"), slug=slug
    )


def _renamed(request: HttpRequest, slug: str) -> Quiz | None:
    """The quiz that had `slug` before a course update renamed it, if this person may see it."""
    earlier = EarlierQuizSlug.objects.filter(slug=slug).values("quiz")
    return Quiz.objects.visible_to(request.user).filter(pk__in=earlier).first()


def _my_attempts(request: HttpRequest, quiz: Quiz):
    """The same attempts the quiz list counts (one owner rule for every page)."""
    owner = _owner_filter(request)
    if owner is None:
        return Attempt.objects.none()
    return Attempt.objects.filter(owner, quiz=quiz).order_by("-started_at", "-pk")


def _limit_page(request: HttpRequest, retry_after: int, what: str = "answers") -> HttpResponse:
    """Over a limit without htmx: the page that says when to try again."""
    return render(request, "429.html", {"retry_after": retry_after, "what": what})


def _try_again(retry_after: int) -> str:
    return f"Try again in {retry_after} second{'s' if retry_after != 1 else ''}."


def _too_many_words(retry_after: int) -> str:
    return f"Too many answers in a short time: nothing was saved. {_try_again(retry_after)}"


def _answer_refused(redraw):
    """Over the answer limit where an answer is sent: with htmx the question is drawn again as
    it was sent by `redraw` (the answer stays; a message an earlier send got, "Choose one
    answer.", does not stay beside the refusal), the refusal in the form's status line and said
    in the page's status region; an autosave, which swaps only the status line, gets the
    refusal there. Without htmx, a page says when to try again."""

    def refused(request: HttpRequest, retry_after: int) -> HttpResponse:
        if not wants_partial(request):
            return _limit_page(request, retry_after)
        message = _too_many_words(retry_after)
        if request.POST.get("action") == "autosave":
            return status_line(message, "#answer-status")
        kwargs = request.resolver_match.kwargs if request.resolver_match else {}
        return redraw(request, **kwargs, refused=message)

    return refused


def _too_many(request: HtmxHttpRequest, retry_after: int) -> HttpResponse:
    """Over the answer limit on the quiz page (`_answer_refused`)."""
    return _answer_refused(_answer_save)(request, retry_after)


def _too_many_reviews(request: HttpRequest, retry_after: int) -> HttpResponse:
    """Over the answer limit in the review queue, as on the quiz page (`_answer_refused`)."""
    return _answer_refused(_review_answer)(request, retry_after)


def _too_many_starts(request: HttpRequest, retry_after: int) -> HttpResponse:
    return _limit_page(request, retry_after, "quiz starts")


def _too_many_submits(request: HttpRequest, retry_after: int) -> HttpResponse:
    """Over the answer limit on Submit (a plain form on the summary page): the page that says
    when to try again. Nothing is lost: an attempt past its time is closed as it stands."""
    return _limit_page(request, retry_after)


def _too_many_changes(request: HttpRequest, retry_after: int) -> HttpResponse:
    """Over the answer limit on a flag or "Start again" (they count with the answers: each
    writes the attempt). Without htmx, the page that says when to try again. With htmx, the
    refusal in the page's alert region and said in its status region, the question left as it
    is on screen: drawn again from what is saved, it would drop an edit still being typed,
    whose own autosave the same limit may have refused a moment before."""
    flag = request.resolver_match is not None and request.resolver_match.url_name == "flag"
    said = "answers and flags" if flag else "answers"
    if not wants_partial(request):
        return _limit_page(request, retry_after, said)
    done = "the flag was not changed" if flag else "your answer was not replaced"
    refused = f"Too many {said} in a short time: {done}. {_try_again(retry_after)}"
    response = render(request, "quizzes/take.html#refused_note", {"refused": refused})
    return reswap(retarget(response, "#page-alert"), "innerHTML")


# --- quizzes ------------------------------------------------------------------------------


# A quiz's entries that an attempt can be given: an archived question is in none, so a quiz
# whose questions were all archived says it has none rather than a count Start cannot keep.
IN_USE = QuizQuestion.objects.filter(question__archived=False)


@require_safe
@never_cache  # progress changes it in place: Back must not show a kept copy
def quiz_list(request: HttpRequest) -> HttpResponse:
    """The quizzes in course order, QUIZZES_PER_PAGE at a time (an unknown page number shows
    the nearest page): with a hundred times the course, listing every quiz took 0.2 s. Each
    quiz's questions are counted for the page's quizzes alone, in one query (a join grouped
    over every quiz's entries counted them all), and only those an attempt can be given (a
    broken one is left out of attempts, so it is out of the count too)."""
    listed = (
        Quiz.objects.visible_to(request.user)
        .select_related("module")
        # Course order, then what spans modules (the final exam); SQLite sorts NULL first.
        .order_by(F("module__order").asc(nulls_last=True), "order", "slug")
    )
    page = Paginator(listed, QUIZZES_PER_PAGE).get_page(request.GET.get("page"))
    quizzes = list(page.object_list)
    counts = attempts.learner_counts(quizzes, IN_USE.filter(quiz__in=quizzes))
    for quiz in quizzes:
        quiz.question_count = counts[quiz.pk]
    owner = _owner_filter(request)
    mine = {}
    if owner is not None:
        mine = attempts.by_quiz(owner, quizzes)
        # Timed attempts that ran out while the learner was away are closed (and counted
        # again), so each shows with its score rather than as an attempt with none.
        if any(row["overdue"] for row in mine.values()):
            attempts.expire_overdue(Attempt.objects.filter(owner, quiz__in=quizzes))
            mine = attempts.by_quiz(owner, quizzes)
    for quiz in quizzes:
        quiz.mine = mine.get(quiz.pk)
    return render(request, "quizzes/quiz_list.html", {"quizzes": quizzes, "page": page})


@require_safe
@never_cache  # progress changes it in place: Back must not show a kept copy
def quiz_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The quiz and the learner's latest PAST_ATTEMPTS_SHOWN attempts, saying how many there are
    in all: every attempt was listed, and a learner (or a script) with 1,000 attempts at one
    quiz got a 280 KB page costing 0.15 s. What the page needs of all of them (how many, the
    unfinished one, any overdue) is counted by the database in one query."""
    try:
        quiz = _quiz_for(request, slug)
    except Http404:
        if renamed := _renamed(request, slug):
            return redirect(renamed)  # a bookmark from before a course update renamed it
        raise
    mine = _my_attempts(request, quiz)
    now = timezone.now()
    totals = _attempt_totals(mine, now)
    # An attempt whose time ran out while the learner was away is closed (and the list read
    # again), so the page shows its score, not "In progress" and a "Continue" that only ends it.
    if totals["overdue"]:
        attempts.expire_overdue(mine, now=now)
        totals = _attempt_totals(mine, now)
    past = list(mine[:PAST_ATTEMPTS_SHOWN])
    unfinished = next((a for a in past if not a.is_submitted), None)
    if unfinished is None and totals["open"]:  # older than the attempts shown: rare
        unfinished = mine.filter(submitted_at__isnull=True).first()
    return render(
        request,
        "quizzes/quiz_detail.html",
        {
            "quiz": quiz,
            "broken": _broken_questions(quiz) if sees_drafts(request.user) else [],
            "past": past,
            "past_total": totals["count"],
            "unfinished": unfinished,
            "left": attempts.attempts_left(quiz, totals["count"]),
            "question_count": attempts.learner_counts([quiz], IN_USE.filter(quiz=quiz))[quiz.pk],
            "notes": _notes(request, quiz, unfinished=unfinished),
        },
    )


def _attempt_totals(mine, now) -> dict[str, int]:
    """How many of `mine` there are, unfinished, and overdue (past deadline and grace)."""
    overdue = Q(submitted_at__isnull=True, deadline__lt=now - attempts.GRACE)
    return mine.order_by().aggregate(
        count=Count("pk"),
        open=Count("pk", filter=Q(submitted_at__isnull=True)),
        overdue=Count("pk", filter=overdue),
    )


def _notes(
    request: HttpRequest,
    quiz: Quiz,
    attempt: Attempt | None = None,
    *,
    unfinished: Attempt | None = None,
) -> list[hooks.Note]:
    """What apps tell this signed-in learner about the quiz on its own pages (`quizzes.hooks`
    notes: e.g. their cohort's due date); once per page, never per question."""
    user_id = request.user.pk if request.user.is_authenticated else None
    return hooks.notes(
        quiz=quiz, user_id=user_id, attempt=attempt, now=timezone.now(), unfinished=unfinished
    )


def _broken_questions(quiz: Quiz) -> list[dict]:
    """For staff past the admin's two-factor rule (`sees_drafts`): the quiz's questions that
    fail validation (learners never see them)."""
    if quiz.draws:
        questions = Question.objects.filter(category=quiz.draw_category)
    else:
        questions = quiz.questions.all()
    out = []
    for question in questions.select_related("scenario").order_by("slug"):
        problems = question.quick_problems()
        if problems:
            out.append({"question": question, "problems": [p.message for p in problems]})
    return out


@require_POST
@rate_limited("start", _too_many_starts)
def attempt_start(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = _quiz_for(request, slug)
    try:
        attempt = attempts.attempt_start(
            quiz=quiz, user=request.user, session_key=_learner_key(request, create=True)
        )
    except attempts.AttemptError as exc:
        messages.error(request, str(exc))
        return redirect(quiz.get_absolute_url())
    return redirect(attempt.get_absolute_url())


# --- taking an attempt --------------------------------------------------------------------


def _position(request: HttpRequest, attempt: Attempt, value) -> int:
    try:
        position = int(value)
    except (TypeError, ValueError):
        position = 1
    return min(max(1, position), max(1, len(attempt.question_ids)))


def _shown_position(request: HttpRequest, outline: attempts.Outline, position: int) -> int | str:
    """Where the question the posting page showed is now, or why it cannot be acted on.

    The page sends that question's id (`question`) beside its position, because a question
    broken or deleted after the page was drawn moves every later one up a place, and the
    position alone would then name the next question: an answer saved, or a flag set, on a
    question the learner never saw. A post without the id (a page drawn before pages sent it)
    goes by its position, which must be one the attempt has: a made-up one acts on nothing,
    where it used to act on the last question."""
    posted = request.POST.get("question")
    if posted is None:
        if 1 <= position <= len(outline):
            return position
        return f"This attempt has no question {position}"
    if posted.isascii() and posted.isdigit() and int(posted) in outline.ids:
        return outline.ids.index(int(posted)) + 1
    return "The question you had open was taken out of this quiz after you opened it"


def _not_acted_on(
    request: HtmxHttpRequest, attempt: Attempt, outline: attempts.Outline, guess: int, why: str
) -> HttpResponse:
    """The page for a post about a question that is not in the attempt (any more): it says
    why nothing was done, and shows the question now at that place."""
    position = min(guess, len(outline))
    status = f"{why}. This is question {position}."
    if request.POST.get("action") == "autosave":
        return render(request, "quizzes/take.html#autosave", {"status": status})
    if not request.htmx:
        messages.warning(request, status)
        return redirect(reverse("quizzes:take", args=[attempt.pk]) + f"?q={position}")
    context = _take_context(request, attempt, position, outline, status=status)
    return render(request, "quizzes/take.html#attempt", context)


def choices_gone(question: Question, answer: Answer | None) -> list[str]:
    """The texts of the saved answer's choices, or ordering and categorize items, that the
    question no longer has (an instructor took them out or reworded them, or a course update
    did, while the attempt was open). The page showed nothing ticked beside "1 of 1
    answered", and the answer counted as wrong at submit without a word. The summary before submitting counts such a question as not answered
    (`attempts.attempt_summary`)."""
    return [] if answer is None else gone_choices(question, answer.response)


def _take_context(
    request,
    attempt: Attempt,
    position: int,
    outline: attempts.Outline,
    *,
    form=None,
    status: str = "",
) -> dict:
    """`outline`: the attempt's questions as `attempts.attempt_outline` read them, the one at
    `position` among those it read whole."""
    if not outline.ids:
        raise Http404("This attempt has no questions left.")
    position = min(position, len(outline))
    question = outline.question(position)
    answered, answer = attempts.answered(attempt, question.pk)
    locked = bool(answer and answer.is_graded)
    if form is None:
        form = _answer_form(attempt, question, answer=answer)
    flagged = set(attempt.flagged or [])
    # An answer whose choice was taken out since is no answer, as on the summary.
    gone = attempts.choices_gone_among(attempt, answered)
    nav = [
        {
            "position": n,
            "answered": pk in answered and pk not in gone,
            "flagged": pk in flagged,
            "current": n == position,
        }
        for n, pk in enumerate(outline.ids, start=1)
    ]
    quiz = attempt.quiz
    allowed = quiz.tries_for(question)
    used = answer.tries if answer else 0
    return {
        "attempt": attempt,
        "quiz": quiz,
        **_clock(attempt),
        "question": question,
        "is_flagged": question.pk in flagged,
        "flagged_count": len([n for n in nav if n["flagged"]]),
        "tries_allowed": allowed,
        "tries_left": max(0, allowed - used),
        # A try was checked and was not right, and another is allowed: say so, with a hint.
        "try_again": bool(answer and not locked and used and quiz.immediate),
        "uses_certainty": quiz.uses_certainty(question),
        "answer": answer,
        "form": form,
        "position": position,
        "total": len(outline),
        "nav": nav,
        "answered_count": len([n for n in nav if n["answered"]]),
        "locked": locked,
        # The key and the explanation reach the page only once this answer is graded.
        "show_feedback": locked and attempt.quiz.immediate,
        "choices_gone": [] if locked else choices_gone(question, answer),
        # "Start again from the given rules", while the answer can change and only for a box
        # that starts filled with given text.
        "start_words": "" if locked else _start_words(question),
        "status": status,
    }


def _start_words(question: Question) -> str:
    """What the question's box starts filled with ("the given rules"), or "" when it starts
    empty: no "Start again" then."""
    kind = question.kind
    if kind is None or not kind.start_words or kind.start_response(question) is None:
        return ""
    return kind.start_words


# An open attempt's pages are never kept by the browser: Back after submitting would show
# the attempt as still open, its statuses stale; asked again, the server sends the result.
@require_safe
@never_cache
@vary_on_headers("HX-Request")
@_session_may_end
def attempt_take(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _attempt_for(request, pk)
    expired = _expired(request, attempt)
    if not expired and attempt.is_submitted and wants_partial(request):
        return _closed_elsewhere(request, attempt)  # a question link on a page left open
    if expired or attempt.is_submitted:
        # With htmx (the question links) the browser goes to the result as a page of its own:
        # a redirect followed by htmx drew the result inside the question, at the question's URL.
        url = reverse("quizzes:result", args=[attempt.pk])
        return HttpResponseClientRedirect(url) if wants_partial(request) else redirect(url)
    position = _position(request, attempt, request.GET.get("q"))
    outline = attempts.attempt_outline(attempt, position)
    pending = _pending_form(request, attempt, position, outline)
    if pending is not None:
        context = _take_context(
            request,
            attempt,
            position,
            outline,
            form=pending,
            status="Your answer from before is filled in again; it is not saved yet.",
        )
    else:
        context = _take_context(request, attempt, position, outline)
    if wants_partial(request):  # the notes stay above the question the swap replaces
        return render(request, "quizzes/take.html#attempt", context)
    # Sent here by a check made without htmx (no JavaScript, or the page not ready yet): the
    # verdict takes the focus, as after the swap; a keyboard user was left at the page's top.
    context["just_checked"] = request.GET.get("checked") == "1"
    # Sent here by "Start again" without htmx: the box takes the focus, as after the swap.
    context["started_again"] = request.GET.get("again") == "1" and bool(context["start_words"])
    return render(
        request, "quizzes/take.html", {**context, "notes": _notes(request, attempt.quiz, attempt)}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@rate_limited("answer", _too_many, methods=("POST",))
def answer_save(request: HtmxHttpRequest, pk: int, position: int) -> HttpResponse:
    """Save the answer to the question at `position`. `action` says what next:
    `autosave` (htmx, answer only), `check` (grade now: immediate feedback), `save`, `next`,
    `prev` (save and move). A GET goes to the question: without JavaScript a refused answer is
    drawn at this address, which the header's "Sign in" and a reload come back to."""
    if request.method != "POST":
        return redirect(f"{reverse('quizzes:take', args=[pk])}?q={position}")
    return _answer_save(request, pk, position=position)  # by name, as `_session_may_end` reads it


@_session_may_end
def _answer_save(
    request: HtmxHttpRequest, pk: int, position: int, refused: str = ""
) -> HttpResponse:
    """`answer_save`; with `refused` (over the rate limit, with htmx), the question drawn again
    with the answer as sent, neither judged nor saved, and why."""
    attempt = _attempt_for(request, pk)
    if _expired(request, attempt):
        return _after_submit(request, attempt)
    if attempt.is_submitted:
        return _closed_elsewhere(request, attempt)
    action = request.POST.get("action", "save")
    guess = _position(request, attempt, position)
    moves = {"next": 1, "prev": -1} if not refused else {}
    outline = attempts.attempt_outline(
        attempt, guess, _position(request, attempt, guess + moves.get(action, 0))
    )
    if not outline.ids:
        raise Http404("This attempt has no questions left.")
    shown = _shown_position(request, outline, position)
    if isinstance(shown, str):
        return _not_acted_on(
            request, attempt, outline, guess, f"{shown}, so your answer was not saved"
        )
    position = shown
    question = outline.question(position)
    if refused:
        form = _answer_form(attempt, question, request.POST, checked=False)
        context = _take_context(request, attempt, position, outline, form=form, status=refused)
        return render(request, "quizzes/take.html#attempt", {**context, "refused": True})
    check = action == "check" and attempt.quiz.immediate
    form = _answer_form(attempt, question, request.POST)
    status = ""
    if form.is_valid():
        try:
            saved = attempts.answer_save(
                attempt=attempt,
                question=question,
                response=form.response(),
                check=check,
                certainty=form.certainty(),
            )
            status = "Answer saved."
            if check and not saved.is_graded:
                status = "Not right yet: change your answer and check again."
        except attempts.AttemptClosed as exc:  # TimeUp among them
            return _answer_closed(request, attempt, exc)
        except attempts.AnswerLocked:
            # Checked already, in another tab perhaps (`_already_checked`).
            response = _already_checked(request, attempt, position, outline)
            if action == "autosave" and wants_partial(request):
                # An autosave's reply goes into its status line: the whole question, drawn
                # again locked, was nested inside it (a second #attempt-body in the first).
                response = reswap(retarget(response, "#attempt-body"), "outerHTML")
            return response
        except attempts.AttemptRefused as exc:
            return _gate_refused(request, attempt, position, outline, action, str(exc))
    else:
        draft = form.draft()
        if draft is not None:
            try:
                attempts.answer_save(
                    attempt=attempt, question=question, response=draft, certainty=form.certainty()
                )
                status = "Draft saved; it is not checked until it is valid."
            except attempts.AttemptClosed as exc:
                if isinstance(exc, attempts.TimeUp):
                    messages.warning(request, str(exc))
                    return _after_submit(request, attempt)
                return _closed_elsewhere(request, attempt)
            except attempts.AttemptError as exc:
                status = str(exc)
        if action == "autosave":
            return render(
                request, "quizzes/take.html#autosave", {"status": status or "Not saved yet."}
            )
        context = _take_context(request, attempt, position, outline, form=form, status=status)
        template = "quizzes/take.html#attempt" if wants_partial(request) else "quizzes/take.html"
        return render(request, template, context)
    if action == "autosave":
        # Valid as sent: a message an earlier check or save drew beside the controls ("Choose
        # one answer.") no longer applies; the page takes it off (static/js/quiz-answer.js).
        response = render(request, "quizzes/take.html#autosave", {"status": status})
        return trigger_client_event(response, "answer-valid")
    target = position + {"next": 1, "prev": -1}.get(action, 0)
    target = min(_position(request, attempt, target), len(outline))
    url = reverse("quizzes:take", args=[attempt.pk]) + f"?q={target}"
    if not request.htmx:
        # A check's page takes the focus to its verdict, as the swap does (`checked`).
        return redirect(url + ("&checked=1" if check else ""))
    if target != position and status == "Answer saved.":
        # Shown beside the next question's own controls: say whose answer it was.
        status = f"Your answer to question {position} is saved."
    response = render(
        request,
        "quizzes/take.html#attempt",
        _take_context(request, attempt, target, outline, status=status),
    )
    return push_url(response, url)


def _gate_refused(
    request: HtmxHttpRequest,
    attempt: Attempt,
    position: int,
    outline: attempts.Outline,
    action: str,
    said: str,
) -> HttpResponse:
    """An answer a gate refused (its instructor closed the assignment while the learner was in
    the middle of it): the same question, with the answer as sent and why it was not saved.
    Without JavaScript the page was redirected back to the question, the answer gone and
    nothing said; with htmx, "Next" went on to the next question as if it had been saved."""
    if action == "autosave":
        return render(request, "quizzes/take.html#autosave", {"status": said})
    form = _answer_form(attempt, outline.question(position), request.POST, checked=False)
    if wants_partial(request):
        context = _take_context(request, attempt, position, outline, form=form, status=said)
        return render(request, "quizzes/take.html#attempt", {**context, "refused": True})
    messages.warning(request, said)  # at the page's top, where a page's news is said
    context = _take_context(request, attempt, position, outline, form=form)
    notes = _notes(request, attempt.quiz, attempt)
    return render(request, "quizzes/take.html", {**context, "notes": notes})


def _clock(attempt: Attempt) -> dict:
    """What the page says about the time limit: the deadline (as text, and for the countdown
    script the seconds left by the server's clock, so a wrong clock on the learner's computer
    does not move it) and the grace the server allows after it."""
    now = timezone.now()
    left = attempts.time_left(attempt, now=now)
    return {
        "minutes_left": attempts.minutes_left(attempt, now=now),
        "seconds_left": None if left is None else int(left.total_seconds()),
        "grace_seconds": int(attempts.GRACE.total_seconds()),
    }


def _expired(request: HttpRequest, attempt: Attempt) -> bool:
    """Close the attempt if its time is up (it is submitted as it stands), and say so."""
    if attempts.attempt_expire(attempt=attempt):
        messages.warning(request, attempts.TIME_UP_MESSAGE)
        return True
    return False


def _after_submit(request: HtmxHttpRequest, attempt: Attempt) -> HttpResponse:
    url = reverse("quizzes:result", args=[attempt.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


SUBMITTED_ELSEWHERE = "This attempt was submitted in another tab or window."
# A second submit this soon after the first is this page's own (a double click), not another's.
RESUBMIT_GRACE_SECONDS = 10


def _closed_elsewhere(request: HttpRequest, attempt: Attempt) -> HttpResponse:
    """The result, for a page of this attempt that was still open (an answer, a flag, a question
    link, a submit) when another tab or window closed it: the result page says why it came
    (in its status messages), which without a word looked like answers lost. Closed by its time
    limit, it says that instead. A plain page load (Back after submitting here) says nothing."""
    if attempt.ran_out_of_time:
        messages.warning(request, attempts.TIME_UP_MESSAGE)
    else:
        messages.info(request, SUBMITTED_ELSEWHERE)
    url = reverse("quizzes:result", args=[attempt.pk])
    return HttpResponseClientRedirect(url) if wants_partial(request) else redirect(url)


def _answer_closed(
    request: HtmxHttpRequest, attempt: Attempt, exc: attempts.AttemptClosed
) -> HttpResponse:
    """An answer's change refused as the attempt closed: its time ran out (said, then the
    result), or it was submitted meanwhile (`_closed_elsewhere`)."""
    if isinstance(exc, attempts.TimeUp):
        messages.warning(request, str(exc))
        return _after_submit(request, attempt)
    return _closed_elsewhere(request, attempt)


def _already_checked(
    request: HttpRequest, attempt: Attempt, position: int, outline: attempts.Outline
) -> HttpResponse:
    """The question again when its answer was checked already (in another tab perhaps): the
    page says the first answer stands and shows its feedback, not that feedback alone as if
    just earned."""
    context = _take_context(request, attempt, position, outline)
    template = "quizzes/take.html#attempt" if wants_partial(request) else "quizzes/take.html"
    return render(request, template, {**context, "already_checked": True})


def _one_question(
    request: HtmxHttpRequest, pk: int, position: int, nothing_done: str
) -> HttpResponse | tuple[Attempt, attempts.Outline, int]:
    """For an action on one question of an open attempt (a flag, "Start again"): the attempt,
    its outline and the question's position as shown now; or the answer that says why nothing
    is done (time up or submitted: the result; the question moved or taken out meanwhile:
    `_not_acted_on`, "…, so `nothing_done`")."""
    attempt = _attempt_for(request, pk)
    if _expired(request, attempt):
        return _after_submit(request, attempt)
    if attempt.is_submitted:
        return _closed_elsewhere(request, attempt)
    guess = _position(request, attempt, position)
    outline = attempts.attempt_outline(attempt, guess)
    if not outline.ids:
        raise Http404("This attempt has no questions left.")
    shown = _shown_position(request, outline, position)
    if isinstance(shown, str):
        return _not_acted_on(request, attempt, outline, guess, f"{shown}, so {nothing_done}")
    return attempt, outline, shown


@require_POST
@vary_on_headers("HX-Request")
@rate_limited("answer", _too_many_changes)
@_session_may_end
def attempt_flag(request: HtmxHttpRequest, pk: int, position: int) -> HttpResponse:
    """Flag the question at `position` to come back to (`flagged=1`), or clear the flag."""
    found = _one_question(request, pk, position, "nothing was flagged")
    if isinstance(found, HttpResponse):
        return found
    attempt, outline, position = found
    flagged = request.POST.get("flagged") == "1"
    try:
        attempts.attempt_flag(attempt=attempt, question=outline.question(position), flagged=flagged)
    except attempts.AttemptClosed:
        return _closed_elsewhere(request, attempt)
    status = "Flagged: it is listed before you submit." if flagged else "Flag removed."
    if request.POST.get("back") == "summary":
        # Back at its row, said: the page opened at its top, with nothing said, so a keyboard
        # user who removed the flag of question 30 had to find their place again.
        messages.info(request, f"Flag removed from question {position}.")
        return redirect(reverse("quizzes:summary", args=[attempt.pk]) + f"#q-{position}")
    if not request.htmx:
        messages.info(request, status)
        return redirect(reverse("quizzes:take", args=[attempt.pk]) + f"?q={position}")
    context = _take_context(request, attempt, position, outline, status=status)
    return render(request, "quizzes/take.html#attempt", {**context, "flag_pressed": True})


@require_POST
@vary_on_headers("HX-Request")
@rate_limited("answer", _too_many_changes)
@_session_may_end
def answer_start_again(request: HtmxHttpRequest, pk: int, position: int) -> HttpResponse:
    """ "Start again from the given rules": the question at `position` back to the text its box
    starts with, saved in place of the learner's answer (`attempts.answer_start_again`). With
    htmx the question comes back with the box focused; without, the page loads again (as a
    flag does) and focuses it (`again=1`)."""
    found = _one_question(request, pk, position, "nothing was changed")
    if isinstance(found, HttpResponse):
        return found
    attempt, outline, position = found
    question = outline.question(position)
    try:
        saved = attempts.answer_start_again(attempt=attempt, question=question)
    except attempts.AttemptClosed as exc:  # TimeUp among them
        return _answer_closed(request, attempt, exc)
    except attempts.AnswerLocked:
        # Checked meanwhile (in another tab): the first answer stands, as a save is told.
        return _already_checked(request, attempt, position, outline)
    except attempts.AttemptError as exc:  # a gate's refusal; a box that starts empty
        status, started = f"{exc} Nothing was changed.", False
    else:
        words = question.kind.start_words if question.kind else ""
        status = f"Started again from {words}" + (
            ": your saved answer is replaced." if saved is not None else "."
        )
        started = True
    url = reverse("quizzes:take", args=[attempt.pk]) + f"?q={position}"
    if not request.htmx:
        (messages.info if started else messages.warning)(request, status)
        return redirect(url + ("&again=1" if started else ""))
    context = _take_context(request, attempt, position, outline, status=status)
    return render(request, "quizzes/take.html#attempt", {**context, "started_again": started})


@require_safe
@never_cache  # as attempt_take
@_session_may_end
def attempt_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """Before submitting: every question, answered or not and flagged or not, each linked back."""
    attempt = _attempt_for(request, pk)
    if _expired(request, attempt) or attempt.is_submitted:
        return redirect("quizzes:result", pk=attempt.pk)
    rows = attempts.attempt_summary(attempt)
    if not rows:
        raise Http404("This attempt has no questions left.")
    unanswered = [r for r in rows if not r.answered]
    return render(
        request,
        "quizzes/summary.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "rows": rows,
            "unanswered": unanswered,
            "choices_gone": [r for r in rows if r.choice_gone],
            "items_gone": any(r.item_gone for r in rows),
            "flagged": [r for r in rows if r.flagged],
            **_clock(attempt),
        },
    )


@require_POST
@rate_limited("answer", _too_many_submits)
@_session_may_end
def attempt_submit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    attempt = _attempt_for(request, pk)
    if not _expired(request, attempt):  # past its time, it is closed as it stood at the deadline
        try:
            attempt, submitted_here = attempts.attempt_submit(attempt=attempt)
        except attempts.AttemptRefused as exc:
            messages.error(request, str(exc))
            url = reverse("quizzes:take", args=[attempt.pk])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
        earlier = attempt.submitted_at
        if (
            not submitted_here
            and earlier is not None
            and (timezone.now() - earlier).total_seconds() > RESUBMIT_GRACE_SECONDS
        ):
            return _closed_elsewhere(request, attempt)
    return _after_submit(request, attempt)


@require_safe
@never_cache  # a learner's own answers: no copy in a shared computer's browser
@_session_may_end
def attempt_result(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    # `viewing`: someone else reading it (read-only), or None for its owner.
    attempt, viewing = _attempt_read(request, pk)
    if viewing is not None:
        attempts.attempt_expire(attempt=attempt)  # an attempt past its time is over for all
    elif not attempt.is_submitted and not _expired(request, attempt):
        return redirect(attempt.get_absolute_url())
    answers = attempts.answers_by_question(attempt)
    questions = attempts.attempt_questions(attempt)
    # Once submitted, a question left unanswered shows its right answer all the same (`key`);
    # an attempt still in progress (read by its teacher) keeps its keys back, as the quiz does.
    done = attempt.is_submitted
    show = result_rows.chosen_show(request.GET.get("show"))
    glance = result_rows.result_rows(questions, answers, submitted=done, show=show)
    for row in glance.shown:
        if row.answer is None and done:
            row.key = answer_key(row.question)
    questions_context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "glance": glance,
        "viewing": viewing,
        # Graded questions no longer shown (deleted or broken since): said, so that the
        # score and the rows below it still add up.
        "not_shown": max(0, (attempt.graded_count or 0) - len(glance.rows)) if done else 0,
    }
    if wants_partial(request) and request.GET.get("show") is not None:
        # the switch, pressed: the questions alone, and a sentence for the status region
        return render(
            request, "quizzes/result.html#questions", {**questions_context, "swapped": True}
        )
    # Per module only when the attempt spans several (the final exam, a mixed quiz).
    several = attempt.is_submitted and len({exam.module_id_of(q) for q in questions}) > 1
    by_module = (
        exam.breakdown(attempt.quiz, questions, answers, attempt.graded_pass_mark)
        if several
        else []
    )
    left = None
    if viewing is None:
        used = attempts.owned_count(  # the attempts _my_attempts lists, counted
            attempt.quiz_id,
            user_id=request.user.pk if request.user.is_authenticated else None,
            learner_key=_learner_key(request),
        )
        left = attempts.attempts_left(attempt.quiz, used)
    next_module = None
    if viewing is None and attempt.passed and attempt.quiz.module_id is not None:
        next_module = reading_order.visible_to(request.user).module_after(attempt.quiz.module_id)
    return render(
        request,
        "quizzes/result.html",
        {
            **questions_context,
            "left": left,
            "can_retry": viewing is None and left != 0,
            "by_module": by_module,
            "next_module": next_module,
            # The learner's own notes only: someone reading it (`viewing`) is told nothing
            # of theirs, and nothing of the learner's beyond the attempt.
            "notes": _notes(request, attempt.quiz, attempt) if viewing is None else [],
        },
    )


# --- the review queue ---------------------------------------------------------------------


def _review_level(value) -> str:
    """The level a learner chose to review (issue 12), or "" for every level."""
    return value if value in Level.values else ""


def _review_module(slug: str):
    """The published modules (for the filter) and the one chosen by `slug` (None: all; an
    unknown slug is reported and ignored). One query."""
    modules = review.modules()
    chosen = next((m for m in modules if m.slug == slug), None) if slug else None
    return modules, chosen, bool(slug) and chosen is None


def _review_url(module, level: str = "") -> str:
    """The review page with the learner's filters (module and level) kept."""
    url = reverse("quizzes:review")
    query = {"module": module.slug} if module is not None else {}
    if level:
        query["level"] = level
    return f"{url}?{urlencode(query)}" if query else url


def _review_context(
    request,
    *,
    card=None,
    form=None,
    result=None,
    response=None,
    module_slug: str = "",
    level: str = "",
) -> dict:
    """A review session offers what is due *now* (in the chosen module, or all) and ends when
    nothing is; a card answered right in its learning steps comes back "later today", not in
    this session. With `level`, only questions of that level are offered (the counts say how
    many of all are due). A sitting is bounded: after `review.session_size()` answers it asks
    whether to keep going."""
    now = timezone.now()
    modules, module, unknown = _review_module(module_slug)
    module_id = module.pk if module is not None else None
    standing = review.queue(user=request.user, now=now, module_id=module_id)
    due_now = standing.now_count
    if not due_now and result is None:
        review.session_restart(request.session)  # nothing left: the next sitting starts afresh
    full = review.session_full(request.session)
    # The cards ready now, read only to count them for a level or to pick the next one (an
    # answer's page shows the card answered): SQL compiled once (review.ready_cards).
    pick = card is None and result is None and standing.now_count and not full
    filters = {"user": request.user, "now": now, "module_id": module_id, "level": level}
    level_due = review.ready_count(**filters) if level and standing.now_count else None
    if pick:
        card = next((c for c in review.ready_cards(**filters) if c.question.is_usable()), None)
        if card is None and not level:
            due_now = 0  # only questions being repaired are due: nothing to offer now
    status = ""
    if card is not None and form is None and result is None:
        kept = review.draft_fields(card)
        if kept is not None:  # typed or chosen here before, not checked: filled in again
            data = _kept_data({"data": kept})
            shown = data.getlist("shown")[:50] or review.presentation_order(card.question)
            form = AnswerForm(card.question, shown, data, checked=False)
            status = DRAFT_BACK
        else:
            form = AnswerForm(card.question, review.presentation_order(card.question))
    return {
        "status": status,
        "card": card,
        "question": card.question if card else None,
        "form": form,
        "result": result,
        "response": response,
        "due_count": due_now,
        "ready_count": due_now,
        "later_today": standing.later_today,
        "next_due": standing.next_due,
        # Asked only when nothing is due today, the one case whose words depend on it.
        "never_reviewed": not due_now
        and standing.next_due is None
        and not review.has_cards(request.user),
        "next_ready_at": review.ready_at(standing.next_due, now),
        "card_due_today": bool(card and review.back_today(card.due, now)),
        # When the answered card is back, as the counts above say it (rounded up to its
        # minute): "Next review: 12:02" for a card due at 12:02:40 was not due at 12:02.
        "card_ready_at": review.ready_at(card.due, now) if card is not None else None,
        "level": level,
        "level_due": level_due,
        "levels": Level.choices,
        "modules": modules,
        "module": module,
        "unknown_module": module_slug if unknown else "",
        "review_url": _review_url(module, level),
        "every_module_url": _review_url(None, level),
        "session_answered": review.session_answered(request.session),
        "session_size": review.session_size(),
        "session_full": full,
        "answer_owner": review.answer_owner_mark(request.user.pk),
    }


@require_safe
@never_cache  # progress changes it in place: Back must not show a kept copy
@login_required
@vary_on_headers("HX-Request")
def review_queue(request: HttpRequest) -> HttpResponse:
    template = "quizzes/review.html#review" if wants_partial(request) else "quizzes/review.html"
    context = _review_context(
        request,
        module_slug=request.GET.get("module", "")[:100],
        level=_review_level(request.GET.get("level")),
    )
    return render(request, template, context)


@require_POST
@login_required
def review_more(request: HttpRequest) -> HttpResponse:
    """ "Keep going": a new sitting of `review.session_size()` questions, same filters."""
    review.session_restart(request.session)
    _, module, _ = _review_module(request.POST.get("module", "")[:100])
    return redirect(_review_url(module, _review_level(request.POST.get("level"))))


PENDING_REVIEW = "quizzes_pending_review"
DRAFT_KEPT = "Answer kept, not checked yet."
DRAFT_BACK = "Your answer from before is filled in again; it is not checked yet."
ANSWERED_SINCE = "That question was checked since, in another tab or window."


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache  # as the queue: a learner's own answer
@vary_on_headers("HX-Request")
def review_answer(request: HtmxHttpRequest, question_pk: int) -> HttpResponse:
    """POST: check an answer to a review question. GET (its address, as signing in again
    returns there): that question, if it is still offered, with the answer the ended session
    kept filled in again; else the queue, saying why."""
    if not request.user.is_authenticated:
        return _review_sign_in_again(request, question_pk)
    if request.method != "POST":
        return _review_card(request, question_pk)
    return _review_answer_counted(request, question_pk)


@rate_limited("answer", _too_many_reviews)
def _review_answer_counted(request: HttpRequest, question_pk: int) -> HttpResponse:
    return _review_answer(request, question_pk)


def _review_sign_in_again(request: HtmxHttpRequest, question_pk: int) -> HttpResponse:
    """Not signed in (the session ended while the question was open): an answer being sent is
    kept in this browser's session, and signing in again comes back to the question (a GET of
    its address), where it is filled in again; as the quiz page does (`_sign_in_again`)."""
    back = reverse("quizzes:review-answer", args=[question_pk])
    if request.method == "POST":
        request.session[PENDING_REVIEW] = {
            "question": question_pk,
            "owner": review.answer_owner(request.POST.get("owner")),
            "data": _kept_answer(request),
        }
        if request.POST.get("action") == "autosave":  # the learner is typing: stay on the page
            sign_in = reverse("login") + "?" + urlencode({"next": back})
            return render(request, "quizzes/review.html#session_ended", {"sign_in": sign_in})
        messages.warning(
            request,
            "Your session ended, so your answer was not checked yet. Sign in again to go back "
            "to the question: your answer will be filled in again.",
        )
    else:
        back = request.get_full_path()
    sign_in = reverse("login") + "?" + urlencode({"next": back})
    if request.htmx:
        return HttpResponseClientRedirect(sign_in)
    return redirect(sign_in)


def _review_card(request: HtmxHttpRequest, question_pk: int) -> HttpResponse:
    """A review question at its own address: drawn as the queue would draw it, with the answer
    kept when the session ended filled in again (not checked: it was never judged). One no
    longer offered (answered since, not due, being repaired) sends the learner to the queue
    with why, so a GET never meets the 405 a POST-only address gave after signing in."""
    pending = request.session.pop(PENDING_REVIEW, None)
    # Kept for this question by this learner's page (not another's, on a shared browser).
    ours = isinstance(pending, dict) and pending.get("owner") == request.user.pk
    if not ours or pending.get("question") != question_pk:
        pending = None
    data = _kept_data(pending) if pending else QueryDict()
    module_slug = (request.GET.get("module") or data.get("module") or "")[:100]
    level = _review_level(request.GET.get("level") or data.get("level"))
    card, why = review.card_offered(user=request.user, question_id=question_pk, now=timezone.now())
    if card is None:
        if pending:
            why += " The answer you had sent was not checked."
        messages.info(request, why)
        _, module, _ = _review_module(module_slug)
        url = _review_url(module, level)
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    form, status = None, ""
    if pending:
        shown = data.getlist("shown")[:50] or review.presentation_order(card.question)
        form = AnswerForm(card.question, shown, data, checked=False)
        status = "Your answer from before is filled in again; it is not checked yet."
    context = _review_context(request, card=card, form=form, module_slug=module_slug, level=level)
    template = "quizzes/review.html#review" if wants_partial(request) else "quizzes/review.html"
    return render(request, template, {**context, "status": status or context["status"]})


def _review_not_offered(request: HttpRequest, question_pk: int, now) -> HttpResponse:
    """An answer to a question the queue no longer offers (archived or being repaired since its
    page was drawn, not the learner's): the queue, saying why and that nothing was checked. It
    was the site's 404 page, "The address may be mistyped"."""
    _, why = review.card_offered(user=request.user, question_id=question_pk, now=now)
    messages.info(request, f"{why} The answer you sent was not checked.")
    _, module, _ = _review_module(request.POST.get("module", "")[:100])
    url = _review_url(module, _review_level(request.POST.get("level")))
    return HttpResponseClientRedirect(url) if wants_partial(request) else redirect(url)


def _review_autosave(
    request: HttpRequest, question_pk: int, card: ReviewCard | None, now
) -> HttpResponse:
    """An answer being typed or chosen on the review page, kept on the learner's card until
    they check it (`review.draft_keep`): a reload, or coming back later, fills it in again
    (`_review_context`). Nothing is checked or counted. Its reply is the status line's words;
    valid as it stands, the messages an earlier check drew beside the controls are taken off
    (static/js/quiz-answer.js, `answer-valid`), as on the quiz page. A question the queue no
    longer offers (answered in another tab since, archived, being repaired) keeps nothing, and
    the status line says why, the page left as it is."""
    if card is None or card.due > now or not card.question.is_usable():
        _, why = review.card_offered(user=request.user, question_id=question_pk, now=now)
        status = f"{why or 'That question is not offered now.'} What you type here is not kept."
        return render(request, "quizzes/review.html#autosave", {"status": status})
    fields = _kept_answer(request)
    if not review.draft_keep(user=request.user, card=card, fields=fields):
        status = f"{ANSWERED_SINCE} What you type here is not kept."
        return render(request, "quizzes/review.html#autosave", {"status": status})
    response = render(request, "quizzes/review.html#autosave", {"status": DRAFT_KEPT})
    shown = request.POST.getlist("shown")[:50] or review.presentation_order(card.question)
    if AnswerForm(card.question, shown, request.POST).is_valid():
        return trigger_client_event(response, "answer-valid")
    return response


def _review_answer(request: HttpRequest, question_pk: int, refused: str = "") -> HttpResponse:
    """`review_answer`; with `refused` (over the rate limit, with htmx), the question drawn
    again with the answer as sent, neither judged nor counted, and why."""
    now = timezone.now()
    # Whenever it is due: answered in another tab since this form was drawn, a right answer put
    # it days out, and this one is checked but not counted (below).
    card = review.answered_card(user=request.user, question_id=question_pk)
    if request.POST.get("action") == "autosave":
        return _review_autosave(request, question_pk, card, now)
    if card is None or not card.question.is_usable():
        return _review_not_offered(request, question_pk, now)
    question = card.question
    # The order the learner was shown (sent back with the form), so a correction keeps it.
    shown = request.POST.getlist("shown")[:50] or review.presentation_order(question)
    form = AnswerForm(question, shown, request.POST, checked=not refused)  # refused: never valid
    template = "quizzes/review.html#review" if wants_partial(request) else "quizzes/review.html"
    module_slug = request.POST.get("module", "")[:100]
    level = _review_level(request.POST.get("level"))
    if not form.is_valid():
        if not refused:  # kept as sent, as an autosave keeps it (the only keeping without JS)
            fields = _kept_answer(request)
            review.draft_keep(user=request.user, card=card, fields=fields)
        context = _review_context(
            request, card=card, form=form, module_slug=module_slug, level=level
        )
        return render(request, template, {**context, "refused": refused})
    response = form.response()
    result = grade(question, response)
    # Answered since this form was drawn (in another tab, or sent again): checked, not counted.
    # A second right answer a moment later would have pushed the card days out with no gap
    # recalled across, and counted twice in the sitting.
    counted = card.due <= now
    answered = card
    if counted:
        card = review.card_record(
            user=request.user, question=question, correct=result.correct, now=now, card=card
        )
        review.session_count_answer(request.session)
    # Checked: nothing is left to fill in again. After the record, so an autosave from another
    # tab that read the card before it keeps nothing after this (`review.draft_keep`).
    review.draft_drop(answered)
    context = _review_context(
        request, card=card, result=result, response=response, module_slug=module_slug, level=level
    )
    return render(request, template, {**context, "not_counted": not counted})
