"""A filtered admin list links each row to its change page with the list's filters kept
(`?_changelist_filters=...`, so "Save" comes back to the same list). Django's
`add_preserved_filters` resolved every row's link against the whole URL configuration, only to
learn whether the link was the list itself (whose own filters it then unpacks): on a filtered
list of 100 rows, 100 walks through every admin's URL patterns, 8-15 ms of a ~45 ms page (a
learner's attempts or review cards). A row's link is its change page, which can be the list
only if its path is the list's, so the walk is left to those few links; the query string comes
out the same (`tests/test_admin_row_links.py` compares the two).

Applied to every admin list (`use_in_every_admin`, from `AdminConfig.ready`); the template tag
of the same name, for the page's other links, is Django's own.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from django.contrib.admin.templatetags import admin_list, admin_urls
from django.utils.http import urlencode


def might_be_the_list(url: str, opts) -> bool:
    """Whether `url`'s path could be the list of `opts`' model (…/app_label/model_name/),
    the one link whose preserved filters Django unpacks."""
    path = unquote(urlsplit(url).path)
    return path.endswith(f"/{opts.app_label}/{opts.model_name}/")


def add_preserved_filters(context, url: str, popup: bool = False, to_field=None) -> str:
    """Django's `add_preserved_filters`, without resolving a link that cannot be the list."""
    opts = context.get("opts")
    preserved = context.get("preserved_filters")
    if (
        not opts
        or not preserved
        or popup
        or to_field
        or context.get("preserved_qsl")
        or might_be_the_list(url, opts)
    ):
        return admin_urls.add_preserved_filters(context, url, popup, to_field)
    parts = urlsplit(url)
    # As Django merges them for a link that is not the list: the filters, then the link's own.
    merged = {**dict(parse_qsl(preserved)), **dict(parse_qsl(parts.query))}
    return urlunsplit(parts._replace(query=urlencode(merged)))


def use_in_every_admin() -> None:
    """Every list's row links (`items_for_result`) made with `add_preserved_filters` above."""
    admin_list.add_preserved_filters = add_preserved_filters  # type: ignore[attr-defined]
