"""Delete my account: who may close their own account, and closing it.

Closing deletes the account and, through the foreign keys' CASCADE, everything kept about the
learner (progress, knowledge checks, attempts and answers, review cards, cohort memberships and
extensions, certificates, e-mail addresses, authenticators). What the security log
(django-auditlog) kept about the account goes too: its sign-ins, refused codes, role changes and
authenticators, and its name in the cohorts' record of who left (`cohorts.departures`). One
line stays, naming no one: account number N was closed by its owner, at this time. Entries the account made about course content (a former instructor's edits) stay in
the content's history with no actor, address or e-mail. Failed sign-ins with a name that was no
account's when typed stay too: they were never the account's, and they keep no name, only a
keyed digest of it (accounts/audit.py), as the export leaves them out.

What grows with a learner's history (answers, attempts, lesson progress) is deleted first, a
DELETE each, so closing costs the same few dozen queries however long the history
(`_delete_history`; docs/accounts.md has the figures).

Every session of the account ends in the same transaction, on every device: signed in, or half
way through signing in (the password given, the second factor not yet). Otherwise another
browser's session would stay in the table, naming the account, until it expired.

Staff, instructors and owners of cohorts are refused (`refusal`): their work belongs to the
course and to other people's classes, and an administrator decides what becomes of it.
"""

from __future__ import annotations

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils import timezone

from cohorts import departures
from cohorts.models import Cohort
from lessons.models import LessonProgress, ModuleCompletions
from quizzes.models import Answer, Attempt
from quizzes.results_version import results_changed
from srm_trainer import sessions
from srm_trainer.accounts.roles import is_instructor

ACCOUNT_CLOSED = "account closed by its owner"
# Fields that point at an account and stop a plain delete (PROTECT): `refusal` covers each.
REFUSED_WHILE = {"cohorts.Cohort.owner": "owns a cohort"}

ASK_AN_ADMINISTRATOR = "Ask one of the site's administrators"


class Refused(Exception):
    """The account cannot be closed here; the message says why and who can help."""


def refusal(user) -> str | None:
    """Why `user` cannot close their own account here, or None when they can."""
    if user.is_staff or user.is_superuser:
        return (
            "Staff accounts are not closed from this page: what you did in the admin is part "
            "of the site's record. " + ASK_AN_ADMINISTRATOR + " to close it for you "
            "(a superuser, for an administrator's account)."
        )
    if is_instructor(user):
        return (
            "Instructor accounts are not closed from this page: your questions, quizzes and "
            "cohorts are part of the course. " + ASK_AN_ADMINISTRATOR + " to hand your work "
            "over and remove your instructor role; then you can close the account here."
        )
    owned = list(Cohort.objects.filter(owner=user).order_by("name").values_list("name", flat=True))
    if owned:
        names = ", ".join(f"“{name}”" for name in owned[:5]) + (" and more" if owned[5:] else "")
        return (
            f"You still own {len(owned)} cohort{'s' if len(owned) != 1 else ''} ({names}), "
            "and the gradebooks of their learners would go with your account. Delete each cohort "
            "first, or " + ASK_AN_ADMINISTRATOR[0].lower() + ASK_AN_ADMINISTRATOR[1:] + " for help."
        )
    return None


def close_account(user) -> None:
    """Delete `user` and what is kept about them, in one transaction; raises Refused (and
    changes nothing) when `refusal` says no or something still holds on to the account."""
    user_model = get_user_model()
    pk = user.pk
    try:
        with transaction.atomic():
            locked = user_model.objects.select_for_update().get(pk=pk)
            reason = refusal(locked)
            if reason:
                raise Refused(reason)
            _forget_in_audit_log(locked)
            _end_sessions(locked)
            _delete_history(locked)
            # The deletes are not audited one by one: each entry would name the account (and
            # its actor, the account being deleted, would break the transaction at commit).
            with disable_auditlog():
                locked.delete()
            _record_closure(pk)
    except (ProtectedError, RestrictedError) as error:
        raise Refused(
            "Something on the site still depends on this account, so it was not closed. "
            + ASK_AN_ADMINISTRATOR
            + " for help."
        ) from error


