"""A value no control offers is refused quoting at most its first 40 characters, in every form
(`srm_trainer/choice_errors.py`): the route-the-findings editor said a 2 MB value three times."""

from __future__ import annotations

import pytest
from django import forms

from srm_trainer.choice_errors import QUOTED


@pytest.mark.parametrize(
    "field",
    [
        forms.ChoiceField(choices=[("a", "A")]),
        forms.TypedChoiceField(choices=[("1", "One")], coerce=int),
        forms.MultipleChoiceField(choices=[("a", "A")]),
    ],
)
def test_a_long_value_is_quoted_by_its_start_only(field):
    sent = "expert" + "x" * 100_000
    with pytest.raises(forms.ValidationError) as caught:
        field.clean([sent] if isinstance(field, forms.MultipleChoiceField) else sent)
    (message,) = caught.value.messages
    assert message == (
        f"Select a valid choice. {sent[:QUOTED]} is not one of the available choices."
    )


def test_a_short_value_is_still_named_whole():
    with pytest.raises(forms.ValidationError) as caught:
        forms.ChoiceField(choices=[("a", "A")]).clean("expert")
    assert caught.value.messages == [
        "Select a valid choice. expert is not one of the available choices."
    ]
