"""Two admins (or two tabs) changing one row in the admin: the page saved second was drawn
before the first save, and Django wrote it over that save without a word (a quiz's settings,
a question's choices undone). `/teach/` refuses such a save (`teach.services.save_unless_edited`);
the admin now does too, for the models that keep `updated_at`.

The change page carries the row's `updated_at` as it drew it (a hidden `seen`, in the form's
`form_top` block: `templates/admin/edited_elsewhere.html`). A save whose `seen` is not the
row's stamp now is refused once, as a form error at the top, everything typed kept (Django
redraws a refused form as sent); the refused page carries the newer stamp, so saving it again
is a deliberate overwrite. A post without `seen` (an older page, a script) is not asked. The
check is made while the form is cleaned, a moment before the save: two saves sent in the same
instant can still both pass (the admin is a few people; `/teach/` closes that gap too).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime

from lessons.timezones import zoned

SEEN = "seen"


def _stamp(value) -> str:
    return value.isoformat() if value is not None else ""


class EditedElsewhereAdmin:
    """A ModelAdmin mixin for a model with `updated_at` (auto_now); its change form template
    extends `admin/edited_elsewhere.html`."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or request.method != "POST":
            return form
        seen = request.POST.get(SEEN)
        model = type(obj)

        class Checked(form):
            def clean(self):
                cleaned = super().clean()
                if seen is None:
                    return cleaned
                now = model._base_manager.filter(pk=obj.pk).values_list("updated_at", flat=True)
                saved_at = now.first()
                if saved_at is not None and _stamp(saved_at) != seen:
                    parsed = parse_datetime(seen) if seen else None
                    if parsed is None or parsed != saved_at:
                        name = model._meta.verbose_name
                        raise ValidationError(
                            f"This {name} was saved somewhere else (another tab, or another "
                            f"admin) at {zoned(saved_at, 'H:i:s')}, after you opened this page, "
                            "so nothing was saved here: your changes are below as you made "
                            "them. Open it in a new tab to compare; saving again keeps yours "
                            "and replaces that version.",
                            code="edited_elsewhere",
                        )
                return cleaned

        Checked.__name__ = form.__name__
        return Checked

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            # The row's stamp as stored now: on a refused save, the newer one (saving again is
            # then a choice), else the one this page drew.
            stored = type(obj)._base_manager.filter(pk=obj.pk).values_list("updated_at", flat=True)
            context[SEEN] = _stamp(stored.first())
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )
