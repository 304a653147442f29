"""What ordering and categorize share: a list of items, one labelled select per item (so the
question works by keyboard and screen reader, without dragging)."""

from __future__ import annotations

from quizzes.kinds.base import Kind, in_layout_order

# The most items an ordering or categorize question holds, through every door (the editor's
# rows, the admin's JSON, imports, the files): each item is one select whose choices are
# checked against the others, so an answer costs the square of the count (2,000 items to
# order: 10 s of CPU for one learner's answer; the course's longest has 9).
MAX_ITEMS = 12


class ItemSelectKind(Kind):
    id_lists = ("items",)
    prefix = ""  # the select's name is prefix + item id
    # Said once for every item left without a choice, with how many are left: a "required"
    # message on each select said it once per empty item, eight times over for eight.
    missing_message = ""
    unique_choices = False  # each item's choice differs from the others' (a position)

    def missing(self, form, data: dict) -> list[str]:
        """The names of the selects left empty (their fields are not required one by one)."""
        names = [f"{self.prefix}{e['id']}" for e in form.entries]
        return [n for n in names if not data.get(n) and n not in form.errors]

    def clean_form(self, form, data: dict) -> None:
        missing = self.missing(form, data)
        if missing:
            total = len(form.entries)
            verb = "has" if len(missing) == 1 else "have"
            form.add_error(
                None, f"{self.missing_message}: {len(missing)} of {total} {verb} none yet."
            )

    def layout_ids(self, question) -> list[str]:
        return in_layout_order(question.data, [i["id"] for i in question.items()])

    def rows(self, form) -> list[dict]:
        """[{id, text, name, selected, invalid}] in display order, for the template; `invalid`
        marks a select the last check refused: left empty, with a bad value, or sharing its
        position with another item's."""
        refused = bool(form.errors)
        chosen = [form.current(f"{self.prefix}{e['id']}") for e in form.entries]
        shared = {c for c in chosen if c and self.unique_choices and chosen.count(c) > 1}
        rows = []
        for e, selected in zip(form.entries, chosen, strict=True):
            name = f"{self.prefix}{e['id']}"
            rows.append(
                {
                    "id": e["id"],
                    "text": e["text"],
                    "name": name,
                    "selected": selected,
                    "invalid": refused
                    and (not selected or name in form.errors or selected in shared),
                }
            )
        return rows
