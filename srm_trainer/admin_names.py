"""Names for the admin's form controls that no <label> names.

A row of a tabular inline or of a list's editable columns (`list_editable`) is a table row: the
header names the column, and each input, select and checkbox had no name at all (a screen
reader said "edit text", "checkbox"; axe's "label" and "select-name", critical). A date-and-time
field is two inputs under one <label> that points at neither. Here each is named after its
column and its row ("Order of “IAM basics”", "Delete “iam/least-privilege”", "Title of the new
lesson"), and each part of a date and time after its field ("Last login: date").

Every admin derives from `NamedControlsAdmin` (or `NamedControls`, beside a third-party base;
`name_controls_of` for an admin a library registers), and tests/test_admin_names.py checks so:
its inlines and list columns, those to come included, are named without a line of their own.
A form that names a control itself keeps its name (a quiz's rows say "Position of “beta”").
The same mixin words a unique field's clash as the site does ("Another module has this slug
already."), where Django said "Module with this Slug already exists." (`unique_in_words`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.forms.formsets import DELETION_FIELD_NAME, BaseFormSet
from django.forms.utils import pretty_name
from django.utils.html import strip_tags
from django.utils.text import capfirst

NAMING_ATTRS = ("aria-label", "aria-labelledby")


def name_control(field: forms.Field, name: str) -> None:
    """Give `field`'s widget the accessible name `name` (a date and time, each part: "name:
    date", "name: time"), unless the form has named it already."""
    widget = field.widget
    if isinstance(widget, RelatedFieldWidgetWrapper):
        # The control is the widget inside. (The wrapper's own `attrs`, once a form has copied
        # its fields, are those of its class's widget, which every row shares.)
        widget = widget.widget
    if isinstance(widget, forms.SplitDateTimeWidget):
        date, time = widget.widgets
        parts = [(date, f"{name}: date"), (time, f"{name}: time")]
    else:
        parts = [(widget, name)]
    for part, text in parts:
        if not any(attr in part.attrs for attr in NAMING_ATTRS):
            part.attrs["aria-label"] = text


def row_name(form: forms.BaseForm, formset: BaseFormSet, noun: str) -> str:
    """How a row is named in its controls' names: the object it holds, as the admin titles it,
    or "the new <noun>" for a row added (and the hidden row each added one is copied from)."""
    instance = getattr(form, "instance", None)
    if instance is None or instance.pk is None:
        return f"the new {noun}"
    if instance._meta.auto_created:
        # A many-to-many row ("Scenario_lessons object (5)") is the object on its far side.
        near = getattr(formset, "fk", None)
        far = [f for f in instance._meta.fields if f.many_to_one and f != near]
        if len(far) == 1:
            instance = getattr(instance, far[0].name)
    return f"“{instance}”"


class NamedRowsFormSet(BaseFormSet):
    """A formset whose rows' visible controls are named after their column and their row."""

    row_noun = "row"
    # A table's rows (a list's editable columns, a tabular inline) draw no help text: the
    # header's icon holds it. Each control then points at a help text the page does not have;
    # it gets the words as its description instead.
    rows_in_a_table = True

    def add_fields(self, form, index):
        super().add_fields(form, index)  # Delete, Order (and an inline's hidden link) come here
        row = row_name(form, self, self.row_noun)
        for field_name, field in form.fields.items():
            if field.widget.is_hidden:
                continue
            if self.rows_in_a_table and field.help_text:  # this row's copy of the field
                field.widget.attrs.setdefault("aria-description", strip_tags(field.help_text))
                field.help_text = ""
            if field_name == DELETION_FIELD_NAME:
                name_control(field, f"{capfirst(field.label)} {row}")
            else:
                column = capfirst(field.label) if field.label else pretty_name(field_name)
                name_control(field, f"{column} of {row}")


def with_named_rows(
    formset: type[BaseFormSet], noun: str, *, table: bool = True
) -> type[BaseFormSet]:
    """`formset` (the class the admin built for this request) with its rows' controls named;
    `noun` names a new row ("the new lesson"); `table`: its rows are a table's (see
    `NamedRowsFormSet.rows_in_a_table`)."""
    if issubclass(formset, NamedRowsFormSet):
        return formset
    attrs = {"row_noun": noun, "rows_in_a_table": table}
    return type(formset.__name__, (NamedRowsFormSet, formset), attrs)


if TYPE_CHECKING:
    _Admin = admin.ModelAdmin
else:
    _Admin = object


class NamedControls(_Admin):
    """A ModelAdmin's controls named where no <label> names them: its list's editable columns,
    its inlines' rows, and the parts of its form's dates and times. Put it before the admin
    class it extends."""

    def get_changelist_formset(self, request, **kwargs):
        formset = super().get_changelist_formset(request, **kwargs)
        return with_named_rows(formset, str(self.opts.verbose_name))

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            table = isinstance(inline, admin.TabularInline)
            yield with_named_rows(formset, str(inline.verbose_name), table=table), inline

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        for field_name, field in form.base_fields.items():
            if isinstance(field.widget, forms.SplitDateTimeWidget) and not field.widget.is_hidden:
                # Its <label> points at neither input ("Last login:", then "Date:" and "Time:"
                # as plain text): each is named for itself.
                name_control(field, str(capfirst(field.label) or pretty_name(field_name)))
        unique_in_words(form, self.opts)
        return form


def unique_in_words(form: type[forms.ModelForm], opts) -> None:
    """A value another row has in a unique field, refused in the site's words at the field:
    "Another question has this slug already." (Django's "Question with this Slug already
    exists." put the field's name in capitals, as if it were a heading)."""
    for field in opts.fields:
        if field.unique and not field.primary_key and field.name in form.base_fields:
            form.base_fields[field.name].error_messages["unique"] = (
                f"Another {opts.verbose_name} has this {field.verbose_name} already."
            )


class NamedControlsAdmin(NamedControls, admin.ModelAdmin):
    """`admin.ModelAdmin` with `NamedControls`: the base of the project's admins."""


def name_controls_of(*models: type, site: admin.AdminSite = admin.site) -> None:
    """The admins a library registered for `models`, registered again with `NamedControls`
    (allauth's authenticators: the dates of their creation and last use)."""
    for model in models:
        registered: type = type(site.get_model_admin(model))
        site.unregister(model)
        site.register(model, type(registered.__name__, (NamedControls, registered), {}))
