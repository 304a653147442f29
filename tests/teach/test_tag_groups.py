"""Grouping the question editor's tags by topic (teach/tag_groups.py): each tag in the module
whose questions use it most, the first in the course on a tie; the question's own module first
and open, any group with a ticked tag open, the tags in no module last."""

from __future__ import annotations

from teach.tag_groups import NO_MODULE, TagGroup, group_tags, home_modules, totals

COURSE = [(10, "Shared responsibility"), (20, "IAM"), (30, "Detection")]
ORDER = [key for key, _ in COURSE]


def test_a_tag_belongs_to_the_module_that_uses_it_most():
    uses = [("thinks-a", 10, 1), ("thinks-a", 30, 3), ("thinks-a", None, 9), ("thinks-b", 20, 2)]
    assert home_modules(uses, ORDER) == {"thinks-a": 30, "thinks-b": 20}


def test_a_tie_goes_to_the_module_first_in_the_course_not_the_first_row():
    uses = [("tie", 30, 2), ("tie", 20, 2), ("tie", 10, 1)]
    assert home_modules(uses, ORDER) == {"tie": 20}
    assert home_modules(list(reversed(uses)), ORDER) == {"tie": 20}


def test_a_tag_used_only_outside_the_modules_has_none():
    """Questions in no module do not vote; nor does a module the course no longer lists."""
    assert home_modules([("loose", None, 4), ("gone", 99, 3)], ORDER) == {
        "loose": None,
        "gone": None,
    }


def test_totals_add_a_tags_uses_over_its_modules():
    assert totals([("b", 10, 1), ("a", None, 2), ("b", 20, 3)]) == [("a", 2), ("b", 4)]


def test_groups_follow_the_course_with_the_questions_module_first_and_no_module_last():
    homes = {"a": 10, "b": 30, "c": None, "d": 30, "e": 10}
    offered = ["d", "a", "c", "b", "e", "unknown"]  # the offer's order (most used first)
    found = group_tags(offered, homes, COURSE, first=30)
    assert found == [
        TagGroup(module=30, title="Detection", tags=("d", "b"), open=True),
        TagGroup(module=10, title="Shared responsibility", tags=("a", "e"), open=False),
        TagGroup(module=None, title=NO_MODULE, tags=("c", "unknown"), open=False),
    ]  # IAM has no tag here, so no group


def test_every_group_holding_a_ticked_tag_is_open():
    homes = {"a": 10, "b": 20, "c": None}
    found = group_tags(["a", "b", "c"], homes, COURSE, first=None, ticked=["b", "c"])
    assert [(g.title, g.open) for g in found] == [
        ("Shared responsibility", False),
        ("IAM", True),
        (NO_MODULE, True),
    ]


def test_a_question_module_without_tags_adds_no_group_and_an_unknown_one_changes_nothing():
    homes = {"a": 10}
    assert [g.module for g in group_tags(["a"], homes, COURSE, first=20)] == [10]
    assert group_tags(["a"], homes, COURSE, first=77) == group_tags(["a"], homes, COURSE)


def test_nothing_offered_makes_no_groups():
    assert group_tags([], {}, COURSE, first=10) == []


def test_the_chooser_draws_each_box_once_and_never_folds_a_ticked_one():
    """`rendering.box_groups`: what the page draws from the groups and its boxes (values in
    the offer's order, ticked or not); a box the groups do not name (ticked after the offer was
    made) gets a last group, open as it is ticked."""
    from teach.rendering import box_groups

    groups = [
        TagGroup(module=20, title="IAM", tags=("b", "a"), open=False),
        TagGroup(module=10, title="Shared responsibility", tags=("c", "a"), open=True),
    ]
    drawn = box_groups(groups, ["a", "b", "c", "extra"], [False, True, False, True])
    assert drawn == [
        (TagGroup(module=20, title="IAM", tags=("b", "a"), open=True), [0, 1]),
        (groups[1], [2]),
        (TagGroup(module=None, title=NO_MODULE, tags=("extra",), open=True), [3]),
    ]
    assert box_groups(None, ["a"], [False]) == [
        (TagGroup(module=None, title=NO_MODULE, tags=("a",), open=False), [0])
    ]
