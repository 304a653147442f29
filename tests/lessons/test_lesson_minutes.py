"""A lesson's reading time is 1 to 240 minutes, in the admin and in a content file alike: 0
showed "0 min" on the module page and 99,999,999 was taken (a file's beyond the database's small
integer failed the whole load with a database error, naming no file)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from curriculum.readers import CurriculumError, read_curriculum
from tests.conftest import make_lesson
from tests.content import write
from tests.curriculum.test_loader_lessons import content  # noqa: F401 (a fixture)
from tests.lessons.test_body_markers import _post

pytestmark = pytest.mark.django_db
SAID = "Minutes must be between 1 and 240 (the reading time; split a longer lesson)."


@pytest.mark.parametrize("typed", ["0", "241", "99999999"])
def test_the_admin_refuses_a_reading_time_out_of_range_at_its_field(admin_client, typed):
    lesson = make_lesson(minutes=8)
    response = _post(admin_client, lesson, minutes=typed)
    assert response.status_code == 200
    page = response.content.decode()
    said = page.split('id="id_minutes_error"', 1)[1].split("</ul>", 1)[0]
    assert SAID in said
    field = re.search(r'<input[^>]*name="minutes"[^>]*>', page)[0]
    assert 'min="1"' in field and 'max="240"' in field and f'value="{typed}"' in field
    lesson.refresh_from_db()
    assert lesson.minutes == 8


@pytest.mark.parametrize("typed", ["1", "240"])
def test_the_admin_takes_the_ends_of_the_range(admin_client, typed):
    lesson = make_lesson(minutes=8)
    assert _post(admin_client, lesson, minutes=typed).status_code == 302
    lesson.refresh_from_db()
    assert lesson.minutes == int(typed)


@pytest.mark.parametrize("minutes", [0, 241, 99_999_999])
def test_the_loader_names_the_file_and_line_of_a_reading_time_out_of_range(
    content: Path,  # noqa: F811
    minutes,
):
    path = "basics/01-first.md"
    text = (content / path).read_text()
    write(content, path, re.sub(r"(?m)^minutes: .*$", f"minutes: {minutes}", text))
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("minutes:"))
    with pytest.raises(CurriculumError) as excinfo:
        read_curriculum(content)
    assert (
        f"{path}:{line}: front matter: 'minutes' must be between 1 and 240 (the reading time; "
        f"split a longer lesson), not {minutes}"
    ) in excinfo.value.lines()
