"""Finding a cohort's learner by a few typed letters, for an assignment's extension form
(`srm_trainer.finder`). Its menu drew every learner of the cohort: 300 options (13 KiB of the
page) for a class of 300, one <select> to scroll. The learner is typed as their username, the
browser suggesting at most `MATCHES` (a <datalist> htmx fills as the instructor types).

Who may be chosen is the caller's queryset (the cohort's learners), nothing else: the
suggestions are drawn from it and a typed username or id is looked up in it, so someone outside
the cohort is neither offered nor taken, and the message for them does not say whether such an
account exists."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from srm_trainer import finder as shared
from srm_trainer.finder import MATCHES, MAX_QUERY

__all__ = ["MATCHES", "MAX_QUERY", "LearnerField", "find", "named"]

OPTIONS_ID = "learner-options"  # the <datalist> of the learner field's suggestions
MAX_USERNAME = 150  # Django's username length
# The name a learner chose to show their instructors, read from a user (`lessons.shown_names`).
_SHOWN = "profile__shown_name"
WORDING = shared.Wording(
    one="learner",
    many="learners",
    empty="This cohort has no learners yet.",
    first="The first {n} learners by username; type letters of a username or a chosen name "
    "to find others.",
    every="All {count} of this cohort.",
    no_match="No learner of this cohort matches “{typed}”.",
)
NOT_A_LEARNER = (
    "“%(value)s” is not a learner of this cohort. Type their username, or choose one of the "
    "suggestions."
)


def find(learners: QuerySet, query: str) -> shared.Found:
    """At most `MATCHES` of `learners` holding every typed word (case aside) in their username
    or the name they chose to show their instructors (`lessons.shown_names`), by username, as
    (username, label) suggestions: the label adds the chosen name, "ada (Augusta Ada King)".
    The assignment's list of extensions, the gradebook and its "Find a learner" name learners
    so, and an instructor who typed the name of their own register here found nobody."""
    query = str(query)[:MAX_QUERY]
    rows = shared.matching(
        learners.order_by("username").values_list("username", _SHOWN), query, ("username", _SHOWN)
    )
    found, more = shared.first(rows, MATCHES)
    return shared.Found(query, [(u, f"{u} ({n})" if n else u) for u, n in found], more, WORDING)


def named(learners: QuerySet, text: object):
    """The one of `learners` that `text` names: by username (exactly, else case aside when only
    one matches so), else by id; None for anything else."""
    text = shared.typed_text(text)
    if not text or len(text) > MAX_USERNAME:
        return None
    rows = list(learners.filter(username__iexact=text).order_by("pk")[:3])
    exact = [u for u in rows if u.username == text]
    if exact or len(rows) == 1:
        return (exact or rows)[0]
    if shared.PLAIN_KEY.match(text):
        return learners.filter(pk=int(text)).first()
    return None


class LearnerField(forms.Field):
    """A learner among `queryset`, typed as their username (or their id: a page drawn before, a
    script). It was a <select> of every learner of the cohort."""

    widget = forms.TextInput
    default_error_messages = {"invalid_choice": NOT_A_LEARNER}

    def __init__(self, *, queryset: QuerySet | None = None, **kwargs):
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else get_user_model().objects.none()

    def prepare_value(self, value):
        """Shown as the username: a user, or their id (one row read), or what was typed."""
        if isinstance(value, get_user_model()):
            return value.get_username()
        if isinstance(value, str) and shared.PLAIN_KEY.match(value):
            user = named(self.queryset, value)
            return user.get_username() if user is not None else value
        return value

    def to_python(self, value):
        text = shared.typed_text(value)
        if not text:
            return None
        user = named(self.queryset, text)
        if user is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": text[:80]},
            )
        return user
