"""A cohort's one-line fields leave their limit to the server (`typed_text.LimitsOnServer`):
a `maxlength` made the browser cut a longer paste without a word (a name at 120, a username at
150, a join code's box at 64, which lost a code at the end of a pasted paragraph)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from tests.cohorts.conftest import client_for

pytestmark = pytest.mark.django_db


def cut_by_the_browser(page: str) -> list[str]:
    """The inputs with a `maxlength`, search boxes apart (a search reads its first
    characters, a limit of its own)."""
    inputs = re.findall(r"<input[^>]*>", page)
    return [i for i in inputs if "maxlength" in i and 'type="search"' not in i]


@pytest.mark.parametrize("page", ["list", "people", "next-term", "assignment-create"])
def test_the_instructors_cohort_pages_draw_no_maxlength(cohort, owner, page):
    args = [] if page == "list" else [cohort.pk]
    drawn = client_for(owner).get(reverse(f"teach_cohorts:{page}", args=args), follow=True)
    assert drawn.status_code == 200
    assert cut_by_the_browser(drawn.content.decode()) == []


def test_the_join_box_takes_a_whole_paragraph_and_says_its_length(cohort, other_learner):
    client = client_for(other_learner)
    page = client.get(reverse("cohorts:mine")).content.decode()
    assert 'name="code"' in page and cut_by_the_browser(page) == []
    pasted = "Hello all, this term's class is at nine on Mondays; the join code is " + (
        cohort.code_display
    )
    assert len(pasted) > 64  # cut at 64 by the browser, the code was gone
    refused = client.post(reverse("cohorts:join"), {"code": pasted})
    said = " ".join(unescape(refused.content.decode()).split())
    assert f"that is {len(pasted)} characters long: type or paste the code alone" in said
    assert not cohort.memberships.filter(user=other_learner).exists()


def test_a_co_instructor_pasted_past_the_username_limit_is_refused_with_its_length(
    cohort, owner, co_instructor
):
    teachers = set(cohort.co_instructors.all())
    pasted = "otto" * 40
    refused = client_for(owner).post(
        reverse("teach_cohorts:instructor-add", args=[cohort.pk]), {"username": pasted}
    )
    assert refused.status_code == 200
    said = unescape(refused.content.decode())
    assert f"This is {len(pasted)} characters long; it takes at most 150." in said
    assert f'value="{pasted}"' in said
    assert set(cohort.co_instructors.all()) == teachers
