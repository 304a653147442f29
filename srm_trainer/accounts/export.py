"""Download my data: everything the site keeps about one account, as one JSON document.

What goes in is decided field by field: `EXPORTED` names every field of every model that points
at an account and the part of the document that holds its rows; `NOT_EXPORTED` names the
few that are left out, and why. `tests/accounts/test_export.py` compares both with the models
Django actually has, so a new model that points at an account cannot be added without saying
where its rows go (or why they are not the account holder's data).

Never in the document: the password's hash, an authenticator's secret (the TOTP seed, a
security key's credential), recovery codes, session keys. Authenticators are listed by type
and dates only (and a security key's own name, which its owner typed).

Cost. The document is streamed (`export_chunks`): each list is read from the database in
chunks (`iterator`), encoded and sent one row at a time, so the server holds one chunk of
rows at a time, however long a learner's history. The longest lists (attempts, answers, review
cards) are read past Django's converters (`_plain_rows`). The number of queries is fixed per
section (plus one per chunk of attempts). The one list that other people can make long is the
security log (anyone may type a username and fail to sign in as it), so it holds the newest
`SECURITY_EVENTS_CAP` entries and says how many older ones it left out. The view that serves
it is rate-limited (`export` in settings.RATE_LIMITS).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from certificates.models import Certificate
from cohorts import departures
from cohorts.models import Assignment, Cohort, Extension, Membership
from lessons.models import KnowledgeCheck, LessonProgress, Profile, Scenario
from quizzes.models import Answer, Attempt, Question, Quiz, ReviewCard

FORMAT = "srm-trainer-export/1"
SECURITY_EVENTS_CAP = 1000
CHUNK = 200

# "<app label>.<model>.<field>" of every field that points at an account -> the key of the
# document that holds its rows ("security.events": the "events" list inside "security").
EXPORTED = {
    "account.EmailAddress.user": "email_addresses",
    "auth.User_groups.user": "account",  # as "roles"
    "auth.User_user_permissions.user": "account",  # as "permissions"
    "lessons.Profile.user": "profile",
    "lessons.LessonProgress.user": "lesson_progress",
    "lessons.KnowledgeCheck.user": "knowledge_checks",
    "quizzes.Attempt.user": "quiz_attempts",
    "quizzes.ReviewCard.user": "review_cards",
    "cohorts.Membership.user": "cohort_memberships",
    "cohorts.Extension.user": "cohort_extensions",
    "certificates.Certificate.user": "certificates",
    "cohorts.Cohort.owner": "teaching.cohorts_owned",
    "cohorts.Cohort_co_instructors.user": "teaching.cohorts_co_taught",
    "cohorts.Assignment.created_by": "teaching.assignments_created",
    "quizzes.Question.owner": "teaching.questions",
    "quizzes.Quiz.owner": "teaching.quizzes",
    "lessons.Scenario.owner": "teaching.scenarios",
    "mfa.Authenticator.user": "security.authenticators",
    "auditlog.LogEntry.actor": "security.events",
    "admin.LogEntry.user": "security.admin_actions",
}
# The same kind of key -> why its rows are not in the document.
NOT_EXPORTED = {
    "lessons.ModuleCompletions.user": (
        "a count of completed lessons per module, worked out from lesson_progress (exported)"
    ),
}


def user_fields() -> set[str]:
    """Every concrete field of every installed model (through tables too) that points at the
    user model, as "<app label>.<model>.<field>"."""
    from django.apps import apps

    user_model = get_user_model()
    found = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                found.add(f"{model._meta.label}.{field.name}")
    return found


def filename(user, now=None) -> str:
    """srm-trainer-<username>-<date>.json: usernames hold only a-z, digits and @.+-_, which a
    file name takes as they are."""
    day = timezone.localdate(now or timezone.now())
    return f"srm-trainer-{user.get_username()}-{day.isoformat()}.json"


def export_data(user, *, absolute_url: Callable[[str], str] = str) -> dict[str, Any]:
    """The whole document as one object (for tests and small callers; the view streams)."""
    return json.loads("".join(export_chunks(user, absolute_url=absolute_url)))


def export_chunks(user, *, absolute_url: Callable[[str], str] = str) -> Iterator[str]:
    """The document as pieces of JSON text, one row at a time. `absolute_url` turns a path
    into the address people outside the site use (the certificate's verification link)."""
    return _encode(_document(user, absolute_url))


class _Rows:
    """A list in the document that is encoded row by row as it is read."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self.rows = rows


_ENCODER = DjangoJSONEncoder(ensure_ascii=False)


def _dumps(value: Any) -> str:
    """As json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False), one encoder for all."""
    return _ENCODER.encode(value)


def _encode(value: Any, indent: str = "") -> Iterator[str]:
    inner = indent + "  "
    if isinstance(value, dict):
        yield "{"
        for index, (key, item) in enumerate(value.items()):
            yield ("," if index else "") + f"\n{inner}{_dumps(key)}: "
            yield from _encode(item, inner)
        yield f"\n{indent}}}" if value else "}"
    elif isinstance(value, _Rows):
        yield "["
        empty = True
        for index, row in enumerate(value.rows):
            empty = False
            yield ("," if index else "") + f"\n{inner}{_dumps(row)}"
        yield "]" if empty else f"\n{indent}]"
    else:
        yield _dumps(value)


def _document(user, absolute_url: Callable[[str], str]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "exported_at": timezone.now(),
        "account": _account(user),
        "email_addresses": _Rows(_email_addresses(user)),
        "profile": _profile(user),
        "lesson_progress": _Rows(_lesson_progress(user)),
        "knowledge_checks": _Rows(_knowledge_checks(user)),
        "quiz_attempts": _Rows(_attempts(user)),
        "review_cards": _Rows(_review_cards(user)),
        "cohort_memberships": _Rows(_memberships(user)),
        "cohort_extensions": _Rows(_extensions(user)),
        "certificates": _Rows(_certificates(user, absolute_url)),
        "teaching": {
            "cohorts_owned": _Rows(_cohorts(Cohort.objects.filter(owner=user))),
            "cohorts_co_taught": _Rows(_cohorts(Cohort.objects.filter(co_instructors=user))),
            "assignments_created": _Rows(_assignments(user)),
            "questions": _Rows(_owned(Question.objects.filter(owner=user), "slug")),
            "quizzes": _Rows(_owned(Quiz.objects.filter(owner=user), "slug", "title")),
            "scenarios": _Rows(_owned(Scenario.objects.filter(owner=user), "slug", "title")),
        },
        "security": {
            "authenticators": _Rows(_authenticators(user)),
            "events": _Rows(_security_events(user)),
            "events_left_out": _events_left_out(user),
            "admin_actions": _Rows(_admin_actions(user)),
        },
    }


def _account(user) -> dict[str, Any]:
    return {
        "username": user.get_username(),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "roles": list(user.groups.order_by("name").values_list("name", flat=True)),
        "permissions": [
            f"{app}.{codename}"
            for app, codename in user.user_permissions.order_by(
                "content_type__app_label", "codename"
            ).values_list("content_type__app_label", "codename")
        ],
    }


def _email_addresses(user) -> Iterator[dict]:
    rows = EmailAddress.objects.filter(user=user).order_by("email")
    for email, verified, primary in rows.values_list("email", "verified", "primary"):
        yield {"email": email, "verified": verified, "primary": primary}


def _profile(user) -> dict | None:
    """The learner's settings: their time zone and the name they chose to show their
    instructors ("" for none)."""
    row = Profile.objects.filter(user=user).values_list("time_zone", "shown_name").first()
    if row is None:
        return None
    zone, shown = row
    return {"time_zone": zone, "name_shown_to_instructors": shown}


def _lesson_progress(user) -> Iterator[dict]:
    rows = LessonProgress.objects.filter(user=user).order_by("completed_at", "pk")
    for module, lesson, title, at in rows.values_list(
        "lesson__module__slug", "lesson__slug", "lesson__title", "completed_at"
    ).iterator(chunk_size=CHUNK):
        yield {"module": module, "lesson": lesson, "title": title, "completed_at": at}


def _knowledge_checks(user) -> Iterator[dict]:
    rows = KnowledgeCheck.objects.filter(user=user).order_by("answered_at", "pk")
    fields = ("kind", "ref", "response", "score", "correct", "tries", "answered_at")
    for values in rows.values_list("lesson__module__slug", "lesson__slug", *fields).iterator(
        chunk_size=CHUNK
    ):
        module, lesson, *rest = values
        yield {"module": module, "lesson": lesson, **dict(zip(fields, rest, strict=True))}


ATTEMPT_FIELDS = ("started_at", "deadline", "submitted_at", "score", "passed", "pass_mark",
                  "graded_count", "flagged")  # fmt: skip
ANSWER_FIELDS = ("response", "score", "correct", "credit", "tries", "certainty", "feedback",
                 "saved_at", "graded_at")  # fmt: skip


def _attempts(user) -> Iterator[dict]:
    """Read as plain values, CHUNK attempts and then their answers at a time: as model rows with
    their questions (each answer's whole question, its JSON decoded) a 100x learner's 40,000
    answers cost 1.9-2.4 s of CPU and held 120-200 MB at once (then 0.62-0.75 s, ~5 MB). Read
    past Django's converters (`_plain_rows`): ~0.3 s, ~4 MB."""
    rows = _plain_rows(
        Attempt.objects.filter(user=user).order_by("started_at", "pk"),
        ("pk", "quiz__slug", "quiz__title", "quiz__pass_mark", *ATTEMPT_FIELDS),
        times={"started_at", "deadline", "submitted_at"}, documents={"flagged"}, flags={"passed"},
    )  # fmt: skip
    answer_keys = ("question", *ANSWER_FIELDS)
    for chunk in rows:
        answers: dict[int, list[dict]] = {}
        for answer_rows in _plain_rows(
            Answer.objects.filter(attempt_id__in=[row[0] for row in chunk]).order_by("pk"),
            ("question__slug", *ANSWER_FIELDS, "attempt_id"),
            times={"saved_at", "graded_at"}, documents={"response", "feedback"},
            flags={"correct"},
        ):  # fmt: skip
            for row in answer_rows:
                # the attempt's id, last, is not written: zip stops at the keys
                answers.setdefault(row[-1], []).append(dict(zip(answer_keys, row, strict=False)))
        for row in chunk:
            pk, slug, title, quiz_mark, started, deadline, submitted, score, passed = row[:9]
            pass_mark, graded_count, flagged = row[9:]
            yield {
                "quiz": slug,
                "quiz_title": title,
                "started_at": started,
                "deadline": deadline,
                "submitted_at": submitted,
                "score": score,
                "passed": passed,
                # As the result page says them: the mark `passed` was decided against (the
                # quiz's own for an attempt graded before attempts kept it), and how many
                # questions `score` is the mean of (None when graded before that was kept).
                "pass_mark": quiz_mark if pass_mark is None else pass_mark,
                "graded_questions": graded_count,
                "flagged_questions": flagged,
                "answers": answers.get(pk, []),
            }


def _review_cards(user) -> Iterator[dict]:
    # `draft`: an answer typed or chosen on the review page and not checked yet (or None).
    keys = ("question", "due", "reviews", "lapses", "last_reviewed_at", "card", "draft")
    rows = _plain_rows(
        ReviewCard.objects.filter(user=user).order_by("due", "pk"),
        ("question__slug", *keys[1:]), times={"due", "last_reviewed_at"},
        documents={"card", "draft"},
    )  # fmt: skip
    for chunk in rows:
        for row in chunk:
            yield dict(zip(keys, row, strict=True))


def _plain_rows(query, fields, *, times=frozenset(), documents=frozenset(), flags=frozenset()):
    """`query`'s rows as lists of `fields` values, CHUNK rows at a time, read past Django's
    converters: `times` already as the file writes them, `documents` (JSON) decoded a chunk
    in one call, `flags` (booleans, read as text: a number has a converter too) as True,
    False or None. Django's converters (parse each time's text and make it aware, decode each
    JSON value alone, one call a row) and the encoder's call back for each time were two
    thirds of the download's CPU at 40,000 answers. The text is the same as theirs, which
    `tests/accounts/test_export.py` holds byte for byte (on SQLite and PostgreSQL)."""
    connection = connections[query.db]
    # SQLite keeps a time as its naive text in the connection's zone ("2026-03-01
    # 09:00:00.123456", no fraction on the second): UTC unless DATABASES sets a TIME_ZONE.
    text_times = settings.USE_TZ and connection.vendor == "sqlite"
    text_times = text_times and connection.timezone_name == "UTC"
    as_text = set(documents) | set(flags) | (set(times) if text_times else set())
    selected = [Cast(name, TextField()) if name in as_text else name for name in fields]
    source = query.values_list(*selected).iterator(chunk_size=CHUNK)
    time_at = [n for n, name in enumerate(fields) if name in times]
    json_at = [n for n, name in enumerate(fields) if name in documents]
    flag_at = [n for n, name in enumerate(fields) if name in flags]
    when = _text_time if text_times else _encoded_time
    while chunk := [list(row) for row in islice(source, CHUNK)]:
        for row in chunk:
            for n in time_at:
                row[n] = when(row[n])
            for n in flag_at:
                row[n] = _FLAGS[row[n]]
        if json_at:
            decoded = iter(_decode_all([row[n] for row in chunk for n in json_at]))
            for row in chunk:
                for n in json_at:
                    row[n] = next(decoded)
        yield chunk


# A boolean's text: SQLite's, PostgreSQL's (any other is a KeyError, not a wrong answer).
_FLAGS = {None: None, "1": True, "0": False, "true": True, "false": False}


def _text_time(text: str | None) -> str | None:
    """SQLite's naive UTC text of a time, as DjangoJSONEncoder writes the aware time."""
    if text is None:
        return None
    if len(text) == 19:  # on the second
        return f"{text[:10]}T{text[11:]}Z"
    if len(text) == 26:
        return f"{text[:10]}T{text[11:23]}Z"
    moment = parse_datetime(text)  # pragma: no cover - not the text SQLite is given
    return _encoded_time(moment and moment.replace(tzinfo=moment.tzinfo or UTC))


def _encoded_time(value: datetime | None) -> str | None:
    """A time Django's converters read, as the encoder writes it."""
    return None if value is None else _ENCODER.default(value)


def _decode_all(texts: list[str | None]) -> list[Any]:
    """Every JSON text of a chunk in one call, as JSONField reads each (SQL NULL is None; a
    text that is not JSON stays text)."""
    try:
        values = json.loads("[" + ",".join("null" if t is None else t for t in texts) + "]")
    except json.JSONDecodeError:
        values = None
    if isinstance(values, list) and len(values) == len(texts):
        return values
    return [_decode_one(text) for text in texts]  # one is not JSON (or was "1, 2")


def _decode_one(text: str | None) -> Any:
    try:
        return None if text is None else json.loads(text)
    except json.JSONDecodeError:
        return text


def _memberships(user) -> Iterator[dict]:
    """Each cohort joined, and when its instructor archived it (None while it runs): an
    archived cohort's work is over, which a learner reading the file needs to tell."""
    rows = Membership.objects.filter(user=user).order_by("joined_at", "pk")
    for name, joined, archived in rows.values_list(
        "cohort__name", "joined_at", "cohort__archived_at"
    ):
        yield {"cohort": name, "joined_at": joined, "archived_at": archived}


def _extensions(user) -> Iterator[dict]:
    rows = Extension.objects.filter(user=user).order_by("due_at", "pk")
    for cohort, quiz, due in rows.values_list(
        "assignment__cohort__name", "assignment__quiz__slug", "due_at"
    ):
        yield {"cohort": cohort, "quiz": quiz, "due_at": due}


def _certificates(user, absolute_url: Callable[[str], str]) -> Iterator[dict]:
    for certificate in Certificate.objects.filter(user=user).order_by("issued_at", "pk"):
        path = reverse("certificates:verify", args=[certificate.code])
        yield {
            "course": certificate.course,
            "course_title": certificate.course_title,
            "name": certificate.name,
            "issued_at": certificate.issued_at,
            "code": certificate.code,
            "verification_link": absolute_url(path),
        }


def _cohorts(rows) -> Iterator[dict]:
    """A cohort taught: when it was made and when it was archived (None while it runs)."""
    ordered = rows.order_by("created_at", "pk")
    for name, created, archived in ordered.values_list("name", "created_at", "archived_at"):
        yield {"cohort": name, "created_at": created, "archived_at": archived}


def _assignments(user) -> Iterator[dict]:
    rows = Assignment.objects.filter(created_by=user).order_by("created_at", "pk")
    for cohort, quiz, created in rows.values_list("cohort__name", "quiz__slug", "created_at"):
        yield {"cohort": cohort, "quiz": quiz, "created_at": created}


def _owned(rows, *fields: str) -> Iterator[dict]:
    for values in rows.order_by("pk").values_list(*fields).iterator(chunk_size=CHUNK):
        yield dict(zip(fields, values, strict=True))


def _authenticators(user) -> Iterator[dict]:
    """Type and dates; a security key's name, read alone from its data. Nothing else of
    `data`, which holds the secrets."""
    for key in Authenticator.objects.filter(user=user).order_by("created_at", "pk"):
        row = {"type": key.type, "created_at": key.created_at, "last_used_at": key.last_used_at}
        if key.type == Authenticator.Type.WEBAUTHN and isinstance(key.data, dict):
            row["name"] = str(key.data.get("name") or "")
        yield row


def _events_query(user):
    """The security log's entries about this account, or done while signed in as it, and a
    cohort's record of their being taken out of it (`cohorts.departures`). Failed
    sign-ins with a name that was no account's when they were typed are not among them, even
    if the account took that name later: they keep no name, only a digest, and their address
    and browser are whoever typed it, not the account holder (accounts/audit.py)."""
    user_type = ContentType.objects.get_for_model(get_user_model())
    return LogEntry.objects.filter(
        Q(content_type=user_type, object_pk=str(user.pk))
        | Q(actor=user)
        | departures.about_learner(user)
    )


def _security_events(user) -> Iterator[dict]:
    """The newest entries first. What changed is given for changes to the account and its
    authenticators (its roles; an authenticator's type); a change to course content it made
    says only what was changed, not the content. An entry someone else made (an
    administrator's change to the account, an instructor taking it out of a cohort) gives no
    network address or browser: those are that person's."""
    own = {
        ContentType.objects.get_for_model(get_user_model()).pk,
        ContentType.objects.get_for_model(Authenticator).pk,
    }
    rows = (
        _events_query(user)
        .select_related("content_type")
        .order_by("-timestamp", "-pk")[:SECURITY_EVENTS_CAP]
    )
    for entry in rows:
        extra = entry.additional_data if isinstance(entry.additional_data, dict) else {}
        # Where an administrator or an instructor acted from is theirs, not this account's:
        # only its own entries, and sign-ins at it (no actor: whoever typed), say it.
        theirs = entry.actor_id is not None and entry.actor_id != user.pk
        yield {
            "at": entry.timestamp,
            "action": entry.get_action_display(),
            "event": extra.get("event") or entry.changes_text or "",
            "about": f"{entry.content_type.app_label}.{entry.content_type.model}",
            "object": entry.object_repr,
            "changes": entry.changes if entry.content_type_id in own else None,
            "address": None if theirs else entry.remote_addr,
            "browser": "" if theirs else extra.get("user_agent", ""),
        }


def _events_left_out(user) -> int:
    return max(0, _events_query(user).count() - SECURITY_EVENTS_CAP)


def _admin_actions(user) -> Iterator[dict]:
    rows = AdminLogEntry.objects.filter(user=user).order_by("action_time", "pk")
    for at, flag, what, message in rows.values_list(
        "action_time", "action_flag", "object_repr", "change_message"
    ).iterator(chunk_size=CHUNK):
        yield {"at": at, "action": flag, "object": what, "message": message}
