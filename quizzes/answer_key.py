"""Which answer is right, changed by a save of a question learners answered, and which choices
the save took out: said by the question editor (`teach.editors.saved_notice`) and the admin
alike, since a person fixing a wrong key expects the gradebook to follow, and it does not
(answers keep the marks they were given, `quizzes.attempts`; only an answer not yet final is
graded, at submit, with the key then)."""

from __future__ import annotations

from collections.abc import Collection, Sequence


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


def removed_choices(
    kind: str, before: dict, after: dict, reworded_from: Collection[str] = ()
) -> list[str]:
    """The words of the choices a save took out, for the kinds with choices: those whose id the
    save no longer has. A choice the question editor made new by rewording it (its old words in
    `reworded_from`) is not one: the editor says those itself (`teach.editors.reworded_notice`).
    The admin edits the data whole, ids and all, so a reworded choice there keeps its id."""
    if kind not in ("single", "multiple"):
        return []
    kept = {c.get("id") for c in after.get("choices") or []}
    return [
        str(c.get("text", ""))
        for c in before.get("choices") or []
        if c.get("id") not in kept and c.get("text") not in reworded_from
    ]


def removed_notice(removed: Sequence[str]) -> str:
    """What became of the answers to choices a save took out of an answered question, said by
    the question editor and the admin alike: a save said only "saved", and a person taking out
    a wrong choice expected its answers to go, or to be marked again."""
    if not removed:
        return ""
    quoted = [f"“{short(text)}”" for text in removed]
    if len(quoted) == 1:
        return (
            f"Choice {quoted[0]} was taken out: answers that chose it keep it and their marks, "
            "and are counted as a removed choice in the statistics; learners with an attempt "
            "still open who chose it are asked to choose again."
        )
    listed = ", ".join(quoted[:-1]) + " and " + quoted[-1]
    return (
        f"Choices {listed} were taken out: answers that chose one keep it and their marks, and "
        "are counted as removed choices in the statistics; learners with an attempt still "
        "open who chose one are asked to choose again."
    )


def short(text: str, most: int = 60) -> str:
    """A choice's words on one line, cut to `most` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"
