"""The name a learner chooses to show their instructors ("Name shown to your instructors").

Instructors asked for learners' real names beside the usernames, to match them to their own
registers; an account's first and last names (set in the admin) and its e-mail address are not
for them. So the learner decides: an optional name, blank by default, kept on their profile
(`lessons.Profile.shown_name`), shown to the instructors of the cohorts they are in (the
gradebook, the people page, the page for one learner, "Recently left", a learner's attempt
they open, and both CSVs) and to no one else.

Every instructor page reads it in the query that reads its learners (`select_related(RELATED)`
or a `values` of `VALUE`), so a page's cost does not grow with its class.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ObjectDoesNotExist, ValidationError

from srm_trainer.typed_text import hidden_character

MAX_LENGTH = 150
# `select_related` from a membership (or anything with a `user`) that brings the name along.
RELATED = "user__profile"
# The same, as a `values` lookup.
VALUE = "user__profile__shown_name"


def clean(value: str) -> str:
    """`value` as it is kept: white space trimmed, NFC (one way to write each letter, so "é"
    typed two ways is one name); "" for none. Raises ValidationError naming what is wrong."""
    name = unicodedata.normalize("NFC", value or "").strip()
    validate(name)
    return name


def validate(name: str) -> None:
    """The model field's check (the admin's form runs it too): a line of plain text."""
    if len(name) > MAX_LENGTH:
        raise ValidationError(
            f"Keep it to {MAX_LENGTH} characters or fewer (it has {len(name)}).",
            code="max_length",
        )
    for position, char in enumerate(name, start=1):
        # The rule for every name shown in a list (`typed_text.hidden_character`: controls and
        # format characters, a direction override among them, would let the username beside
        # it read as another's), and line breaks besides: a name is one line.
        if hidden_character(char) or unicodedata.category(char) in ("Zl", "Zp"):
            raise ValidationError(
                f"Character {position} is a control character (U+{ord(char):04X}); "
                "a name is one line of letters, spaces and punctuation.",
                code="control_character",
            )


def of(user) -> str:
    """The learner's chosen name, or "" when they chose none (or have no profile). Read with
    `select_related` it costs no query: the page's own read brought it."""
    try:
        return user.profile.shown_name
    except ObjectDoesNotExist:
        return ""
