"""The project's `django.contrib.admin`: its app config and its site.

`AdminConfig` (named in INSTALLED_APPS in place of "django.contrib.admin") makes
`admin_json_field.AdminJSONField` the admin's field for every `models.JSONField`, and
`typed_text.AdminTextarea` its widget for every `models.TextField` (line breaks stored as LF),
an autocomplete field read-only for whoever may not view its model, and a read-only relation
a link only for whoever may open the related row (`admin_unseen`),
before the admin modules are read, names the rows of many-to-many tables by what they join
(`name_through_rows`), and makes `AdminSite` the default site.

`AdminSite` answers a delete that something came to protect while the admin was confirming it
with a message, not a 500. Django's delete page and its "Delete selected" action check for
protected objects when they draw the confirmation, and delete when it is sent: an answer saved
to a question in between (`Answer.question` is PROTECT) raised `ProtectedError` out of the
view. Every admin view runs through `admin_view`, so this covers each admin, a library's
included, without a line of their own; a POST runs in one transaction, so the deletion's
history entries written before the refusal are undone with it. A save that breaks a unique
rule as its rows are written (an inline's row sent twice, a save by someone else in between:
`IntegrityError`) is undone the same way and said, not a 500. Its sign-in is allauth's, and
its "Change password" link opens the account's password page (which mails the owner).

Two of the site's own views asked only for staff, not for a permission on the model they read,
so an everyday admin reached models their role holds nothing on (`SourceCheckedAutocomplete`,
`view_on_site`): each now answers 403 there, as the model's own pages do.
"""

from __future__ import annotations

from collections import Counter
from functools import update_wrapper
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import apps as admin_apps
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse


def what_protects(error: ProtectedError | RestrictedError) -> str:
    """The objects that stopped a delete, counted by kind: "2 answers and 1 quiz entry"."""
    if isinstance(error, ProtectedError):
        objects = error.protected_objects
    else:
        objects = error.restricted_objects
    kinds = Counter(obj._meta for obj in objects)
    parts = [
        f"{n} {opts.verbose_name if n == 1 else opts.verbose_name_plural}"
        for opts, n in sorted(kinds.items(), key=lambda kind: str(kind[0].verbose_name))
    ]
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


class SourceCheckedAutocomplete(AutocompleteJsonView):
    """Django's autocomplete asks only whether the user may view the model searched (accounts,
    for an owner field), never whether they may edit the form the field belongs to: an everyday
    admin, who may view accounts, searched them through learners' lesson progress
    (`?app_label=lessons&model_name=lessonprogress&field_name=user`), a model their role holds
    nothing on. The field's own model must be one they may add or change, as the page that
    draws the widget requires (an inline's model, registered or not, by its permissions).

    A model admin whose rows are counted (`ModuleAdmin`'s lessons) gives a list Django no
    longer orders by the model's ordering (a GROUP BY), and the menu's pages then warned
    "Pagination may yield inconsistent results": it is ordered by that ordering here."""

    admin_site: admin.AdminSite  # set by `as_view`, as Django's (the stubs leave both out)
    source_field: Any  # set by `get` before `has_perm` is asked

    def get_queryset(self):
        rows = super().get_queryset()
        return rows if rows.ordered else rows.order_by(*rows.model._meta.ordering, "pk")

    def has_perm(self, request, obj=None) -> bool:
        source = self.source_field.model
        source_admin = self.admin_site._registry.get(source)
        if source_admin is not None:
            edits = source_admin.has_add_permission(request) or (
                source_admin.has_change_permission(request)
            )
        else:
            opts = source._meta
            edits = any(
                request.user.has_perm(f"{opts.app_label}.{get_permission_codename(verb, opts)}")
                for verb in ("add", "change")
            )
        return edits and super().has_perm(request, obj)


