"""A question's prompt and explanation rendered once, when the question is written.

A question as costly as the editor lets one be (5,000 characters of prompt, 10,000 of
explanation) cost ~0.1 s to render on each page that drew it in each process. So it is stored
rendered on the question's row (`prompt_html`, `explanation_html`, `rendered_from`), the way
lessons/rendered.py's `StoredMarkdown` says (a scenario's texts are stored the same way):
`Question.save` (the editors, the loader, an import, a copy, the admin) and the question
queryset's `bulk_create` and `bulk_update` store it; the quiz pages, the review queue, a
lesson's checks, the quiz preview and the search index read it (`Question.shown`). Migration
0014 stored every existing question's; a change of `RENDERER_VERSION` comes with one like it.
"""

from __future__ import annotations

from typing import NamedTuple

from django.utils.safestring import SafeString

from lessons.rendered import StoredMarkdown


class Shown(NamedTuple):
    prompt: SafeString
    explanation: SafeString


QUESTION = StoredMarkdown(Shown, "question")
