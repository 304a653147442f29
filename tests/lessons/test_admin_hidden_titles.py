"""A lesson's or module's title with a character no one can see is refused in the admin, as a
quiz's is (`hidden_in_title`): a direction override (U+202E) turned the title, and the rest of
its line, around in the course's menus, and a zero-width space pasted from a web page made two
titles differ unseen. The rest of what was typed is kept."""

from __future__ import annotations

import html

import pytest

from lessons.models import Lesson
from tests.conftest import make_lesson
from tests.test_admin_json_field import as_shown, change_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("hidden", ["\u202e", "\u200b"], ids=["override", "zero-width-space"])
@pytest.mark.parametrize("kind", ["lesson", "module"])
def test_a_title_with_an_invisible_character_is_refused_at_the_field(
    client, everyday_admin, kind, hidden
):
    lesson = make_lesson()
    obj = lesson if kind == "lesson" else lesson.module
    data = as_shown(client, change_url(obj))
    data["title"] = f"Policies{hidden} in practice"
    data["summary"] = "Kept as typed."
    page = html.unescape(client.post(change_url(obj), data).content.decode())

    said = f"contains an invisible or control character (U+{ord(hidden):04X})"
    assert f'<ul class="errorlist" id="id_title_error"><li>\'title\' {said}' in page
    assert "Kept as typed." in page
    obj.refresh_from_db()
    assert hidden not in obj.title


def test_a_title_in_another_script_or_with_emoji_is_kept(client, everyday_admin):
    """Only what cannot be seen is refused: accents, other scripts, emoji and the zero-width
    joiner an emoji sequence needs are letters people read."""
    lesson = make_lesson()
    data = as_shown(client, change_url(lesson))
    data["title"] = "Política de IAM: 権限 👩\u200d💻"
    assert client.post(change_url(lesson), data).status_code == 302
    assert Lesson.objects.get(pk=lesson.pk).title == "Política de IAM: 権限 👩\u200d💻"
