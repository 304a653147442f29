"""Who may do what under /teach/: one place, so every view asks the same question.

- anonymous visitors are sent to sign in; learners (no role) get 403 on every page;
- instructors see their own quizzes and questions and may change them; content loaded from
  the curriculum files (no owner) is visible to them but read-only; anything another instructor
  owns does not exist for them (404, so its existence is not revealed);
- staff see and change everything, file content included (the loader reports the conflict);
- cohorts show learners by name with their work, so running one (`can_run_classes`,
  `classes_required`) takes the instructor role or an admin's: a content editor, staff for the
  course's content only, writes questions and quizzes here but runs no class.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Generic, TypeVar, cast
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import ForeignKey, Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from lessons.models import Source
from quizzes.models import Question, QuestionQuerySet, Quiz, QuizQuerySet
from srm_trainer.accounts.roles import is_instructor, only_content_editor
from srm_trainer.csrf_failure import page_address
from srm_trainer.gone import Refused
from srm_trainer.htmx import stale_notice, wants_partial
from srm_trainer.prepared import PreparedQuery, concrete_attnames, instance
from srm_trainer.typed_back import typed_back


def can_teach(user) -> bool:
    return user.is_authenticated and (user.is_staff or is_instructor(user))


def can_run_classes(user) -> bool:
    """Cohorts: an instructor, an admin or the superuser; not a content editor alone."""
    return can_teach(user) and (is_instructor(user) or not only_content_editor(user))


def _same_site_path(url: str, request: HttpRequest) -> str:
    """`url`'s path and query when it is a page of this site, else the form's own address."""
    allowed = {request.get_host()}
    if url and url_has_allowed_host_and_scheme(url, allowed, require_https=request.is_secure()):
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


def session_ended(request: HttpRequest) -> HttpResponse:
    """A form sent after the session ended: a redirect to sign in dropped what was typed (a
    question written for twenty minutes), so the page says why nothing was saved and shows the
    typing to copy (`srm_trainer.typed_back`); a live update gets the words in the page's alert
    region. Sign in comes back to the page the form was on."""
    back = _same_site_path(page_address(request) or request.headers.get("Referer", ""), request)
    context = {"sign_in": redirect_to_login(back)["Location"], "live": wants_partial(request)}
    if context["live"]:
        response = render(request, "session_ended.html#notice", context, status=403)
        return stale_notice(response, "#page-alert")
    context["typed"] = typed_back(request)
    return render(request, "session_ended.html", context, status=403)


def teacher_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Sign in first; then only instructors and staff get past (MFA is the middleware's job)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if not request.user.is_authenticated:
            if request.method == "POST":
                return session_ended(request)
            return redirect_to_login(request.get_full_path())
        if not can_teach(request.user):
            raise PermissionDenied("Only instructors can open the teaching pages.")
        return view(request, *args, **kwargs)

    return wrapper


CLASSES_REFUSED = (
    "Cohorts are for instructors and admins. As a content editor, you write the course's "
    "questions and quizzes here, and run no class."
)


def classes_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """`teacher_required`, then only those who may run classes (the cohort pages)."""

    @teacher_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if not can_run_classes(request.user):
            raise Refused(
                CLASSES_REFUSED,
                back_url=reverse("teach:dashboard"),
                back_label="Go to the teaching pages",
            )
        return view(request, *args, **kwargs)

    return wrapper


def visibility(user, via: str = "") -> Q | None:
    """The rule of what `user` may see as a filter, on the quiz or question reached through
    `via` (e.g. "question__" from a table that points at questions); None for staff (all)."""
    if user.is_staff:
        return None
    return Q(**{f"{via}owner": user}) | Q(**{f"{via}source": Source.FILE})


def stand_in(key: int | None, *, staff: bool = False):
    """A user with only a key and a staff flag, which is all the visibility rules read: what a
    read compiled once (`PreparedQuery`) is built for, its key a stand-in."""
    return get_user_model()(pk=key, is_staff=staff)


class ByViewer:
    """A read whose SQL depends on who asks only through a visibility rule: staff see every
    row (no key), anyone else by their key. `build(user)` gets a stand-in user (`stand_in`)
    and returns a `values_list` QuerySet; each of the two shapes is compiled once."""

    def __init__(self, model: type[Model], build: Callable[..., QuerySet]) -> None:
        self._reads = {
            True: PreparedQuery(model, (), lambda: build(stand_in(None, staff=True))),
            False: PreparedQuery(model, ("int",), lambda key: build(stand_in(key))),
        }

    def __getitem__(self, staff: bool) -> PreparedQuery:
        """The read for staff (True, no key) or anyone else (False, their key)."""
        return self._reads[staff]

    def rows(self, user) -> list:
        return self[True].rows() if user.is_staff else self[False].rows(user.pk)


_Rows = TypeVar("_Rows", bound=QuerySet)


def _visible(user, queryset: _Rows) -> _Rows:
    rule = visibility(user)
    return queryset if rule is None else queryset.filter(rule)


def _sees(user, obj: Quiz | Question) -> bool:
    """`_visible`'s rule for one row already read (cheaper than building its filter)."""
    return bool(
        user.is_staff
        or (obj.owner_id is not None and obj.owner_id == user.pk)
        or obj.source == Source.FILE
    )


