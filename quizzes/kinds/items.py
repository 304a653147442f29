"""What ordering and categorize share: a list of items, one labelled select per item (so the
question works by keyboard and screen reader, without dragging)."""

from __future__ import annotations

from quizzes.kinds.base import Kind, in_layout_order


class ItemSelectKind(Kind):
    id_lists = ("items",)
    prefix = ""  # the select's name is prefix + item id

    def layout_ids(self, question) -> list[str]:
        return in_layout_order(question.data, [i["id"] for i in question.items()])

    def rows(self, form) -> list[dict]:
        """[{id, text, name, selected}] in display order, for the template."""
        return [
            {
                "id": e["id"],
                "text": e["text"],
                "name": f"{self.prefix}{e['id']}",
                "selected": form.current(f"{self.prefix}{e['id']}"),
            }
            for e in form.entries
        ]
