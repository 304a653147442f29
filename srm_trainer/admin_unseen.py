"""A choice among rows someone may not look at is shown to them, not offered.

An autocomplete field searches the chosen model's admin, which answers only those who may view
that model. A content editor holds nothing on accounts, so the owner of a question, quiz or
scenario (an account, searched for) was a box whose search always failed ("The results could
not be loaded"). For whoever may not view the field's model, the field is read-only: its
value shown, kept as it is on save. Applied to every admin (`use_in_every_admin`, from
`AdminConfig.ready`), inlines included, so a new autocomplete field needs nothing of its own.
"""

from __future__ import annotations

from django.contrib.admin.options import BaseModelAdmin
from django.http import HttpRequest


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


def use_in_every_admin() -> None:
    """Add `unseen_choices` to every admin's read-only fields, before any admin is registered."""
    readonly = BaseModelAdmin.get_readonly_fields

    def get_readonly_fields(self, request, obj=None):
        fields = readonly(self, request, obj)
        unseen = [name for name in unseen_choices(self, request) if name not in fields]
        return (*fields, *unseen) if unseen else fields

    BaseModelAdmin.get_readonly_fields = get_readonly_fields  # type: ignore[method-assign]
