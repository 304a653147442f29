"""What single choice and multiple select share: a list of choices, each right or wrong."""

from __future__ import annotations

from typing import Any

from quizzes.kinds.base import Kind, Problem, entries_problems, file_entries, in_layout_order

# The kinds whose saved answers name the question's entries by id: choices, or items (an
# ordering's order, a categorize answer's placings).
ITEM_KINDS = ("ordering", "categorize")
NAMING_KINDS = ("single", "multiple", *ITEM_KINDS)
MAX_CHOICES = 6  # the course's rule: a question has at most 6 choices


def gone_choices(question, response: Any) -> list[str]:
    """The texts of the choices (or ordering and categorize items) a saved response chose or
    placed that `question` no longer has (taken out, or reworded beyond a small edit by a course
    update, `keep_ids`, or in the question editor); [] for other kinds."""
    entries = question.items() if question.type in ITEM_KINDS else question.choices()
    return chosen_not_in(question.type, entries, response)


def chosen_not_in(kind: str, choices: list[dict], response: Any) -> list[str]:
    """`gone_choices` from a question's type and raw choices (or items), for callers that read
    them with `values_list` rather than load each question (the attempt summary's one query)."""
    if kind not in NAMING_KINDS or not isinstance(response, dict):
        return []
    if kind == "single":
        chosen, texts = [response.get("choice")], [response.get("text", "")]
    elif kind == "multiple":
        chosen, texts = list(response.get("choices") or []), list(response.get("texts") or [])
    elif kind == "ordering":
        chosen, texts = list(response.get("order") or []), list(response.get("texts") or [])
    else:  # categorize: {"placed": {item id: category}, "texts": {item id: text}}
        placed, named = response.get("placed"), response.get("texts")
        chosen = list(placed) if isinstance(placed, dict) else []
        texts = [named.get(i, "") if isinstance(named, dict) else "" for i in chosen]
    ids = {choice.get("id") for choice in choices if isinstance(choice, dict)}
    texts += [""] * (len(chosen) - len(texts))
    return [
        str(text)
        for pk, text in zip(chosen, texts, strict=False)
        if isinstance(pk, str) and pk not in ids
    ]


class ChoiceKind(Kind):
    file_fields = ("choices",)
    id_lists = ("choices",)
    field_name = "choice"  # the form field (and the saved response key) holding the choice

    def data_from_file(self, raw: dict) -> dict:
        entries = file_entries(raw.get("choices"))
        if isinstance(entries, list):
            for entry in entries:
                if isinstance(entry, dict):
                    if entry.get("feedback") is None:
                        entry["feedback"] = ""
                    if isinstance(entry["feedback"], str):
                        entry["feedback"] = entry["feedback"].strip()
        return {"choices": entries}

    def choice_problems(self, question) -> list[Problem]:
        def extra(n: int, entry: dict) -> list[tuple[str, str]]:
            out = []
            unknown = sorted(set(entry) - {"id", "text", "correct", "feedback"})
            if unknown:
                out.append((unknown[0], f"choice #{n + 1}: unknown field {unknown[0]!r}"))
            if not isinstance(entry.get("correct"), bool):
                out.append(("correct", f"choice #{n + 1}: 'correct' must be true or false"))
            if not isinstance(entry.get("feedback", ""), str):
                out.append(("feedback", f"choice #{n + 1}: 'feedback' must be text"))
            return out

        return entries_problems(
            question.data.get("choices"), "choice", minimum=2, maximum=MAX_CHOICES, extra=extra
        )

    def layout_ids(self, question) -> list[str]:
        return in_layout_order(question.data, [c["id"] for c in question.choices()])

    def options(self, form) -> list[dict]:
        """[{id, text, checked}] in display order, for the template."""
        current = form.current(self.field_name)
        chosen = set(current) if isinstance(current, list) else {current}
        return [
            {"id": e["id"], "text": e["text"], "checked": e["id"] in chosen} for e in form.entries
        ]
