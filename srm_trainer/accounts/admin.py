"""Users with role actions, and the audit log, in the Django admin.

Everyday admins (the `Administrators` group) may edit learners and instructors but never the
fields that grant power (staff, superuser, groups, permissions), nor the account's dates
(joined, last signed in: records of what happened), and never another staff account: otherwise setting a superuser's password would make any admin a superuser. Nor do they
set anyone's password or e-mail address: either would let them sign in as a learner (a reset
link goes to the address) and read the records no role is granted (progress, attempts, "Your
data"), silently. People change their own, the address through allauth's verified pages.
A superuser's change of the address goes through `addresses.set_address`, so allauth's records,
the owner and the audit log follow it; allauth's own "E-mail addresses" page, which edited its
records alone, only shows them, marks them verified and removes second addresses.
"""

from __future__ import annotations

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin as AllauthAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from cohorts.handover import HandOverError, hand_over, owns_teaching, preview, still_owned
from srm_trainer.accounts.adapter import RESERVED_USERNAMES, check_characters
from srm_trainer.accounts.addresses import PrimaryAddress, is_primary, remove_address, set_address
from srm_trainer.accounts.mfa_reset import tell_owners
from srm_trainer.accounts.roles import INSTRUCTORS, only_content_editors, set_instructor
from srm_trainer.admin_dates import SeekingDatesAdmin
from srm_trainer.admin_names import NamedControls, name_controls_of

User = get_user_model()
_POWER_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
# What signs someone in: the password has its own page (refused below); the address gets reset links.
_ACCESS_FIELDS = ("email",)
# What happened to the account, which no one rewrites: an everyday admin could set when a
# learner joined or last signed in (the "Your data" export and the audit trail read them).
_RECORD_FIELDS = ("last_login", "date_joined")
# A role action's note of the staff accounts it left alone names this many, then counts the rest.
NAMED_AT_MOST = 20
ADDRESS_HELP = (
    "A new address becomes the account's primary one, unverified: a link to verify it is sent"
    " there, and the owner is told at the old one, which stays on the account. Left empty,"
    " every address of the account is removed."
)

admin.site.unregister(User)


class AuthenticatorAdmin(AllauthAuthenticatorAdmin):
    """allauth's, with nothing to type: an authenticator is looked at and deleted (a reset), never
    edited. Its `data` is the secret in the shape allauth reads (an authenticator app's key, a
    security key's public key, the recovery codes' seed): allauth's page showed and took it as
    JSON, so staff could read a learner's second factor, and a value of another shape (a
    number) saved there broke that person's sign-in and the page itself (a 500 drawing its
    title, `'int' object is not subscriptable`)."""

    exclude = ("data",)
    readonly_fields = ("user", "type", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Authenticator) -> None:
        """A reset: its owner is told (`mfa_reset`), as allauth tells them of their own."""
        super().delete_model(request, obj)
        tell_owners(request, [obj])

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        deleted = list(queryset.select_related("user"))
        super().delete_queryset(request, queryset)
        tell_owners(request, deleted)


admin.site.unregister(Authenticator)
admin.site.register(Authenticator, AuthenticatorAdmin)
# Django's and allauth's own admins, their controls named as ours are (srm_trainer/admin_names.py).
name_controls_of(Group, Authenticator)


def _instructors(count: int, *, now: bool) -> str:
    """What a role action did, in words: "1 user is now an instructor.", "3 users are no
    longer instructors."."""
    change = "now" if now else "no longer"
    if count == 1:
        return f"1 user is {change} an instructor."
    return f"{count} users are {change} instructors."


