"""Which answer is right, changed by a save of a question learners answered: said by the
question editor (`teach.editors.saved_notice`) and the admin alike, since a person fixing a
wrong key expects the gradebook to follow, and it does not (answers keep the marks they were
given, `quizzes.attempts`; only an answer not yet final is graded, at submit, with the key
then)."""

from __future__ import annotations


def key_changed(kind: str, before: dict, after: dict) -> bool:
    """Whether a save changed which answer is right, for the kinds whose key is the author's
    own mark: the choices ticked "Correct" (by id, so a reworded right choice, a new choice,
    counts) and a true-or-false statement's answer. The engine-backed kinds work theirs out,
    and ordering and categorize keys are the rows themselves, said by `reworded_notice`."""
    if kind in ("single", "multiple"):

        def right(data: dict) -> set:
            return {c.get("id") for c in data.get("choices") or [] if c.get("correct")}

        return right(before) != right(after)
    if kind == "true_false":
        return before.get("answer") != after.get("answer")
    return False


REKEYED = (
    "The right answer changed: answers already marked keep their marks, in the gradebook "
    "too; answers not yet marked (in an attempt still open) are marked with the new answer "
    "when handed in."
)
