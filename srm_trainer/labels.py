"""Form labels without Django's trailing colon.

allauth's account pages, the question editors and the bank's filters already draw "Name", not
"Name:"; a form that mixes this in draws its labels the same way, so a label reads alike on
every page (docs/pages.md, "One look for every page").
"""

from __future__ import annotations


class PlainLabels:
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
