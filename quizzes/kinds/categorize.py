"""Sort into categories: the share of items put in their right category.

data: {"categories": [name, ...], "items": [{"id", "text", "category"}]} (2 to 12 each)

One labelled select ("category") per item, so it works by keyboard and screen reader.
"""

from __future__ import annotations

from django import forms

from quizzes.kinds.base import Grade, Problem, entries_problems, file_entries, full_marks, is_text
from quizzes.kinds.items import MAX_ITEMS, ItemSelectKind


def capital_twins(categories: list[str]) -> tuple[str, str] | None:
    """The first two categories that differ only in capitals ("AWS", "Aws"), if any: a learner
    could not tell them apart, and an item's category folded to a category's own spelling
    (`teach.editors.own_spelling`) could say neither."""
    seen: dict[str, str] = {}
    for name in categories:
        first = seen.setdefault(name.casefold(), name)
        if first != name:
            return first, name
    return None


def capitals_said(twins: tuple[str, str]) -> str:
    return (
        f"“{twins[0]}” and “{twins[1]}” differ only in capitals: learners could not tell them "
        "apart. Keep one spelling."
    )


class Categorize(ItemSelectKind):
    value = "categorize"
    label = "Sort into categories"
    file_fields = ("categories", "items")
    prefix = "cat_"
    missing_message = "Put every item in a category"

    def data_from_file(self, raw: dict) -> dict:
        entries = file_entries(raw.get("items"))
        categories = raw.get("categories")
        if isinstance(categories, list):
            categories = [c.strip() if isinstance(c, str) else c for c in categories]
        return {"categories": categories, "items": entries}

    def problems(self, question, *, thorough: bool = True) -> list[Problem]:
        categories = question.data.get("categories")
        if isinstance(categories, list) and len(categories) > MAX_ITEMS:
            # Each item's select offers every category: the page and an answer grow with both.
            return [
                Problem(
                    f"'categories' must be a list of 2 to {MAX_ITEMS} names",
                    ("categories",),
                    plain=f"Give 2 to {MAX_ITEMS} categories, one per line: there are"
                    f" {len(categories)}.",
                )
            ]
        if (
            not isinstance(categories, list)
            or len(categories) < 2
            or not all(is_text(c) for c in categories)
        ):
            return [
                Problem(
                    "'categories' must be a list of at least 2 names",
                    ("categories",),
                    plain="Give at least 2 categories, one per line.",
                )
            ]
        # A category listed twice is said with the items' problems, not instead of them: an
        # author fixing the list then met the item in a misspelt category on the next save.
        said: list[Problem] = []
        if len(set(categories)) != len(categories):
            second = next(n for n, c in enumerate(categories) if c in categories[:n])
            twice = categories[second]
            said.append(
                Problem(
                    f"the category {twice!r} appears twice",
                    ("categories", second),
                    plain=f"The category “{twice}” is listed twice.",
                )
            )
        twins = capital_twins(categories)
        if twins is not None:
            # Alone (with a repeat): an item in either spelling would be said to be in none.
            return [
                *said,
                Problem(
                    f"the categories {twins[0]!r} and {twins[1]!r} differ only in capitals",
                    ("categories", categories.index(twins[1])),
                    plain=capitals_said(twins),
                ),
            ]

        listed = ", ".join(dict.fromkeys(categories))  # a repeat said once: it is said above

        def extra(n: int, entry: dict) -> list[tuple[str, ...]]:
            out: list[tuple[str, ...]] = []
            unknown = sorted(set(entry) - {"id", "text", "category"})
            if unknown:
                out.append((unknown[0], f"item #{n + 1}: unknown field {unknown[0]!r}"))
            if entry.get("category") not in categories:
                out.append(
                    (
                        "category",
                        f"item #{n + 1}: category {entry.get('category')!r} is not one of: "
                        + listed,
                        f"Put item {{n}} in one of the categories ({listed})"
                        + (
                            f": “{entry['category']}” is not one of them."
                            if is_text(entry.get("category"))
                            else "."
                        ),
                    )
                )
            return out

        return said + entries_problems(
            question.data.get("items"), "item", minimum=2, maximum=MAX_ITEMS, extra=extra
        )

    def add_fields(self, form) -> None:
        categories = [(c, c) for c in form.question.categories()]
        for e in form.entries:
            form.fields[f"{self.prefix}{e['id']}"] = forms.ChoiceField(
                choices=categories,
                label=e["text"],
                required=False,  # an empty one is said once for all (ItemSelectKind.clean_form)
            )

    def response(self, form) -> dict:
        data = form.cleaned_data
        placed = {e["id"]: data[f"{self.prefix}{e['id']}"] for e in form.entries}
        return {"placed": placed, "texts": form.texts()}

    def saved_value(self, saved: dict, name: str):
        return (saved.get("placed") or {}).get(name.removeprefix(self.prefix))

    def grade(self, question, response: dict) -> Grade:
        """response: {"placed": {item id: category}}."""
        items = question.items()
        placed = response.get("placed") or {}
        rows = []
        for item in items:
            chosen = placed.get(item["id"], "")
            rows.append(
                {
                    "text": item["text"],
                    "chosen": chosen,
                    "key": item["category"],
                    "ok": chosen == item["category"],
                }
            )
        score = sum(r["ok"] for r in rows) / len(items) if items else 0.0
        return Grade(score, full_marks(score), {"items": rows})

    def key(self, question) -> dict:
        """Each item with its category (no mark: there is no placing of the learner's)."""
        return {"items": [{"text": i["text"], "key": i["category"]} for i in question.items()]}

    def answer_lines(self, response: dict) -> list[str]:
        texts = response.get("texts") or {}
        return [f"{texts.get(i, i)} → {c}" for i, c in (response.get("placed") or {}).items()]


KIND = Categorize()
