"""Two admins (or two tabs) changing one row in the admin: the page saved second was drawn
before the first save, and Django wrote it over that save without a word (a quiz's settings,
a question's choices, a lesson's body undone). `/teach/` refuses such a save
(`teach.services.save_unless_edited`); the admin now does too, for the models that keep
`updated_at` (quizzes, questions, and the curriculum's rows: `lessons.models.EditStamped`).

The change page carries the row's `updated_at` as it drew it (a hidden `seen`, in the form's
`form_top` block: `templates/admin/edited_elsewhere.html`), and, where the page also saves
other rows (`stamped_rows`: a module's lessons, a service's responsibilities) or links
(`stamped_links`: a scenario's lessons), their state too. A save whose `seen` is not the
stamp now is refused once, as a form error at the top, everything typed kept (Django redraws
a refused form as sent); the refused page carries the newer stamp, so saving it again is a
deliberate overwrite. A post without `seen` (an older page, a script) is not asked. The check
is made while the form is cleaned, a moment before the save: two saves sent in the same
instant can still both pass (the admin is a few people; `/teach/` closes that gap too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.utils.dateparse import parse_datetime

from lessons.timezones import zoned

SEEN = "seen"


def _stamp(value) -> str:
    return value.isoformat() if value is not None else ""


@dataclass(frozen=True)
class Stamp:
    """The stored state a change page is drawn from: the row's last save (`row`), then one
    part for each of the admin's `stamped_rows` (how many, and the latest save among them) and
    `stamped_links` (the linked rows' ids)."""

    row: datetime | None
    parts: tuple[str, ...] = ()
    latest: datetime | None = None  # the latest save of the row and its stamped rows

    def text(self) -> str:
        return " ".join((_stamp(self.row), *self.parts)) if self.row is not None else ""


def _same_save(seen: str, saved_at: datetime) -> bool:
    """Whether a page's remembered row stamp is this save (as text, or read as a time)."""
    if seen == _stamp(saved_at):
        return True
    try:
        parsed = parse_datetime(seen) if seen else None
    except ValueError:
        return False
    return parsed is not None and parsed == saved_at


class EditedElsewhereAdmin:
    """A ModelAdmin mixin for a model with `updated_at` (auto_now); its change form template
    extends `admin/edited_elsewhere.html`."""

    # The page's inline rows, by the reverse name of their foreign key to the row, whose model
    # keeps `updated_at` too: a stale page would write its copy of them back as well.
    stamped_rows: tuple[str, ...] = ()
    # Many-to-many links the page's form sets whole (a scenario's lessons): their rows keep no
    # time, so their ids stand for them (a row's links are a few).
    stamped_links: tuple[str, ...] = ()

    def get_stamped_rows(self, obj) -> tuple[str, ...]:
        return self.stamped_rows

    def stored_stamp(self, obj) -> Stamp:
        """The row's stamp as stored now (one query, and one more for each of `stamped_links`);
        `row` None: the row is gone."""
        model = type(obj)
        rows = self.get_stamped_rows(obj)
        columns: list = ["updated_at"]
        for name in rows:
            columns += [Count(name, distinct=True), Max(f"{name}__updated_at")]
        found = model._base_manager.filter(pk=obj.pk).values_list(*columns).first()
        if found is None:
            return Stamp(None)
        saved_at, latest, parts = found[0], found[0], []
        for n, name in enumerate(rows):
            count, at = found[1 + 2 * n], found[2 + 2 * n]
            parts.append(f"{name}:{count}:{_stamp(at)}")
            if at is not None and (latest is None or at > latest):
                latest = at
        for name in self.stamped_links:
            field = model._meta.get_field(name)  # a ManyToManyField of the model's own
            links = field.remote_field.through._base_manager.filter(
                **{field.m2m_field_name(): obj.pk}
            ).values_list(f"{field.m2m_reverse_field_name()}_id", flat=True)
            parts.append(f"{name}:{','.join(map(str, sorted(links)))}")
        return Stamp(saved_at, tuple(parts), latest)

    def edited_elsewhere(self, obj, seen: str) -> str | None:
        """Why a save of the page that remembered `seen` is refused, or None."""
        now = self.stored_stamp(obj)
        if now.row is None:
            return None  # gone: Django's own save says so
        given = seen.split(" ")
        name = type(obj)._meta.verbose_name
        kept = (
            "so nothing was saved here: your changes are below as you made them. Open it in a "
            "new tab to compare; saving again keeps yours and replaces that version."
        )
        if not _same_save(given[0], now.row):
            return (
                f"This {name} was saved somewhere else (another tab, or another admin) at "
                f"{zoned(now.row, 'H:i:s')}, after you opened this page, {kept}"
            )
        if tuple(given[1:]) != now.parts:
            changed = [
                part.split(":", 1)[0]
                for n, part in enumerate(now.parts)
                if (given[1 + n] if 1 + n < len(given) else None) != part
            ]
            # None of them: the page held rows it no longer lists (a module grown past them).
            if not changed:
                return f"This {name} was changed somewhere else after you opened this page, {kept}"
            what = " and ".join(self._plural(obj, part) for part in changed)
            at = (
                f" at {zoned(now.latest, 'H:i:s')}"
                if now.latest is not None and now.latest != now.row
                else ""
            )
            return (
                f"This {name}’s {what} were changed somewhere else (another tab, or another "
                f"admin){at}, after you opened this page, {kept}"
            )
        return None

    @staticmethod
    def _plural(obj, name: str) -> str:
        field = type(obj)._meta.get_field(name)
        return str(field.related_model._meta.verbose_name_plural)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or request.method != "POST":
            return form
        seen = request.POST.get(SEEN)
        admin = self

        class Checked(form):
            def clean(self):
                cleaned = super().clean()
                if seen is None:
                    return cleaned
                refused = admin.edited_elsewhere(obj, seen)
                if refused:
                    raise ValidationError(refused, code="edited_elsewhere")
                return cleaned

        Checked.__name__ = form.__name__
        return Checked

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            # The stamp as stored now: on a refused save, the newer one (saving again is then
            # a choice), else the one this page drew.
            context[SEEN] = self.stored_stamp(obj).text()
        refused = _only_refusal(context)
        if refused is not None:
            # Django's "Please correct the error below." stood over a form with nothing below
            # to correct: the page says the one thing, at the top (the template's `form_top`).
            context["errors"] = []
            context["edited_elsewhere"] = refused
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )


def _only_refusal(context) -> str | None:
    """The stale-save refusal when it is the page's only error (no field or inline row has
    one), else None."""
    errors = context.get("errors")
    adminform = context.get("adminform")
    if not errors or len(errors) != 1 or adminform is None:
        return None
    found = adminform.form.errors.as_data()
    top = found.get("__all__", [])
    if len(found) != 1 or len(top) != 1 or top[0].code != "edited_elsewhere":
        return None
    return str(top[0].message)
