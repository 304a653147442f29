"""What an admin request may ask of the database, bounded in every admin (a library's too).

Django's admin takes a list's search box, its autocomplete's term, its filters from the query
string and an action's chosen rows as sent, and three of them reached the database unchecked:

- **a search of many words**: each word is one more AND of an OR over the admin's search
  fields. A search of 1,000 words (2 KB of query string) was a 500 on SQLite ("Expression tree
  is too large (maximum depth 1000)"), on every admin list and the autocomplete menus; 700
  quoted phrases cost 1.0 s of CPU. A search reads its first `MAX_SEARCH_WORDS` words and says
  so above the list, whose links (each column's sort, each filter) then carry those words only:
  they repeated the whole query, and an 8 KB search made a 2.2 MB page;
- **an action's row that is no row**: "Archive selected" sent with `_selected_action=x` raised
  `ValueError` out of the view (a 500) where a stale or hand-made form should be told. It is
  refused with a message and nothing is done;
- **a filter the database cannot run**: `?data__contains=x` on a JSON field passes Django's
  `lookup_allowed` (every lookup on the model's own fields does) and failed when the list was
  counted, a 500 on SQLite; so did `?actor=` + 20 digits on the audit log's list (any
  foreign key's lookup, which Django does not bound as it bounds an integer field's):
  OverflowError on SQLite; and any filter or search holding NUL (`?cid=%00` on the audit log),
  DataError on PostgreSQL. Each is treated as Django treats a filter it cannot build: the plain
  list again, marked `?e=1`;
- **an autocomplete field's value that is no key**: a form refused for it ("Select a valid
  choice") is drawn again, and Django's autocomplete widget looked the sent value up to show it
  as chosen: `owner=x` raised ValueError and a 400-digit number OverflowError on SQLite, a 500
  where the field's own message should be. Such a value is left out of that look-up (the field
  is drawn empty, with its message). A many-to-many field (`ModelMultipleChoiceField`) checked
  a 400-digit key with one `IN` query before saying it was no choice, OverflowError again: a
  key its model's key field cannot hold is now refused as Django refuses `x` ("… is not a valid
  value"). The site's own such field (`cohorts.forms.LessonsField`) checks its keys itself;
- **a list filter of its own reading a value it cannot use**: Django's field filters turn a
  value their field cannot take (ValueError, ValidationError) into a filter the list cannot
  build, but a `SimpleListFilter` is its author's code, and auditlog's "Resource Type" filter
  passed `?resource_type=abc` to the database as a key: ValueError, a 500 on the audit log's
  list for every role that reads it. Every such filter's value is now read as Django reads its
  own (`refusing_filters`);
- **a date drill-down's period no time can hold** (`?issued_at__year=9999`): Django reads the
  year, month and day and catches only a date that does not exist; the end of the year 9999
  (`ValueError: year 10000 is out of range`), a 20-digit year (`OverflowError`) and a period
  whose start or end leaves the years 1-9999 once read in UTC were a 500. Such a period is a
  filter the list cannot build: the plain list again, marked `?e=1`;
- **a date and time typed without its zone** (`?issued_at__gte=9999-12-31`, an address edited
  by hand): Django read it in the site's zone, whatever the reader's, and logged a
  RuntimeWarning ("received a naive datetime") for each such request. It is read where the
  drill-down and the date filter's own links read theirs, in the admin's current zone (the
  reader's, else the site's), and handed on with its offset (`zoned_times`); a time that
  leaves the years 1-9999 once read in UTC (`0001-01-01` in Tokyo) is a filter the list
  cannot build.

Django's list at `?e=1` said nothing: the rows simply were the whole list again, as if the
filter in the address had found them all. It now says so above the rows, in the admin's
warning style (`FILTER_NOT_APPLIED`). And a list asked for with `?e=1` and a filter it cannot
build either (a bookmark, an address edited by hand) showed Django's "Database error" page,
which blames the database's installation: it is sent to the plain list too. Only `?e=1` alone
failing (then the database is the trouble) keeps Django's page.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.contrib import messages
from django.contrib.admin import SimpleListFilter, helpers
from django.contrib.admin.options import IncorrectLookupParameters, ModelAdmin
from django.contrib.admin.views.main import ERROR_FLAG, SEARCH_VAR, ChangeList
from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import NotSupportedError
from django.db.models import DateTimeField
from django.db.models.constants import LOOKUP_SEP
from django.forms import ModelMultipleChoiceField
from django.http import HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import smart_split

MAX_SEARCH_WORDS = 20
FILTER_NOT_APPLIED = (
    "The filter in this page's address could not be applied, so the whole list is shown."
)


def drill_down_holds(admin: ModelAdmin, query) -> bool:
    """Whether `admin`'s date drill-down period in `query` (its `<field>__year`, `__month`
    and `__day`, as Django's `ChangeList.get_filters` reads them) starts and ends at times
    the database can be asked about, in the current zone and in UTC. No period: True."""
    field = admin.date_hierarchy
    year = query.getlist(f"{field}__year") if field else []
    if not year:
        return True
    month = query.getlist(f"{field}__month")
    day = query.getlist(f"{field}__day")
    try:
        start = datetime(int(year[-1]), int(month[-1] if month else 1), int(day[-1] if day else 1))
        if day:
            end = start + timedelta(days=1)
        elif month:
            end = (start + timedelta(days=32)).replace(day=1)
        else:
            end = start.replace(year=start.year + 1)
        for moment in (start, end):
            timezone.make_aware(moment).astimezone(UTC)
    except (ValueError, OverflowError):
        return False
    return True


# The comparisons of a date and time whose value Django's admin passes on as typed (`__in`: a
# list, comma-separated). A transform (`__date`, `__year`) compares something else.
_COMPARISONS = frozenset({"exact", "gt", "gte", "lt", "lte", "in"})


def _compares_a_datetime(model, key: str) -> bool:
    """Whether the filter `key` (`issued_at__gte`, `user__date_joined`) compares a
    DateTimeField of `model`, or of a model its relations lead to, with a value."""
    parts = key.split(LOOKUP_SEP)
    opts = model._meta
    for at, part in enumerate(parts):
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            return False
        if field.is_relation and field.related_model is not None:
            opts = field.related_model._meta
            continue
        rest = parts[at + 1 :]
        return isinstance(field, DateTimeField) and len(rest) <= 1 and set(rest) <= _COMPARISONS
    return False


def _zoned(value: str) -> str:
    """`value` given its zone, if it is a date or a date and time typed without one: read in
    the current zone. Else as it was (Django refuses what is no date itself).
    IncorrectLookupParameters if no time holds it once read in UTC."""
    try:
        moment = parse_datetime(value.strip())
    except ValueError:  # well formed, no date ("2026-02-30"): Django's to refuse
        return value
    if moment is None or timezone.is_aware(moment):
        return value
    try:
        moment = timezone.make_aware(moment)
        moment.astimezone(UTC)
    except (ValueError, OverflowError) as error:
        raise IncorrectLookupParameters(error) from error
    return str(moment)


def zoned_times(model, query) -> QueryDict | None:
    """`query` (a list's) with each date and time its filters compare a DateTimeField with,
    typed without a zone, read in the current zone (`_zoned`); None if there is none."""
    zoned = QueryDict(mutable=True)
    changed = False
    for key, values in query.lists():
        if _compares_a_datetime(model, key):
            given = [
                ",".join(map(_zoned, v.split(","))) if key.endswith("__in") else _zoned(v)
                for v in values
            ]
            changed = changed or given != values
            values = given
        zoned.setlist(key, values)
    return zoned if changed else None


def bounded_search(search_term: str) -> tuple[str, int]:
    """`search_term` cut to its first MAX_SEARCH_WORDS words (a quoted phrase is one, as the
    admin reads it), and how many words it had."""
    words = list(smart_split(search_term))
    if len(words) <= MAX_SEARCH_WORDS:
        return search_term, len(words)
    return " ".join(words[:MAX_SEARCH_WORDS]), len(words)


def _holds(key, value) -> bool:
    """Whether `value` (as sent) is one the key field `key` can be looked up by."""
    if value in key.empty_values:
        return True  # Django's own look-up leaves it out
    try:
        key.clean(value, None)
    except ValidationError:
        return False
    return True


def refusing_filters(specs: list) -> list:
    """`specs` (a list's filters), each `SimpleListFilter` made to answer a value it cannot use
    as Django's field filters do: IncorrectLookupParameters, the plain list at `?e=1`."""
    for spec in specs:
        if isinstance(spec, SimpleListFilter):
            spec.queryset = _refusing(spec.queryset)  # type: ignore[method-assign]
    return specs


def _refusing(queryset):
    def refused_queryset(request, rows):
        try:
            return queryset(request, rows)
        except (ValueError, ValidationError) as error:
            raise IncorrectLookupParameters(error) from error

    return refused_queryset


def use_in_every_admin() -> None:
    """Bound `ModelAdmin`'s search, actions and list for every admin, before any is registered."""
    search = ModelAdmin.get_search_results
    response_action = ModelAdmin.response_action
    changelist_instance = ModelAdmin.get_changelist_instance
    changelist_view = ModelAdmin.changelist_view
    get_filters = ChangeList.get_filters

    def checked_get_filters(self, request):
        specs, *rest = get_filters(self, request)
        return (refusing_filters(specs), *rest)

    def get_search_results(self, request, queryset, search_term):
        # A list's search is cut with its links (below); an autocomplete menu's here.
        return search(self, request, queryset, bounded_search(search_term)[0])

    def checked_response_action(self, request, queryset):
        pk = self.model._meta.pk
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                pk.clean(value, None)
        except ValidationError:
            self.message_user(
                request,
                "The rows chosen are not rows of this list (the page may be out of date): "
                "nothing was changed. Choose them again.",
                messages.ERROR,
            )
            return None  # the list again, with the message
        return response_action(self, request, queryset)

    def get_changelist_instance(self, request):
        searched = request.GET.get(SEARCH_VAR, "")
        kept, words = bounded_search(searched)
        if kept != searched:
            query = request.GET.copy()
            query[SEARCH_VAR] = kept
            request.GET = query
            self.message_user(
                request,
                f"The search reads its first {MAX_SEARCH_WORDS} words; the other "
                f"{words - MAX_SEARCH_WORDS} were left out.",
                messages.WARNING,
            )
        if not drill_down_holds(self, request.GET):
            raise IncorrectLookupParameters("no time holds the drill-down's period")
        zoned = zoned_times(self.model, request.GET)
        if zoned is not None:
            request.GET = zoned
        if any("\x00" in value for values in request.GET.lists() for value in values[1]):
            # PostgreSQL's text refuses NUL (DataError, in the search too), SQLite's does not.
            raise IncorrectLookupParameters("a filter or search holds NUL")
        try:
            return changelist_instance(self, request)
        except (NotSupportedError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error

    def said_changelist_view(self, request, extra_context=None):
        response = changelist_view(self, request, extra_context)
        if ERROR_FLAG not in request.GET:
            return response
        if getattr(response, "template_name", None) == "admin/invalid_setup.html" and (
            set(request.GET) - {ERROR_FLAG}
        ):
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        if request.method == "GET" and isinstance(response, TemplateResponse):
            # Added before the list is drawn (a TemplateResponse draws after the view), so
            # it is shown on this page, not the next.
            self.message_user(request, FILTER_NOT_APPLIED, messages.WARNING)
        return response

    def held_optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        opts = remote.model._meta
        key = opts.get_field(getattr(remote, "field_name", None) or opts.pk.attname)
        return optgroups(self, name, [v for v in value if _holds(key, v)], attr)

    def held_check_values(self, value):
        opts = self.queryset.model._meta
        key = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for each in value if isinstance(value, list | tuple) else ():
            if not _holds(key, each):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(each)[:40]},
                )
        return check_values(self, value)

    # A private method the stubs leave out (start-up fails loudly if Django renames it).
    check_values = ModelMultipleChoiceField._check_values  # type: ignore[attr-defined]
    ModelMultipleChoiceField._check_values = held_check_values  # type: ignore[attr-defined]
    optgroups = AutocompleteMixin.optgroups
    AutocompleteMixin.optgroups = held_optgroups  # type: ignore[method-assign]
    ModelAdmin.get_search_results = get_search_results  # type: ignore[method-assign]
    ModelAdmin.response_action = checked_response_action  # type: ignore[method-assign]
    ModelAdmin.get_changelist_instance = get_changelist_instance  # type: ignore[method-assign]
    ModelAdmin.changelist_view = said_changelist_view  # type: ignore[method-assign]
    ChangeList.get_filters = checked_get_filters  # type: ignore[method-assign]