def may_edit(user, obj: Quiz | Question) -> bool:
    return bool(user.is_staff or (obj.owner_id is not None and obj.owner_id == user.pk))


def quizzes_visible(user) -> QuizQuerySet:
    return _visible(user, Quiz.objects.all())


def questions_visible(user) -> QuestionQuerySet:
    return _visible(user, Question.objects.all())


def key_in(raw: str) -> int | None:
    """The row key a query-string or form value names, or None: only a plain number of ASCII
    digits names one ("²" passes `str.isdigit()` but not `int()`, and `int()` refuses
    thousands of digits: either was a 500)."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


def visible_quiz(user, raw: str) -> Quiz | None:
    """The quiz a query-string value names (`?quiz=`, `?into=`) if `user` may see it, else
    None, as `quizzes_visible(user)` would say; read by its key alone (prepared, as `_fetch`)."""
    pk = key_in(raw)
    quiz = QUIZ_BY_KEY.get(pk) if pk is not None else None
    return quiz if quiz is not None and _sees(user, quiz) else None


Owned = TypeVar("Owned", Quiz, Question)


class _ByKey(Generic[Owned]):
    """A row of `model` by its key with the row its foreign key `related` points at, as
    `select_related(related).get(pk=key)` reads them, its SQL compiled once: building that
    queryset cost ten times running it, on every teaching page that opens a quiz or question.
    The related instance is cached on the row (None when the key is empty), as the ORM does."""

    def __init__(self, model: type[Owned], related: str) -> None:
        self.model: type[Owned] = model
        self.field = cast(ForeignKey, model._meta.get_field(related))
        self.related_model = cast(type[Model], self.field.related_model)
        self.split = len(concrete_attnames(model))
        their_pk = self.related_model._meta.pk.attname
        self.their_key_at = concrete_attnames(self.related_model).index(their_pk)
        lookups = [
            *concrete_attnames(model),
            *(f"{related}__{name}" for name in concrete_attnames(self.related_model)),
        ]
        self.query = PreparedQuery(
            model, ("int",), lambda key: model._default_manager.filter(pk=key).values_list(*lookups)
        )

    def get(self, key: int) -> Owned | None:
        rows = self.query.rows(key)
        if not rows:
            return None
        obj = instance(self.model, rows[0][: self.split])
        theirs = rows[0][self.split :]
        related = (
            None if theirs[self.their_key_at] is None else instance(self.related_model, theirs)
        )
        self.field.set_cached_value(obj, related)
        return obj


QUIZ_BY_KEY = _ByKey(Quiz, "module")
QUESTION_BY_KEY = _ByKey(Question, "scenario")


def _fetch(request: HttpRequest, rows: _ByKey[Owned], pk: int, edit: bool) -> Owned:
    # Read by primary key, then the same rule as `_visible` in Python: an invisible row is a
    # 404 exactly as if the filter had hidden it, without building the OR filter each request.
    obj = rows.get(pk) if key_in(str(pk)) is not None else None
    if obj is None or not _sees(request.user, obj):
        raise Http404(f"No {rows.model._meta.object_name} matches the given query.")
    if edit and not may_edit(request.user, obj):
        raise PermissionDenied("This comes from the curriculum files and is read-only here.")
    return obj


def _quiz_for_instructor(request: HttpRequest, pk: int, *, edit: bool = False) -> Quiz:
    """The quiz `pk` if this teacher may see it (404 otherwise); with `edit`, 403 unless they
    may also change it (file content for an instructor)."""
    # The module is read with it (editors and pages show it); the owner is never shown for one
    # quiz (only its id is compared), so it is not joined.
    return _fetch(request, QUIZ_BY_KEY, pk, edit)


def _question_for_instructor(request: HttpRequest, pk: int, *, edit: bool = False) -> Question:
    """As `_quiz_for_instructor`, for a question."""
    return _fetch(request, QUESTION_BY_KEY, pk, edit)