def _delete_history(user) -> None:
    """The lists that grow with a learner's history go first, each in one DELETE however long:
    the account's cascade read every attempt's id to delete their answers 500 attempts at a
    time and the attempts 100 at a time, and deleted lesson-progress rows one by one to count
    each off its module (an UPDATE a lesson read). Nothing else points at an attempt or a
    progress row, and their module counts go with them."""
    attempts = Attempt.objects.filter(user=user)
    # No signals either: the quizzes' kept statistics are told (at the commit).
    results_changed(*attempts.order_by().values_list("quiz_id", flat=True).distinct())
    # No signals: one DELETE ... WHERE attempt_id IN (SELECT id ... WHERE user_id = ...), found
    # by the attempt index (`attempt__user=` joined every answer on the site to the attempts).
    Answer.objects.filter(attempt_id__in=attempts.values("pk")).delete()
    attempts._raw_delete(attempts.db)  # their answers are gone: no cascade left to run
    ModuleCompletions.objects.filter(user=user).delete()
    progress = LessonProgress.objects.filter(user=user)
    progress._raw_delete(progress.db)  # without the per-row signal that keeps the counts


def _end_sessions(user) -> None:
    """Every session signed in as `user`, or half way through signing in as them (allauth's
    pending sign-in, waiting for the second factor), is deleted, expired ones too: each row
    says whose it is (`account_id`, settings.SESSION_ENGINE: srm_trainer/sessions.py), so this
    is one DELETE, whatever the number of other sessions."""
    sessions.end_sessions_of(user.pk)


def end_sessions_when_turned_off(
    sender, instance, created=False, update_fields=None, **kwargs
) -> None:
    """post_save of the user: an account saved turned off (the admin's Active unticked) has
    its sessions ended, on every device. Django only stops loading an inactive account's
    user, so its sessions were kept and came back when it was turned on again, a stolen
    cookie the admin had meant to stop included. One DELETE by `account_id`; a save that
    leaves `is_active` out (`last_login` at sign-in) is not one."""
    if created or instance.is_active:
        return  # a new account has no session yet
    if update_fields is not None and "is_active" not in update_fields:
        return
    sessions.end_sessions_of(instance.pk)


def end_other_sessions_on_new_factor(sender, request, user, authenticator, **kwargs) -> None:
    """allauth's `authenticator_added`: a second factor just set up (an authenticator app, a
    security key, recovery codes) signs the account out on every other device. A browser
    signed in with the password alone, a thief's with it, stayed signed in after the owner
    turned two-factor on to shut them out; this one, which set it up, stays."""
    session = getattr(request, "session", None)
    sessions.end_sessions_of(user.pk, keep=getattr(session, "session_key", None))


def _forget_in_audit_log(user) -> None:
    from allauth.mfa.models import Authenticator

    user_type = ContentType.objects.get_for_model(type(user))
    key_type = ContentType.objects.get_for_model(Authenticator)
    keys = [str(pk) for pk in Authenticator.objects.filter(user=user).values_list("pk", flat=True)]
    about_them = Q(content_type=user_type, object_pk=str(user.pk)) | Q(
        content_type=key_type, actor=user
    )
    if keys:
        about_them |= Q(content_type=key_type, object_pk__in=keys)
    LogEntry.objects.filter(about_them).delete()
    # A cohort's record that they left or were taken out stays, without their name.
    departures.forget(user)
    # Whatever else they did (a former instructor's content edits) stays, without them; the
    # foreign key would clear `actor` but not the e-mail and address kept beside it.
    LogEntry.objects.filter(actor=user).update(
        actor=None, actor_email=None, remote_addr=None, remote_port=None
    )


def _record_closure(pk: int) -> None:
    """One line in the security log with the account's number and nothing else. Written with
    bulk_create so that no signal fills in the request's actor (the account just deleted) or
    address."""
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=ContentType.objects.get_for_model(get_user_model()),
                object_pk=str(pk),
                object_id=pk,
                object_repr=f"closed account #{pk}",
                action=LogEntry.Action.DELETE,
                changes_text=ACCOUNT_CLOSED,
                additional_data={"event": ACCOUNT_CLOSED},
                timestamp=timezone.now(),
            )
        ]
    )