class HandOverForm(forms.Form):
    """Who takes over: an active instructor (or staff who may run classes: `can_run_classes`,
    so not a content editor alone), not the person leaving."""

    to = forms.ModelChoiceField(
        label="Instructor who takes over",
        queryset=User.objects.none(),
        empty_label="Choose an instructor",
    )

    def __init__(self, *args, from_user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = (
            User.objects.filter(
                Q(groups__name=INSTRUCTORS)
                | (Q(is_staff=True) & ~Q(pk__in=only_content_editors())),
                is_active=True,
            )
            .exclude(pk=from_user.pk)
            .distinct()
            .order_by("username")
        )


def _not_previewed(previewed, to_user) -> str | None:
    """Why a confirmation for `to_user` is not one (nothing is handed over; the preview for
    them is shown), or None when `previewed`, the instructor whose preview the page showed,
    is them."""
    previewed = str(previewed or "")
    if previewed == str(to_user.pk):
        return None
    # ASCII digits only: "²" passes `str.isdigit()` but not `int()` (a 500).
    known = previewed.isascii() and previewed.isdigit() and len(previewed) < 12
    shown = User.objects.filter(pk=int(previewed)).first() if known else None
    if shown is None:
        return (
            f"Nothing was handed over: this page had not shown what would move to {to_user}. "
            "It does now, below: confirm again to hand it to them."
        )
    return (
        f"Nothing was handed over: the page showed what would move to {shown}, and {to_user} "
        f"was chosen after that. What moves to {to_user} is shown below: confirm again to "
        "hand it to them."
    )


class RenameForm(UserChangeForm):
    """A new username follows sign-up's rule (`AccountAdapter.clean_username`): Django's took
    any letter of any script ("аdmin" with a Cyrillic а), a name reading as a role, and a name
    another account has in another case (sign-in ignores case, and then found two)."""

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if username == self.initial.get("username"):
            return username  # unchanged: an older name is not refused on every save
        check_characters(username)
        if username.lower() in RESERVED_USERNAMES:
            raise forms.ValidationError(
                f'"{username}" cannot be used: it would look like a role on this site.'
            )
        other = (
            User.objects.filter(username__iexact=username)
            .exclude(pk=self.instance.pk)
            .values_list("username", flat=True)
            .first()
        )
        if other is not None:
            raise forms.ValidationError(f"Another account is already called {other}.")
        return username

    def clean_email(self) -> str:
        """In lower case, as allauth keeps addresses; never one another account verified: its
        owner could not verify it here (allauth lets one account verify an address)."""
        email = (self.cleaned_data.get("email") or "").strip().lower()
        other = (
            EmailAddress.objects.filter(email__iexact=email, verified=True)
            .exclude(user=self.instance.pk)
            .values_list("user__username", flat=True)
            .first()
        )
        if email and other is not None:
            raise forms.ValidationError(
                f"The account {other} has verified {email}: an address belongs to one account."
            )
        if email and self.instance.pk and email != (self.initial.get("email") or "").lower():
            # The old address stays on the account (`set_address`): one more row, past the most
            # an account keeps, which the E-mail page then drew whole.
            held = EmailAddress.objects.filter(user=self.instance.pk)
            most = settings.ACCOUNT_MAX_EMAIL_ADDRESSES
            if not held.filter(email__iexact=email).exists() and held.count() >= most:
                raise forms.ValidationError(
                    f"This account has {most} e-mail addresses already, the most an account "
                    "keeps, and a change keeps the old one on it: remove one of its second "
                    "addresses first (E-mail addresses), then change it here."
                )
        return email


def two_factor_reset(request: HttpRequest, user) -> dict:
    """What a user's page says of resetting their two-factor sign-in (someone who lost their
    app or key and their recovery codes): only whoever may delete authenticators can (the
    superuser: no role holds a permission on them, docs/accounts.md), so an everyday admin
    looking for it on the user's page is told whom to ask, and the superuser is shown whether
    it is on, with the way to the person's authenticators. Whether it is on is not said to
    anyone else: authenticators are not their role's to read."""
    if not request.user.has_perm("mfa.delete_authenticator"):
        return {"may_reset": False}
    kinds = list(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    keys = kinds.count(Authenticator.Type.WEBAUTHN)
    held = [
        "an authenticator app" if Authenticator.Type.TOTP in kinds else "",
        f"{keys} security key{'s' if keys > 1 else ''}" if keys else "",
        "recovery codes" if Authenticator.Type.RECOVERY_CODES in kinds else "",
    ]
    url = reverse("admin:mfa_authenticator_changelist") + f"?user__id__exact={user.pk}"
    said = [part for part in held if part]
    held_text = ", ".join(said[:-1]) + " and " + said[-1] if len(said) > 1 else "".join(said)
    return {"may_reset": True, "on": bool(kinds), "held": held_text, "url": url}


@admin.register(User)
class RoleAwareUserAdmin(NamedControls, UserAdmin):
    form = RenameForm
    actions = ["make_instructor", "remove_instructor"]
    list_display = ("username", "email", "is_staff", "is_superuser", "last_login")

    def get_urls(self):
        opts = self.opts
        return [
            path(
                "<path:object_id>/hand-over/",
                self.admin_site.admin_view(self.hand_over_view),
                name=f"{opts.app_label}_{opts.model_name}_hand_over",
            ),
            *super().get_urls(),
        ]

    def hand_over_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """ "Hand over teaching…": `manage.py hand_over_teaching` in the admin. GET shows what
        moves (and, once the instructor is chosen, what is renamed); POST does it. Anyone who
        may change the leaving user's account (an everyday admin: not a staff account's) may,
        as with the role actions.

        The choice and the confirmation are one form, which carries the instructor previewed
        (`previewed`): "Show what moves to them" shows the preview for the one chosen now;
        confirming hands over only when the one chosen is the one previewed. An instructor
        chosen after the preview (the list changed, "Show" not pressed) gets the preview for
        them instead, saying nothing was handed over: the button names the one previewed, the
        list another, and either one handed over silently was a surprise.

        The user is found as Django's change page finds one (`get_object`): an address whose
        id is no number (`/admin/auth/user/abc/hand-over/`) raised ValueError, a 500; it now
        goes to the admin's home saying no such user exists, as that page does."""
        from_user = self.get_object(request, unquote(object_id))
        if from_user is None:
            # Django's own answer, a private method the stubs leave out.
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)  # type: ignore[attr-defined]
        if not self.has_change_permission(request, from_user):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else request.GET
        form = HandOverForm(data if "to" in data else None, from_user=from_user)
        to_user = form.cleaned_data["to"] if form.is_valid() else None
        sent = str(data.get("to", ""))
        if to_user is None and sent.isascii() and sent.isdigit() and len(sent) < 12:
            # Someone the list does not offer (the user leaving, a learner): the domain
            # refuses them saying why, not the form's "Select a valid choice".
            to_user = User.objects.filter(pk=int(sent)).first()
            if to_user is not None:
                form = HandOverForm(from_user=from_user)
        unconfirmed = None
        if request.method == "POST" and to_user is not None:
            if "show" in request.POST:
                return HttpResponseRedirect(f"{request.path}?{urlencode({'to': to_user.pk})}")
            unconfirmed = _not_previewed(request.POST.get("previewed"), to_user)
        if request.method == "POST" and to_user is not None and unconfirmed is None:
            try:
                done = hand_over(from_user=from_user, to_user=to_user)
            except HandOverError as exc:
                self.message_user(request, f"Nothing was handed over: {exc}", messages.ERROR)
                return HttpResponseRedirect(request.path)
            said = f"Handed over: {to_user} now owns what {from_user} owned: {done}."
            self.log_change(request, from_user, said)
            self.message_user(request, said, messages.SUCCESS)
            for line in done.renamed:
                self.message_user(
                    request,
                    f"Renamed, as {to_user} had a cohort by that name: {line}.",
                    messages.INFO,
                )
            return HttpResponseRedirect(
                reverse(
                    "admin:auth_user_change", args=[from_user.pk], current_app=self.admin_site.name
                )
            )
        refused, moving = None, None
        try:
            moving = preview(from_user=from_user, to_user=to_user)
        except HandOverError as exc:
            refused = f"Nothing can be handed over: {exc}"
        context = {
            **self.admin_site.each_context(request),
            "title": f"Hand over {from_user}’s teaching",
            "opts": self.opts,
            "original": from_user,
            "form": form,
            "to_user": to_user,
            "moving": moving,
            "refused": refused,
            "unconfirmed": unconfirmed,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/auth/user/hand_over.html", context)

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        """The "Hand over teaching…" button, on the page of someone who owns teaching, for
        anyone who may use it; and who resets the person's two-factor sign-in."""
        context = dict(extra_context or {})
        user = self.get_object(request, object_id)
        if user is not None and self.has_change_permission(request, user) and owns_teaching(user):
            context["hand_over_url"] = reverse(
                "admin:auth_user_hand_over", args=[user.pk], current_app=self.admin_site.name
            )
        if user is not None:
            context["two_factor"] = two_factor_reset(request, user)
        return super().change_view(request, object_id, form_url, context)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.is_staff and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.is_staff and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request: HttpRequest, id: str, form_url="") -> HttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_fieldsets(self, request: HttpRequest, obj=None):
        """Without the password row (its link opens the password page) for everyday admins."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def _changeable(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset if request.user.is_superuser else queryset.filter(is_staff=False)

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "email" in form.base_fields:
            form.base_fields["email"].help_text = ADDRESS_HELP
        return form

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        """A changed address goes through `set_address` first (allauth's records, a note to
        the owner, the audit log); then the rest of the form is saved as usual."""
        if change and "email" in form.changed_data:
            said = set_address(request=request, user=obj, email=form.cleaned_data["email"])
            if said:
                self.message_user(request, said, messages.INFO)
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        return (*readonly, *_POWER_FIELDS, *_ACCESS_FIELDS, *_RECORD_FIELDS)

    def _say_role_action(
        self, request: HttpRequest, selected: QuerySet, changed: QuerySet, *, now: bool
    ) -> None:
        """What a role action did, and which selected staff accounts it left alone (an
        everyday admin changes none): alone, "0 users are now instructors." said it in green,
        without why."""
        count = changed.count()
        if count:
            self.message_user(request, _instructors(count, now=now), messages.SUCCESS)
        skipped = selected.exclude(pk__in=changed.values("pk")).order_by("username")
        left = list(skipped.values_list("username", flat=True)[:NAMED_AT_MOST])
        if left:
            more = skipped.count() - len(left) if len(left) == NAMED_AT_MOST else 0
            names = ", ".join(left) + (f" and {more} more" if more else "")
            kind = "a staff account" if len(left) == 1 else "staff accounts"
            verb = "it was" if len(left) == 1 else "they were"
            self.message_user(
                request,
                f"Left as {verb}: {names}, {kind}. Only a superuser changes a staff "
                "account's roles.",
                messages.WARNING,
            )

    @admin.action(description=f"Add to {INSTRUCTORS}", permissions=["change"])
    def make_instructor(self, request: HttpRequest, queryset: QuerySet) -> None:
        selected, queryset = queryset, self._changeable(request, queryset)
        for user in queryset:
            set_instructor(user=user, instructor=True)
        self._say_role_action(request, selected, queryset, now=True)

    @admin.action(description=f"Remove from {INSTRUCTORS}", permissions=["change"])
    def remove_instructor(self, request: HttpRequest, queryset: QuerySet) -> None:
        selected, queryset = queryset, self._changeable(request, queryset)
        for user in queryset:
            set_instructor(user=user, instructor=False)
        self._say_role_action(request, selected, queryset, now=False)
        for user in queryset:
            left = still_owned(user)
            if left:
                here = reverse("admin:auth_user_hand_over", args=[user.pk])
                self.message_user(
                    request,
                    format_html('{} <a href="{}">Hand over teaching…</a>', left, here),
                    messages.WARNING,
                )


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class AccountAddressAdmin(NamedControls, EmailAddressAdmin):
    """allauth's "E-mail addresses", read-only: its boxes (the address, its account, primary,
    verified) and its "Add" changed allauth's record alone, so `User.email`, where the admin's
    user page and list read the address, kept the old one, and nobody was told or recorded it.
    The page says to change the address on the account's user page (`set_address`); here an
    address is marked verified (allauth's action, which refuses one another account verified)
    or, if it is a second address, removed (`remove_address`: the owner told, the audit log)."""

    actions = ["make_verified", "delete_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and is_primary(obj):
            return False  # changed or cleared on the user page
        return super().has_delete_permission(request, obj)

    @admin.action(
        description="Delete selected second addresses (their owners are told)",
        permissions=["delete"],
    )
    def delete_selected(self, request: HttpRequest, queryset: QuerySet):
        """Django's delete, with its confirmation page, unless a primary address is selected:
        then nothing is removed and the message says where to change it."""
        primary = [address for address in queryset.select_related("user") if is_primary(address)]
        if primary:
            listed = ", ".join(f"{a.email} ({a.user.get_username()})" for a in primary)
            self.message_user(
                request,
                f"Nothing was deleted: {listed} is an account's primary address. Change it, or"
                " clear it, on the account's user page (Users), then delete the old address here.",
                messages.ERROR,
            )
            return None
        return delete_selected(self, request, queryset)

    def delete_model(self, request: HttpRequest, obj: EmailAddress) -> None:
        try:
            said = remove_address(request=request, address=obj)
        except PrimaryAddress:  # has_delete_permission refuses it first; never a silent desync
            raise PermissionDenied from None
        self.message_user(request, said, messages.INFO)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for address in queryset.select_related("user"):
            self.delete_model(request, address)

    def response_delete(self, request: HttpRequest, obj_display: str, obj_id) -> HttpResponse:
        """Back to the list, where its message is (Django goes to the admin's home page when
        the model cannot be changed)."""
        response = super().response_delete(request, obj_display, obj_id)
        if IS_POPUP_VAR in request.POST:
            return response
        changelist = reverse(
            "admin:account_emailaddress_changelist", current_app=self.admin_site.name
        )
        return HttpResponseRedirect(changelist)


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditLogAdmin(SeekingDatesAdmin, NamedControls, LogEntryAdmin):
    """auditlog's read-only list, with the event name and the client address in view. Its
    date drill-down seeks along the timestamp's index (`srm_trainer.admin_dates`): the log
    only grows."""

    list_display = ["created", "event", "resource_url", "msg_short", "user_url", "remote_addr"]
    search_fields = [*LogEntryAdmin.search_fields, "remote_addr", "changes_text"]
    readonly_fields = [*LogEntryAdmin.readonly_fields, "event", "remote_addr"]
    # The log only grows: a search does not count all of it again for "(N total)"; it
    # offers "Show all" instead.
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["created", "event", "user_url", "remote_addr", "resource_url"]}),
        ("Changes", {"fields": ["action", "msg"]}),
    ]

    @admin.display(description="event")
    def event(self, obj: LogEntry) -> str:
        data = obj.additional_data or {}
        return data.get("event") or obj.get_action_display()
