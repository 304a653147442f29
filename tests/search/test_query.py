"""From typed text to a database query: words only, each quoted, never an operator; snippets
escaped with only the database's hit markers turned into <mark>."""

from __future__ import annotations

import pytest

from search.query import (
    MAX_QUERY,
    MAX_TERMS,
    _after,
    excerpt,
    fts5_query,
    highlighted,
    terms,
    tsquery,
)
from search.sources import MARK_END, MARK_START


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("permissions boundary", ("permissions", "boundary")),
        ('"unbalanced', ("unbalanced",)),
        ("NEAR(a b)", ("near", "a", "b")),
        ("s3:Get* -Deny OR iam:PassRole", ("s3", "get", "deny", "or", "iam", "passrole")),
        ("title:root^2 {col}", ("title", "root", "2", "col")),
        ("snake_case", ("snake", "case")),
        ("Übergang café 東京", ("übergang", "café", "東京")),
        # compatibility forms as their plain letters (NFKC): full-width, a ligature
        ("ＩＡＭ ｒｏｌｅ", ("iam", "role")),
        ("ﬁle", ("file",)),
        ("KMS kms Kms", ("kms",)),
        ("* \" ( ) : ^ - + ' \\ & | !", ()),
        ("", ()),
    ],
)
def test_terms_are_the_words_and_nothing_else(typed, words):
    assert terms(typed) == words


def test_terms_are_bounded_in_number_length_and_input():
    assert len(terms(" ".join(f"w{i}" for i in range(50)))) == MAX_TERMS
    assert terms("a" * 41 + " kept") == ("kept",)  # no real word is that long
    assert terms("x " * MAX_QUERY + "beyond") == ("x",)  # only the first MAX_QUERY characters


def test_a_pasted_question_is_searched_by_the_words_saying_what_it_is_about():
    """Its first eight words were mostly "which", "to", "as", "of": the ones naming the thing
    came later and were cut, so the question was found, if at all, by its function words."""
    assert terms("Which tasks belong to AWS as part of security of the cloud?") == (
        "tasks",
        "belong",
        "part",
        "security",
        "cloud",
    )
    # eight words or fewer are searched as typed
    assert terms("who is responsible for patching EC2") == (
        "who",
        "is",
        "responsible",
        "for",
        "patching",
        "ec2",
    )
    assert len(terms("the of " * 20 + "a an")) <= MAX_TERMS  # nothing else: as typed, cut


def test_an_fts5_query_quotes_every_word_and_ands_them():
    assert fts5_query(("near", "x", "b")) == '"near" AND "x" AND "b"'
    assert fts5_query(("near", "or")) == '"near" AND "or"'  # the last is always looked for


def test_sqlite_does_not_require_a_function_word_as_postgresql_drops_it():
    """As PostgreSQL's English configuration drops "what", "is", "the": "what is the shared
    responsibility model" finds the module, whose text says neither "what" nor "is"."""
    assert fts5_query(("what", "is", "the", "shared", "model"), prefix=False) == (
        '"shared" AND "model"'
    )


def test_the_last_word_is_a_prefix_once_it_is_long_enough():
    assert fts5_query(("permissions", "bou")) == '"permissions" AND "bou"*'
    assert tsquery(("permissions", "bou")) == "'permissions' & 'bou':*"
    assert not fts5_query(("s3",)).endswith("*")


def test_the_last_word_is_also_each_word_it_was_completed_to():
    assert fts5_query(("kms", "encrypti"), completed=("encryption",)) == (
        '"kms" AND ("encrypti"* OR "encryption")'
    )
    assert tsquery(("kms", "encrypti"), completed=("encryption", "it's")) == (
        "'kms' & ('encrypti':* | 'encryption' | 'it''s')"
    )
    # Only a prefix is completed: a whole-word query (the "holds it whole" rule) is not.
    assert fts5_query(("encrypti",), prefix=False, completed=("encryption",)) == '"encrypti"'
    assert tsquery(("s3",), completed=("s3express",)) == "'s3'"


