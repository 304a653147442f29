"""Security events into django-auditlog's log, beside its record of content changes.

One table (auditlog's LogEntry) holds everything an admin reviews: content changes and role
changes come from auditlog's model registrations (see `register_audited_models`), sign-ins,
sign-in failures, refused two-factor codes and reset recovery codes are written here;
authenticators added or removed come from the Authenticator registration.

A failed sign-in with a name that is no account's keeps no trace of what was typed: it may be
a password typed into the wrong box, someone else's e-mail address, or the name of an account
made later (whose owner's export and closing would then miss it). It says "no such account"
with a keyed digest of the name instead (`sign_in_name_digest`), so one name guessed again and
again still shows, while whoever reads the database cannot read the name or try a list of names
against it without the site's secret key.
"""

from __future__ import annotations

from typing import Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth import models as auth_models
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from lessons.rendered import SCENARIO
from quizzes.rendered import QUESTION
from srm_trainer.accounts.backends import account_signing_in_as
from srm_trainer.clientip import client_ip

# The user's fields whose changes are logged (the roles and the name); `update_last_login`
# relies on last_login not being one of them.
USER_FIELDS = ["username", "is_staff", "is_superuser", "is_active"]

SIGNED_IN = "signed in"
SIGN_IN_FAILED = "sign-in failed"
MFA_CODE_REFUSED = "two-factor code refused"
MFA_RESET = "authenticator reset"
NO_SUCH_ACCOUNT = "no such account"
# The digest's key: the site's SECRET_KEY, salted for this use alone. The same salt is in the
# migration that replaced the names kept before (0003_forget_unknown_sign_in_names).
NAME_DIGEST_SALT = "srm_trainer.accounts.audit.sign_in_name"

# Content that learners see; learner records (progress, attempts, answers, review cards) are not.
CONTENT_MODELS: dict[str, dict[str, dict[str, Any]]] = {
    "lessons": {
        "Module": {},
        "Lesson": {},
        "Layer": {},
        "Service": {},
        "Responsibility": {},
        # Its stored rendering follows its situation and explanation (lessons/rendered.py).
        "Scenario": {"m2m_fields": {"lessons"}, "exclude_fields": list(SCENARIO.stored_fields)},
        "ArtifactSection": {},
        "ComplianceProgram": {},
    },
    # A question's stored rendering follows its prompt and explanation (quizzes/rendered.py):
    # logged, each edit would log its text twice over, once as HTML.
    "quizzes": {
        "Question": {"exclude_fields": list(QUESTION.stored_fields)},
        "Quiz": {},
        "QuizQuestion": {},
    },
}

# Cohorts, as an admin traces who ran a class: made, renamed, archived or restored, its code
# changed, deleted, its owner or co-instructors changed (a hand-over included), its work
# assigned, edited, closed, reopened or taken away. Its join code itself is not kept (only
# when it changed): the log is no place to read a way into a class. Memberships and
# extensions are learner records, like attempts, and not registered; a learner's leaving or
# removal is written as an event instead (`record_event`, cohorts/departures.py).
COHORT_MODELS: dict[str, dict[str, dict[str, Any]]] = {
    "cohorts": {
        "Cohort": {
            "include_fields": ["name", "owner", "archived_at", "code_rotated_at"],
            "m2m_fields": {"co_instructors"},
        },
        "Assignment": {
            "include_fields": ["cohort", "quiz", "opens_at", "due_at", "closed_at"],
            "m2m_fields": {"lessons"},
        },
    },
}


def register_audited_models() -> None:
    """Role changes (staff, superuser, active, groups), MFA changes (authenticators added or
    removed; never their secrets), content changes and cohort changes."""
    auditlog.register(get_user_model(), include_fields=USER_FIELDS, m2m_fields={"groups"})
    auditlog.register(apps.get_model("mfa", "Authenticator"), include_fields=["type"])
    for app_label, models in [*CONTENT_MODELS.items(), *COHORT_MODELS.items()]:
        for name, options in models.items():
            model = apps.get_model(app_label, name)
            if not auditlog.contains(model):
                auditlog.register(model, **options)


def _user_entry(
    request: HttpRequest | None, *, event: str, extra: dict | None = None, **fields
) -> LogEntry:
    user_agent = request.headers.get("User-Agent", "")[:200] if request is not None else ""
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(get_user_model()),
        action=LogEntry.Action.ACCESS,
        remote_addr=client_ip(request) if request is not None else None,
        additional_data={"event": event, "user_agent": user_agent, **(extra or {})},
        changes_text=event,
        **fields,
    )


