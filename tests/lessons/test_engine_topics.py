"""Every reason code and finding topic of the engine links to a lesson that exists.

The engine names topics (`srm_trainer.iam.reasons.Topic`); the website turns them into links
with `reverse()` (`lessons/engine_topics.py`). A renamed or missing lesson fails here, not as a
dead "Learn why" link on the sandbox page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lessons.engine_topics import TOPIC_LESSONS, lesson_url, reason_lesson_url
from srm_trainer.iam.reasons import ReasonCode, Topic
from srm_trainer.iam.words import REASONS

CONTENT = Path(__file__).resolve().parents[2] / "lessons" / "content"


@pytest.mark.parametrize("topic", list(Topic))
def test_every_topic_has_a_lesson_in_the_curriculum(topic):
    module, lesson = TOPIC_LESSONS[topic]
    files = list((CONTENT / module).glob(f"[0-9][0-9]-{lesson}.md"))
    assert files, f"{topic}: no lessons/content/{module}/NN-{lesson}.md"
    assert lesson_url(topic) == f"/learn/{module}/{lesson}/"


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_reason_code_has_words_and_a_lesson_link(code):
    templates, topic = REASONS[code]
    assert templates
    assert reason_lesson_url(code) == lesson_url(topic) != ""


def test_an_unknown_topic_gives_no_link_rather_than_an_error():
    assert lesson_url(None) == "" and lesson_url("no-such-topic") == ""