class AdminSite(admin.AdminSite):
    def autocomplete_view(self, request):
        return SourceCheckedAutocomplete.as_view(admin_site=self)(request)

    def view_on_site(self, request, content_type_id, object_id):
        """Django's "View on site" redirect (`/admin/r/<type>/<id>/`) for a model whose admin
        the user may open: Django's answered any staff, for any model, with the row's address
        (a learner's attempt's to an everyday admin), and said which rows exist."""
        # Imported here: this module is read before the app registry is ready.
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.contenttypes.views import shortcut

        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ValueError, ContentType.DoesNotExist) as error:
            raise Http404("No such kind of row.") from error
        model_admin = self._registry.get(model) if model is not None else None
        if model_admin is None or not model_admin.has_view_or_change_permission(request):
            raise PermissionDenied
        return shortcut(request, content_type_id, object_id)

    def get_urls(self):
        return [
            path(
                "r/<path:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            )
            if getattr(pattern, "name", None) == "view_on_site"
            else pattern
            for pattern in super().get_urls()
        ]

    def admin_view(self, view, cacheable=False):
        def refusing_protected_deletes(request, *args, **kwargs):
            if request.method != "POST":
                return view(request, *args, **kwargs)
            try:
                with transaction.atomic():
                    return view(request, *args, **kwargs)
            except (ProtectedError, RestrictedError) as error:
                messages.error(
                    request,
                    f"Nothing was deleted: while you were confirming, {what_protects(error)}"
                    " came to depend on what you chose, and deleting it would lose them.",
                )
                # The same page again, as a GET: the delete page lists what protects the object
                # (a question: archive it instead), a list shows itself with the message.
                return HttpResponseRedirect(request.get_full_path())
            except IntegrityError:
                # The forms check each row against the saved ones, not two rows of one page
                # against each other as they are saved: an inline's row id sent twice (a page
                # changed by hand) or another save in between broke a unique rule, a 500.
                messages.error(
                    request,
                    "Nothing was saved: the change would have made two rows the same where each "
                    "must differ (the page may be out of date). Reload it and make the change "
                    "again.",
                )
                return HttpResponseRedirect(request.get_full_path())

        update_wrapper(refusing_protected_deletes, view)
        return super().admin_view(refusing_protected_deletes, cacheable)

    def password_change(self, request, extra_context=None):
        """The header's "Change password" opens the account's password page (allauth's), which
        mails the owner as every password change does; Django's form here changed it silently."""
        return HttpResponseRedirect(reverse("account_change_password"))

    def password_change_done(self, request, extra_context=None):
        return HttpResponseRedirect(reverse("account_change_password"))

    def login(self, request, extra_context=None):
        """The admin's own sign-in form has no throttle and no MFA step: allauth's instead."""
        # Imported here: allauth's account code needs the app registry this module is read before.
        from allauth.account.decorators import secure_admin_login

        from srm_trainer.accounts.roles import is_instructor

        user = request.user
        if user.is_authenticated and not user.is_staff and is_instructor(user):
            # allauth refuses any signed-in non-staff with the plain 403 page, which told an
            # instructor only to "ask your instructor or an administrator": name their place.
            return render(request, "403.html", {"instructor": True}, status=403)
        return secure_admin_login(super().login)(request, extra_context)


def _both_ends(row) -> str:
    """A many-to-many row by the two objects it joins: “iam/roles” – “Alice reads a report”."""
    ends = [field for field in row._meta.fields if field.is_relation]
    return " – ".join(f"“{getattr(row, field.name)}”" for field in ends)


def name_through_rows() -> None:
    """Every many-to-many table Django makes (a question's tags, a scenario's lessons, a cohort
    assignment's lessons) names its rows by what they join. Their rows had no name of their own,
    and a delete page listed what would go as "Scenario-lesson relationship: Scenario_lessons
    object (12)"."""
    from django.apps import apps

    for model in apps.get_models(include_auto_created=True):
        if model._meta.auto_created and "__str__" not in vars(model):
            setattr(model, "__str__", _both_ends)  # noqa: B010  (mypy refuses assigning a method)


class AdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the project's site, and `use_in_every_admin` applied before
    its autodiscovery (`admin_bounds`: what a request may ask of the database)."""

    default_site = "srm_trainer.admin_site.AdminSite"

    def ready(self) -> None:
        from srm_trainer import (
            admin_bounds,
            admin_json_field,
            admin_row_links,
            admin_times,
            admin_unseen,
            choice_errors,
            typed_text,
        )

        # The first app the project lists: every form's choice refusals, the admin's too.
        choice_errors.quote_choices_briefly()
        admin_bounds.use_in_every_admin()
        admin_json_field.use_in_every_admin()
        admin_json_field.refuse_deep_json_in_every_form()  # allauth's forms' too
        typed_text.use_in_every_admin()
        admin_unseen.use_in_every_admin()
        admin_times.use_in_every_admin()
        admin_row_links.use_in_every_admin()
        name_through_rows()
        super().ready()
