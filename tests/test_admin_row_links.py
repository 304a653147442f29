"""A filtered admin list's row links keep the list's filters, as Django makes them, without
resolving each row's link (srm_trainer/admin_row_links.py): the same links, and the same
number of URL resolutions for a page of 3 rows or of 30."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.admin.templatetags import admin_urls
from django.contrib.auth import get_user_model
from django.utils import timezone

from quizzes.models import Attempt, ReviewCard
from srm_trainer import admin_row_links
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db

FILTERS = "_changelist_filters=user__id__exact%3D7%26q%3Dada%2Bb"


@pytest.mark.parametrize(
    ("url", "context"),
    [
        # a row's change page, with the list's filters (what every row of a filtered list asks)
        ("/admin/quizzes/attempt/12/change/", {"preserved_filters": FILTERS}),
        # a link with a query of its own: its parameters win over the filters'
        ("/admin/quizzes/attempt/12/change/?_changelist_filters=x", {"preserved_filters": FILTERS}),
        ("/admin/quizzes/attempt/12/change/?a=1", {"preserved_filters": "b=2&a=3"}),
        # the list itself: Django unpacks its filters (left to Django)
        ("/admin/quizzes/attempt/", {"preserved_filters": FILTERS}),
        ("/admin/quizzes/attempt/?o=2", {"preserved_filters": FILTERS}),
        # another model's list, and a path no URL matches
        ("/admin/quizzes/reviewcard/", {"preserved_filters": FILTERS}),
        ("/nowhere/at/all/", {"preserved_filters": FILTERS}),
        # no filters, a popup, a field to return
        ("/admin/quizzes/attempt/12/change/", {"preserved_filters": ""}),
        ("/admin/quizzes/attempt/12/change/", {"preserved_filters": FILTERS, "popup": True}),
        ("/admin/quizzes/attempt/12/change/", {"preserved_filters": FILTERS, "to_field": "id"}),
    ],
)
def test_a_row_link_is_the_one_django_makes(url, context):
    popup = context.pop("popup", False)
    to_field = context.pop("to_field", None)
    context["opts"] = Attempt._meta
    assert admin_row_links.add_preserved_filters(
        context, url, popup, to_field
    ) == admin_urls.add_preserved_filters(context, url, popup, to_field)


def _resolutions(monkeypatch, client, url: str) -> tuple[int, str]:
    calls = []
    resolve = admin_urls.resolve

    def counted(path, *args, **kwargs):
        calls.append(path)
        return resolve(path, *args, **kwargs)

    monkeypatch.setattr(admin_urls, "resolve", counted)
    page = client.get(url).content.decode()
    monkeypatch.undo()
    return len(calls), page


def test_a_filtered_list_resolves_no_link_row_by_row(monkeypatch, admin_client):
    learner = get_user_model().objects.create_user("ada-b")
    question = make_question()
    quiz = make_quiz(question)
    url = f"/admin/quizzes/attempt/?user__id__exact={learner.pk}"
    seen = []
    now = timezone.now()
    for rows in (3, 30):
        have = Attempt.objects.filter(user=learner).count()
        Attempt.objects.bulk_create(
            Attempt(quiz=quiz, user=learner, question_ids=[question.pk], layout={},
                    started_at=now - timedelta(minutes=n), submitted_at=now, score=1.0)
            for n in range(have, rows)
        )  # fmt: skip
        seen.append(_resolutions(monkeypatch, admin_client, url))
    (few, _), (many, page) = seen
    assert many == few
    # each row still links to its change page with the list's filters kept
    links = re.findall(r'<th class="field-quiz[^"]*"><a href="([^"]+)"', page)
    assert len(links) == 30
    kept = f"_changelist_filters=user__id__exact%3D{learner.pk}"
    assert all(link.endswith(f"/change/?{kept}") for link in links), links[:2]
    cards = f"/admin/quizzes/reviewcard/?user__id__exact={learner.pk}"
    ReviewCard.objects.create(user=learner, question=question, card={}, due=now)
    assert f"/change/?_changelist_filters=user__id__exact%3D{learner.pk}" in (
        admin_client.get(cards).content.decode()
    )
