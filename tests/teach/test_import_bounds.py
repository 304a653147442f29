"""An import's preview costs a bounded amount whatever the file repeats within its 512 KB: notes
and problems that a file can multiply are said a bounded number of times, and every place is
found without reading the text again (docs/limits.md, "Bounded work per request")."""

from __future__ import annotations

import json
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from srm_trainer.iam.jsontext import Lines, line_col
from teach.transfer import gift, importer, json_format
from teach.transfer.drafts import MAX_ERRORS_SHOWN, MAX_QUESTIONS, MAX_TEXT_CHARS, TransferError

pytestmark = pytest.mark.django_db


def _bank(questions: list[dict], **top) -> str:
    return json.dumps(
        {
            "format": "srm-trainer-questions",
            "version": 1,
            "kind": "bank",
            **top,
            "questions": questions,
        }
    )


def _single(n: int, **fields) -> dict:
    return {
        "slug": f"q{n}",
        "type": "single",
        "prompt": "Which one?",
        "explanation": "Because.",
        "data": {
            "choices": [
                {"id": "a", "text": "A", "correct": True},
                {"id": "b", "text": "B", "correct": False},
            ]
        },
        **fields,
    }


def test_lines_places_every_offset_as_line_col_does():
    rng = random.Random(7)
    text = "".join(rng.choice("ab\n\n{") for _ in range(3000)) + "\n"
    lines = Lines(text)
    for offset in [0, 1, len(text) - 1, len(text), *rng.sample(range(len(text)), 500)]:
        assert lines(offset) == line_col(text, offset)
    assert Lines("")(0) == (1, 1)


def test_forty_thousand_unknown_fields_are_counted_after_the_first_notes(instructor):
    # 50,000 unknown keys made a 1 MB preview (a note each) and cost 8 s of CPU.
    extra = {f"k{n}": 0 for n in range(40_000)}
    text = _bank([_single(1)], **extra)
    assert len(text) < MAX_TEXT_CHARS
    warnings = importer.preview(text, "json", owner=instructor).warnings
    unknown = [w for w in warnings if "does not know" in w]
    assert len(unknown) == MAX_ERRORS_SHOWN + 1
    assert (
        unknown[0]
        == "Line 1: the file has a field this version does not know, 'k0': it is ignored."
    )
    assert unknown[-1] == (
        f"... and {40_000 - MAX_ERRORS_SHOWN:,} more fields this version does not know: they are "
        "ignored."
    )


def test_a_few_unknown_fields_are_each_named_at_their_line(instructor):
    text = _bank([_single(1, colour="red")], shade="dark")
    warnings = importer.preview(text, "json", owner=instructor).warnings
    assert [w for w in warnings if "does not know" in w] == [
        "Line 1: the file has a field this version does not know, 'shade': it is ignored.",
        "Line 1: question 'q1' has a field this version does not know, 'colour': it is ignored.",
    ]


def test_too_many_tags_are_said_once_per_question_not_each(instructor):
    # 300 questions of 100 bad tags each: 30,000 located problems, 4.6 s of CPU.
    text = _bank([_single(n, tags=[f"Bad Tag {k}" for k in range(100)]) for n in range(3)])
    with pytest.raises(TransferError) as caught:
        importer.preview(text, "json", owner=instructor)
    tags_at = [text.index('"tags"', text.index(f'"q{n}"')) for n in range(3)]
    assert caught.value.lines() == [
        f"Line 1, column {at + 1}: question 'q{n}': at most 20 bank tags, not 100"
        for n, at in enumerate(tags_at)
    ]


def test_misconception_tags_are_held_to_the_editors_twenty(instructor):
    text = _bank([_single(1, misconceptions=[f"m-{k}" for k in range(21)])])
    with pytest.raises(TransferError) as caught:
        importer.preview(text, "json", owner=instructor)
    assert [line.split(": ", 1)[1] for line in caught.value.lines()] == [
        "question 'q1': at most 20 misconception tags, not 21"
    ]
    text = _bank([_single(1, misconceptions=[f"m-{k}" for k in range(20)])])
    assert len(importer.preview(text, "json", owner=instructor).questions) == 1


def test_a_bad_misconception_tag_is_still_named_when_there_are_few(instructor):
    text = _bank([_single(1, misconceptions=["Not A Tag"])])
    with pytest.raises(TransferError) as caught:
        importer.preview(text, "json", owner=instructor)
    assert "the misconception tag 'Not A Tag' must be lowercase words" in caught.value.lines()[0]


def test_a_gift_file_of_more_blocks_than_questions_allowed_stops_reading_there():
    # 75,000 refused blocks were each read and said: 1.6 s of CPU and 300 MB for one preview.
    text = "Q{T}\n\n" * 30_000
    with pytest.raises(TransferError) as caught:
        gift.parse(text)
    assert caught.value.lines() == [
        f"Line {2 * MAX_QUESTIONS + 1}: one import takes at most {MAX_QUESTIONS} questions "
        "(split the file)"
    ]


def test_a_gift_file_of_the_most_questions_is_read_whole():
    text = "".join(f"::q{n}:: Is it? {{T####Yes.}}\n\n" for n in range(MAX_QUESTIONS))
    assert len(gift.parse(text).questions) == MAX_QUESTIONS


def test_the_reader_places_keys_as_line_col_does():
    text = '{\n  "a": {"b":\n   [1, {"c": 2}]}}'
    value, locate = json_format.read_located(text)
    assert value == {"a": {"b": [1, {"c": 2}]}}
    assert locate(("a", "b", 1, "c")) == line_col(text, text.index('"c"'))


def test_a_file_within_the_request_bound_reaches_the_page_that_refuses_it_in_its_own_words(teacher):
    # Within the import's door (srm_trainer/too_large.py: three times its 512 KB, a text's
    # escapes). The import takes 512 KB and says so, naming the file's size.
    upload = SimpleUploadedFile("bank.json", b" " * (1024 * 1024))
    response = teacher.post("/teach/import/", {"file": upload, "format": "auto"})
    assert response.status_code == 200
    assert "The file is 1024 KB; one import reads at most 512 KB" in response.content.decode()


def test_a_file_over_the_imports_door_is_refused_unread_saying_its_limit(teacher):
    upload = SimpleUploadedFile("bank.json", b" " * (3 * 1024 * 1024))
    response = teacher.post("/teach/import/", {"file": upload, "format": "auto"})
    assert response.status_code == 400
    assert "(at most 1.51 MB), so nothing was imported" in response.content.decode()
