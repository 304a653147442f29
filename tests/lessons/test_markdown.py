"""Lesson Markdown is rendered by a real parser and sanitized."""

import re
from pathlib import Path

from lessons.markdown import (
    MAX_TABLE_CELLS,
    markdown_summary,
    markdown_text,
    render_markdown,
    render_markdown_uncached,
)


def test_headings_get_anchors_and_are_listed_for_the_table_of_contents():
    rendered = render_markdown("## Why it matters\n\ntext\n\n## The idea\n\nmore\n")
    assert '<h2 id="why-it-matters">' in rendered.html
    assert rendered.headings == (("why-it-matters", "Why it matters"), ("the-idea", "The idea"))


def test_the_table_of_contents_lists_a_heading_as_it_reads_not_as_typed():
    """ "On this page" showed a heading's Markdown: "Allow `s3:GetObject`" with its backticks.
    Its words now, escaped, code spans as code and other marks gone."""
    rendered = render_markdown_uncached(
        "## Allow `s3:GetObject` on *one* [bucket](/x/)\n\n## Tags & <b>bold</b> `<i>`\n"
    )
    assert rendered.headings == (
        ("allow-s3-getobject-on-one-bucket", "Allow <code>s3:GetObject</code> on one bucket"),
        ("tags-b-bold-b-i", "Tags &amp; &lt;b&gt;bold&lt;/b&gt; <code>&lt;i&gt;</code>"),
    )


def test_headings_of_one_name_are_numbered_in_page_order_and_never_share_an_id():
    """As mdit_py_plugins' anchors plugin numbers them (the ids lessons already link to), but
    each name goes on from its last number: the plugin tried -1, -2, ... again for every
    heading, and 3,333 headings of one word (a 10,000-character explanation) cost 0.7 s."""
    text = "## A\n\n## A 1\n\n## A\n\n### A\n\n## A-1\n\n## a\n\n#### A\n"
    ids = re.findall(r'<h[23] id="([^"]*)"', render_markdown_uncached(text).html)
    assert ids == ["a", "a-1", "a-2", "a-3", "a-1-1", "a-4"]
    many = re.findall(r'<h2 id="([^"]*)"', render_markdown_uncached("\n## x" * 3000).html)
    assert many == ["x", *(f"x-{n}" for n in range(1, 3000))]


