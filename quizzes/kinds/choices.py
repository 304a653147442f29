"""What single choice and multiple select share: a list of choices, each right or wrong."""

from __future__ import annotations

from quizzes.kinds.base import Kind, Problem, entries_problems, file_entries, in_layout_order


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
            question.data.get("choices"), "choice", minimum=2, maximum=6, extra=extra
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
