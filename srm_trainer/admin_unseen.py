"""A row someone may not look at is shown to them, never offered or linked.

An autocomplete field searches the chosen model's admin, which answers only those who may view
that model. A content editor holds nothing on accounts, so the owner of a question, quiz or
scenario (an account, searched for) was a box whose search always failed ("The results could
not be loaded"). For whoever may not view the field's model, the field is read-only: its
value shown, kept as it is on save.

A read-only relation (such a field, a field an admin lists read-only, any field of a page its
viewer may only look at) is drawn by Django as a link to the related row's change page, which
answered that owner's content editor 403. It is a link only for those who may open that page
(`may_open`, asked of the row itself: an admin may refuse one account and open another), and
the row's name otherwise. Django's read-only field is given the form but not the request, so
the form class each admin makes for a request (`get_form`, an inline's `get_formset`) carries
the request it was made for (`REQUEST`).

Both apply to every admin (`use_in_every_admin`, from `AdminConfig.ready`), inlines included,
so a new autocomplete field or relation needs nothing of its own.
"""

from __future__ import annotations

from django.contrib.admin import helpers
from django.contrib.admin.options import BaseModelAdmin, InlineModelAdmin, ModelAdmin
from django.db.models import Model
from django.http import HttpRequest

# Where a form class made for a request keeps that request.
REQUEST = "_admin_request"


def unseen_choices(model_admin: BaseModelAdmin, request: HttpRequest) -> list[str]:
    """The admin's autocomplete fields whose model `request.user` may not view there."""
    site = model_admin.admin_site
    unseen = []
    for name in model_admin.get_autocomplete_fields(request):
        chosen = model_admin.opts.get_field(name).related_model
        chosen_admin = site._registry.get(chosen) if isinstance(chosen, type) else None
        if chosen_admin is None or not chosen_admin.has_view_permission(request):
            unseen.append(name)
    return unseen


def may_open(model_admin: BaseModelAdmin, request: HttpRequest | None, model, obj: Model) -> bool:
    """Whether `request.user` may open `obj`'s change page on `model_admin`'s site (as its
    change view decides: view or change permission, for that row). No request, no link."""
    opened = model_admin.admin_site._registry.get(model)
    return (
        request is not None
        and opened is not None
        and opened.has_view_or_change_permission(request, obj)
    )


def use_in_every_admin() -> None:
    """Add `unseen_choices` to every admin's read-only fields, and link a read-only relation
    only for those who may open it, before any admin is registered."""
    readonly = BaseModelAdmin.get_readonly_fields

    def get_readonly_fields(self, request, obj=None):
        fields = readonly(self, request, obj)
        unseen = [name for name in unseen_choices(self, request) if name not in fields]
        return (*fields, *unseen) if unseen else fields

    BaseModelAdmin.get_readonly_fields = get_readonly_fields  # type: ignore[method-assign]

    make_form = ModelAdmin.get_form

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = make_form(self, request, obj, change, **kwargs)
        setattr(form, REQUEST, request)  # a class made for this request (modelform_factory)
        return form

    ModelAdmin.get_form = get_form  # type: ignore[method-assign]

    make_formset = InlineModelAdmin.get_formset

    def get_formset(self, request, obj=None, **kwargs):
        formset = make_formset(self, request, obj, **kwargs)
        setattr(formset.form, REQUEST, request)  # made for this request, as above
        return formset

    InlineModelAdmin.get_formset = get_formset  # type: ignore[method-assign]

    # Django's, not in django-stubs: a read-only relation drawn as a link to its change page.
    link = helpers.AdminReadonlyField.get_admin_url  # type: ignore[attr-defined]

    def get_admin_url(self, remote_field, remote_obj):
        request = getattr(self.form, REQUEST, None)
        if not may_open(self.model_admin, request, remote_field.model, remote_obj):
            return str(remote_obj)
        return link(self, remote_field, remote_obj)

    helpers.AdminReadonlyField.get_admin_url = get_admin_url  # type: ignore[attr-defined]