def test_raw_html_and_script_urls_are_neutralised():
    html = render_markdown(
        "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    ).html
    assert "<script" not in html
    assert 'href="javascript' not in html
    assert "<img" not in html


def test_key_points_and_notes_become_labelled_boxes():
    html = render_markdown("::: key-points\n- one\n:::\n\n::: warning\nCareful.\n:::\n").html
    assert '<div class="box box-key-points" role="note" aria-label="Key points">' in html
    assert 'aria-label="Watch out"' in html


def test_policy_json_is_shown_indented_and_escaped():
    html = render_markdown(
        '```json\n{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"<x>"}]}\n```\n'
    ).html
    assert '<code class="language-json">{\n  "Version": "2012-10-17",\n  "Statement": [' in html
    assert "&lt;x&gt;" in html


def test_deliberately_broken_json_is_shown_as_written():
    html = render_markdown('```json\n{"Effect": "Allow",}\n```\n').html
    assert '<code class="language-json">{"Effect": "Allow",}\n</code>' in html


def test_json_nested_deeper_than_the_decoder_recurses_is_shown_as_written():
    """1,200 `[` in a ```json block (an instructor's prompt, previewed or saved): the
    re-indenting raised RecursionError, a 500 on the question editor and every page showing it."""
    deep = "[" * 1200
    html = render_markdown_uncached(f"```json\n{deep}\n```\n").html
    assert f'<code class="language-json">{deep}\n</code>' in html


def test_tables_render():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n").html
    assert "<table>" in html and "<td>1</td>" in html


def test_a_columns_alignment_is_a_class_the_stylesheet_draws_not_an_inline_style():
    """`|:--:|` gave each cell `style="text-align:center"`, which the site's CSP refuses (no
    inline styles): the column was drawn as every other. A class is allowed, and drawn."""
    html = render_markdown_uncached(
        "| Name | Count | Note |\n|:-----|:-----:|-----:|\n| a | 1 | x |\n"
    ).html
    assert "style=" not in html
    assert '<th class="align-left">Name</th>' in html
    assert '<td class="align-center">1</td>' in html
    assert '<td class="align-right">x</td>' in html
    css = (Path(__file__).resolve().parents[2] / "static/css/site.css").read_text()
    for side in ("left", "center", "right"):
        assert f"table td.align-{side} {{ text-align: {side}; }}" in css.replace(
            f"table th.align-{side}, ", ""
        )


def test_a_table_scrolls_in_a_named_box_a_keyboard_can_stop_on():
    """As every `.table-scroll` box elsewhere: a wide table scrolls sideways on a phone, so its
    box is focusable (the keyboard scrolls it) and named after the table's columns, as they
    read (formatting dropped, markup escaped), for a screen reader to announce."""
    html = render_markdown(
        "Before.\n\n| **Layer** | `s3:Get*` | a <b> |\n|---|---|---|\n| 1 | 2 | 3 |\n"
    ).html
    opening = (
        '<div class="table-scroll" tabindex="0" role="group" '
        'aria-label="Table: Layer, s3:Get*, a &lt;b&gt; (scrolls sideways)"><table>'
    )
    assert opening in html
    assert html.count("<div") == 1
    assert html.index(opening) < html.index("<td>1</td>") < html.index("</table></div>")


def test_every_table_gets_its_own_box_and_a_long_header_is_cut_short():
    wide = "| " + " | ".join(f"Column number {n}" for n in range(12)) + " |\n"
    rule = "|" + "---|" * 12 + "\n"
    row = "|" + " x |" * 12 + "\n"
    html = render_markdown(f"{wide}{rule}{row}\ntext\n\n| only |\n|---|\n| y |\n").html
    labels = re.findall(r'<div class="table-scroll"[^>]* aria-label="([^"]*)"', html)
    assert len(labels) == 2 and html.count("</table></div>") == 2
    assert labels[0].startswith("Table: Column number 0, Column number 1,")
    assert labels[0].endswith("… (scrolls sideways)") and len(labels[0]) < 130
    assert labels[1] == "Table: only (scrolls sideways)"


def test_a_table_of_many_short_rows_stops_at_its_cell_limit_and_keeps_the_rest_as_text():
    """A prompt an instructor may save (under 5,000 characters): 250 header columns over a
    thousand one-character rows. markdown-it filled every row to 250 cells, 65,536 in all, and
    one render cost 1.1 s of CPU on each page showing the question. The table stops at
    MAX_TABLE_CELLS; the rows past it stay on the page as text."""
    columns = 250
    text = "|a" * columns + "\n" + "|-" * columns + "\n" + "r\n" * 999 + "last\n"
    assert len(text) <= 5000

    html = render_markdown_uncached(text).html

    assert html.count("<td") <= MAX_TABLE_CELLS
    assert "<td>r</td>" in html and "last" in html  # the rows past the table are not lost


def test_an_ordinary_table_is_whole_under_the_cell_limit():
    rows = "".join(f"| {n} | x |\n" for n in range(MAX_TABLE_CELLS // 2 - 1))
    html = render_markdown_uncached("| n | x |\n|---|---|\n" + rows).html
    assert html.count("<tr>") == MAX_TABLE_CELLS // 2 and html.count("<table>") == 1


def test_a_summary_is_the_words_with_code_kept_and_other_marks_gone():
    """One line of a list: no `**`, heading marks or list dashes, and nothing the text adds runs."""
    text = "## Pick one\n\n**Which** grants `s3:ListBucket`?\n\n- [the docs](https://x) <b>\n"
    assert markdown_summary(text, 200) == (
        "Pick one Which grants <code>s3:ListBucket</code>? the docs &lt;b&gt;"
    )
    assert markdown_text("Use `iam:PassRole` & more", 200) == "Use iam:PassRole & more"


def test_a_summary_is_cut_to_its_length_with_an_ellipsis_inside_code_too():
    cut = markdown_summary("Grant `s3:GetObject` only", 10)
    assert cut == "Grant <code>s3:…</code>"
    assert markdown_summary("Short", 10) == "Short"
    assert len(markdown_text("word " * 50, 40)) == 40
