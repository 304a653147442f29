"""The admin's app list (`templates/admin/app_list.html`), written in Python.

Why: every admin page draws it in its sidebar (the index and an app's page in their body too),
a row per model, and Django's template spends about forty variable lookups, filters and
translations on each row: 1.3-1.5 ms of every admin page, a tenth of a list page. The HTML is
Django 5.2's `admin/app_list.html` byte for byte, whitespace included:
tests/lessons/test_admin.py draws it both ways for a superuser, an everyday admin and an
account that may see nothing, on the index, an app's page and a model's pages. Should a Django
upgrade change that template, the test fails (the pages would otherwise keep the old markup).
"""

from __future__ import annotations

from html import escape  # Django's `escape`, for a plain str
from urllib.parse import quote

from django import template
from django.template.base import render_value_in_context
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()


def _var(value, context) -> str:
    """`{{ value }}`."""
    if type(value) is str:
        return escape(value)
    return render_value_in_context(value, context)


def _within(url, path: str) -> bool:
    """`{% if url in request.path|urlencode %}` (a missing url is never within)."""
    return isinstance(url, str) and url in path


def _model_row(model: dict, app: dict, path: str, show_changelinks, context, words) -> str:
    label = _var(app.get("app_label"), context)
    name = _var(str(model.get("object_name", "")).lower(), context)
    row_id = f"{label}-{name}"
    admin_url = model.get("admin_url")
    here = _within(admin_url, path)
    out = [
        f'\n            <tr class="model-{name}{" current-model" if here else ""}">'
        f'\n              <th scope="row" id="{row_id}">\n                '
    ]
    if admin_url:
        current = ' aria-current="page"' if here else ""
        out.append(
            f'\n                  <a href="{_var(admin_url, context)}"{current}>'
            f"{_var(model.get('name'), context)}</a>\n                "
        )
    else:
        out.append(f"\n                  {_var(model.get('name'), context)}\n                ")
    out.append("\n              </th>\n\n              ")
    add_url = model.get("add_url")
    if add_url:
        out.append(
            f'\n                <td><a href="{_var(add_url, context)}" class="addlink" '
            f'aria-describedby="{row_id}">{words["Add"]}</a></td>\n              '
        )
    else:
        out.append("\n                <td></td>\n              ")
    out.append("\n\n              ")
    if admin_url and show_changelinks:
        kind, word = (
            ("viewlink", words["View"])
            if model.get("view_only")
            else ("changelink", words["Change"])
        )
        out.append(
            f'\n                \n                  <td><a href="{_var(admin_url, context)}" '
            f'class="{kind}" aria-describedby="{row_id}">{word}</a></td>\n                '
            "\n              "
        )
    elif show_changelinks:
        out.append("\n                <td></td>\n              ")
    out.append("\n            </tr>\n          ")
    return "".join(out)


def _app(app: dict, path: str, show_changelinks, context, words) -> str:
    label = _var(app.get("app_label"), context)
    app_url = app.get("app_url")
    name = _var(app.get("name"), context)
    title = gettext("Models in the %(name)s application") % {"name": name}
    rows = "".join(
        f"\n          {_model_row(model, app, path, show_changelinks, context, words)}\n        "
        for model in app.get("models") or ()
    )
    return (
        f'\n    <div class="app-{label} module{" current-app" if _within(app_url, path) else ""}">'
        "\n      <table>\n        <caption>"
        f'\n          <a href="{_var(app_url, context)}" class="section" title="{title}">'
        f"{name}</a>\n        </caption>"
        '\n        <thead class="visually-hidden">\n          <tr>'
        f'\n            <th scope="col">{words["Model name"]}</th>'
        f'\n            <th scope="col">{words["Add link"]}</th>'
        f'\n            <th scope="col">{words["Change or view list link"]}</th>'
        "\n          </tr>\n        </thead>\n        "
        f"{rows}\n      </table>\n    </div>\n  "
    )


_WORDS = ("Add", "View", "Change", "Model name", "Add link", "Change or view list link")


@register.simple_tag(takes_context=True)
def admin_app_list(context) -> str:
    """Django's admin/app_list.html for the context's `app_list` and `show_changelinks`."""
    app_list = context.get("app_list")
    if not app_list:
        denied = gettext("You don’t have permission to view or edit anything.")
        return SafeString(f"\n\n\n  <p>{denied}</p>\n\n")
    request = context.get("request")
    path = quote(getattr(request, "path", "") or "")
    show_changelinks = context.get("show_changelinks")
    words = {word: gettext(word) for word in _WORDS}  # in the language of this request
    apps = "".join(_app(app, path, show_changelinks, context, words) for app in app_list)
    return SafeString(f"\n\n\n  {apps}\n\n")
