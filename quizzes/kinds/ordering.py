"""Put in order: items stored in the right order; the share of items in their right place.

data: {"items": [{"id", "text"}]} (2 to 12, in the right order; shown shuffled)

One labelled select ("position") per item, so it works by keyboard and screen reader.
"""

from __future__ import annotations

from django import forms

from quizzes.kinds.base import Grade, Problem, entries_problems, file_entries, full_marks
from quizzes.kinds.items import MAX_ITEMS, ItemSelectKind


class Ordering(ItemSelectKind):
    value = "ordering"
    label = "Put in order"
    file_fields = ("items",)
    prefix = "pos_"
    missing_message = "Give every item a position"
    unique_choices = True

    def data_from_file(self, raw: dict) -> dict:
        entries = file_entries(raw.get("items"))
        return {"items": entries}

    def problems(self, question, *, thorough: bool = True) -> list[Problem]:
        def extra(n: int, entry: dict) -> list[tuple[str, str]]:
            unknown = sorted(set(entry) - {"id", "text"})
            return [(unknown[0], f"item #{n + 1}: unknown field {unknown[0]!r}")] if unknown else []

        return entries_problems(
            question.data.get("items"), "item", minimum=2, maximum=MAX_ITEMS, extra=extra
        )

    def add_fields(self, form) -> None:
        positions = [(str(n), str(n)) for n in range(1, len(form.entries) + 1)]
        for e in form.entries:
            form.fields[f"{self.prefix}{e['id']}"] = forms.ChoiceField(
                choices=positions,
                label=e["text"],
                required=False,  # an empty one is said once for all (ItemSelectKind.clean_form)
            )

    def clean_form(self, form, data: dict) -> None:
        """Empty positions and shared ones are both said: with one item left empty, the items
        sharing a position were marked wrong (`rows`) with no word of why."""
        super().clean_form(form, data)
        given = [c for e in form.entries if (c := data.get(f"{self.prefix}{e['id']}"))]
        shared = sorted({c for c in given if given.count(c) > 1}, key=int)
        if len(shared) == 1:
            count = given.count(shared[0])
            items = {2: "two", 3: "three"}.get(count, str(count))
            form.add_error(
                None, f"Use each position once: {items} items share position {shared[0]}."
            )
        elif shared:
            listed = ", ".join(shared[:-1]) + f" and {shared[-1]}"
            form.add_error(
                None, f"Use each position once: positions {listed} are each given to several items."
            )

    def response(self, form) -> dict:
        data = form.cleaned_data
        order = sorted(form.entries, key=lambda e: int(data[f"{self.prefix}{e['id']}"]))
        return {"order": [e["id"] for e in order], "texts": [e["text"] for e in order]}

    def saved_value(self, saved: dict, name: str):
        order = saved.get("order") or []
        item = name.removeprefix(self.prefix)
        return str(order.index(item) + 1) if item in order else None

    def grade(self, question, response: dict) -> Grade:
        """response: {"order": [item id, ...]} (first to last)."""
        items = question.items()
        given = list(response.get("order") or [])
        positions = [
            {"text": item["text"], "ok": index < len(given) and given[index] == item["id"]}
            for index, item in enumerate(items)
        ]
        score = sum(p["ok"] for p in positions) / len(items) if items else 0.0
        return Grade(
            score,
            full_marks(score),
            {"key_texts": [i["text"] for i in items], "positions": positions},
        )

    def key(self, question) -> dict:
        return {"key_texts": [i["text"] for i in question.items()]}

    def answer_lines(self, response: dict) -> list[str]:
        return [f"{n}. {text}" for n, text in enumerate(response.get("texts") or [], start=1)]


KIND = Ordering()