def test_a_tsquery_quotes_every_word():
    assert tsquery(("near", "a")) == "'near' & 'a'"


def test_highlighting_escapes_everything_but_the_markers():
    text = f'<script>alert("x")</script> {MARK_START}boundary{MARK_END} & <b>'
    html = highlighted(text)
    assert html == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>boundary</mark> &amp; &lt;b&gt;"
    )


def test_highlighting_keeps_marks_balanced():
    assert highlighted(f"{MARK_START}a{MARK_START}b") == "<mark>ab</mark>"
    assert highlighted(f"{MARK_END}a{MARK_END}") == "a"
    assert highlighted("") == ""


def _marked(text: str) -> str:
    """`[word]` written as the database marks a hit."""
    return text.replace("[", MARK_START).replace("]", MARK_END)


def test_an_excerpt_is_the_window_with_the_most_hits_led_in_by_a_few_words():
    words = [f"w{i}" for i in range(100)]
    words[10] = "[kms]"  # one hit early, three close together later
    words[60], words[62], words[64] = "[kms]", "[key]", "[kms]"
    cut = excerpt(_marked(" ".join(words)), 10)
    assert cut == _marked("… w57 w58 w59 [kms] w61 [key] w63 [kms] w65 w66 …")


def test_an_excerpt_without_hits_is_the_opening_and_a_short_text_is_whole():
    assert excerpt("one two three four", 3) == "one two three …"
    assert excerpt(_marked("a [b] c"), 24) == _marked("a [b] c")
    assert excerpt("", 24) == ""


def test_an_excerpt_near_the_end_stays_full_length_and_a_cut_phrase_keeps_its_mark():
    words = [f"w{i}" for i in range(30)]
    words[28] = "[last]"
    assert excerpt(_marked(" ".join(words)), 5) == _marked("… w25 w26 w27 [last] w29")
    # A long phrase hit that the window cuts into (two hits after it make the best window),
    # and one that the window's end cuts short: each mark is whole within the snippet.
    words = ["[p0"] + [f"p{i}" for i in range(1, 18)] + ["p18]", "w19", "[k]", "w21", "[k]"]
    words += ["w23", "w24", "w25", "[shared", "responsibility", "model]"] + ["x"] * 10
    assert excerpt(_marked(" ".join(words)), 10) == _marked(
        "… [p17 p18] w19 [k] w21 [k] w23 w24 w25 [shared] …"
    )


def test_the_end_of_a_prefixs_range_is_the_first_string_after_every_word_it_begins():
    """A prefix is looked up as prefix <= word < _after(prefix), in code-point order."""
    assert _after("bou") == "bov"
    assert _after("abz") == "ab{"
    assert _after("東") == "杲"
    assert _after("a\ud7ff") == "a\ue000"  # past the surrogates, which UTF-8 cannot hold
    for word in ["bou", "boundary", "bou\U0010fffd", "bouz"]:
        assert "bou" <= word < _after("bou")
    for word in ["bot", "bov", "bp", "bo"]:
        assert not "bou" <= word < _after("bou")


@pytest.mark.parametrize(
    ("a", "b", "most", "expected"),
    [
        ("guardduty", "guardduty", 2, 0),
        ("guardudty", "guardduty", 2, 1),  # two letters swapped
        ("ransomeware", "ransomware", 2, 1),  # one added
        ("cloudtrial", "cloudtrail", 2, 1),
        ("inspectr", "inspector", 2, 1),  # one dropped
        ("kangaroo", "guardduty", 2, 3),  # more than `most`: stops at most + 1
        ("abc", "abcdef", 1, 2),
    ],
)
def test_edits_counts_letters_added_dropped_changed_or_swapped(a, b, most, expected):
    from search.query import edits

    assert edits(a, b, most) == expected