def record_sign_in(*, request: HttpRequest | None, user) -> LogEntry:
    return _user_entry(
        request,
        event=SIGNED_IN,
        object_pk=str(user.pk),
        object_id=user.pk,
        object_repr=user.get_username(),
        actor=user,
    )


def sign_in_name_digest(name: str) -> str:
    """A keyed digest of a name typed at sign-in: the same for the same name in any case (sign-in
    ignores case), 16 hex digits. In `manage.py shell`, an admin who wants to know whether a
    given name was tried looks for "no such account (name #<its digest>)" in the log."""
    return salted_hmac(NAME_DIGEST_SALT, name.lower(), algorithm="sha256").hexdigest()[:16]


def unknown_name_repr(digest: str) -> str:
    return f"{NO_SUCH_ACCOUNT} (name #{digest})"


def record_sign_in_failure(*, request: HttpRequest | None, username: str) -> LogEntry:
    """A name that is an account's (found as sign-in finds it) makes an entry about that
    account, under its username: a guess at someone's password, in their export, gone when
    they close the account. Any other name is not kept (see the module's docstring): the
    entry keeps when, from where and which browser, and "no such account" with the name's
    digest."""
    user = account_signing_in_as(username)
    if user is not None:
        return _user_entry(
            request,
            event=SIGN_IN_FAILED,
            object_pk=str(user.pk),
            object_id=user.pk,
            object_repr=user.get_username(),
        )
    digest = sign_in_name_digest(username)
    return _user_entry(
        request,
        event=SIGN_IN_FAILED,
        extra={"name_digest": digest},
        object_pk="",
        object_id=None,
        object_repr=unknown_name_repr(digest),
    )


def record_user_event(
    *, request: HttpRequest | None, user, event: str, changes: dict | None = None
) -> LogEntry:
    """Something that happened to an account, done by the person signed in (if anyone);
    `changes`, {field: [before, after]}, is shown as the admin shows a model's changes."""
    actor = getattr(request, "user", None)
    return _user_entry(
        request,
        event=event,
        changes=changes,
        object_pk=str(user.pk),
        object_id=user.pk,
        object_repr=user.get_username(),
        actor=actor if actor is not None and actor.is_authenticated else None,
    )


def record_event(
    obj, *, event: str, actor=None, changes: dict | None = None, extra: dict | None = None
) -> LogEntry:
    """Something done to `obj` that is no save of one of its audited fields (a learner taken
    out of a cohort), in the same log and form as its changes: `event` names it in the admin's
    list, `changes` (auditlog's form, {field: [before, after]} or an m2m change) shows what.
    `actor`, when None, is whoever is signed in to the request being answered
    (`fill_audit_entry`)."""
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_pk=str(obj.pk),
        object_id=obj.pk,
        object_repr=str(obj),
        action=LogEntry.Action.UPDATE,
        changes=changes,
        changes_text=event,
        additional_data={"event": event, **(extra or {})},
        actor=actor,
    )


def update_last_login(sender, user, **kwargs) -> None:
    """Django's receiver of the same name (it saves `last_login` on every sign-in), with
    django-auditlog left out of that save: it read the user's whole row again to compare the
    fields it logs, none of which a save of `last_login` alone can change (`USER_FIELDS`)."""
    with disable_auditlog():
        auth_models.update_last_login(sender, user, **kwargs)


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    record_sign_in(request=request, user=user)


def on_user_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username") or credentials.get("login") or "")
    record_sign_in_failure(request=request, username=username)


def on_mfa_authentication_failed(sender, request, user, authenticator, **kwargs) -> None:
    record_user_event(request=request, user=user, event=MFA_CODE_REFUSED)


def name_authenticators_owner(sender, instance, log_entry=None, **kwargs) -> None:
    """auditlog's post_log for an authenticator: its entry names whose it was ("TOTP
    Authenticator of ines"). allauth names one by its kind alone, so a reset in the admin was
    logged as the superuser deleting "TOTP Authenticator", nobody's."""
    if log_entry is None:
        return
    owner = (
        get_user_model()
        .objects.filter(pk=instance.user_id)
        .values_list("username", flat=True)
        .first()
    )
    if owner is not None:
        log_entry.object_repr = f"{log_entry.object_repr} of {owner}"
        log_entry.save(update_fields=["object_repr"])


def on_mfa_authenticator_reset(sender, request, user, authenticator, **kwargs) -> None:
    """Regenerated recovery codes change only secret data, which the log never keeps."""
    record_user_event(request=request, user=user, event=f"{MFA_RESET}: {authenticator.type}")
