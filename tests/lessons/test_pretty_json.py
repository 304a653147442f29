"""`pretty_json` (the scenario and question pages' policies, networks and web ACLs) shows JSON
re-indented, and anything it cannot re-indent as it was given, never a server error."""

from __future__ import annotations

from lessons.templatetags.lessons_extras import pretty_json


def test_json_text_nested_deeper_than_the_decoder_recurses_is_shown_as_written():
    # 1,200 levels: json.loads raised RecursionError, which only ValueError was caught for.
    deep = "[" * 1200 + "]" * 1200
    assert pretty_json(deep) == deep
    unclosed = '{"a": ' * 3000
    assert pretty_json(unclosed) == unclosed


def test_data_nested_deeper_than_the_encoder_recurses_says_so():
    deep: list = []
    for _ in range(1500):
        deep = [deep]
    assert pretty_json(deep) == "(nested too deeply to show)"
