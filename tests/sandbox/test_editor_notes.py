"""The notes beside each editor are drawn in Python (sandbox_extras.editor_notes): the same
markup the template language drew, every value escaped."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe

from srm_trainer.sandbox.live import Analysis, Note
from srm_trainer.sandbox.state import starter_state

# The partial as the template language drew it before (templates/sandbox/case_editor.html#notes).
DRAWN_BY_TEMPLATE = Template(
    """{% load sandbox_extras %}<div id="notes-{{ editor }}" class="notes"{% if oob %} hx-swap-oob="true"{% endif %}>
  {% with items=analysis.notes|get_item:editor %}{% if items %}
  <ul>
    {% for note in items %}
    <li class="note note-{{ note.severity }}"{% if note.line %} data-line="{{ note.line }}" data-column="{{ note.column|default:1 }}" data-severity="{{ note.severity }}"{% endif %}>
      <span class="note-tag">{{ note.severity|severity_words }}</span>
      {% if note.line %}<span class="note-where">Line {{ note.line }}{% if note.column %}, column {{ note.column }}{% endif %}:</span>{% endif %}
      <span class="note-message">{{ note.message }}</span>
      {% if note.lesson %}<a href="{{ note.lesson }}">Learn why</a>{% endif %}
    </li>
    {% endfor %}
  </ul>
  {% endif %}{% endwith %}
</div>"""
)
DRAWN_IN_PYTHON = Template("{% load sandbox_extras %}{% editor_notes analysis editor oob %}")

NOTES = [
    Note("error", "Statement <b>2</b> & 'more'", "json", 1234, 5, "/learn/iam/policies/"),
    Note("warning", mark_safe("Statement 1 (Sid <code>A</code>) allowed"), "x", 7, None, None),
    Note("suggestion", "no line", "y"),
    Note("decisive", "x", "decisive", 3, 0, "/learn/?a=1&b=<2>"),
    Note("brand_new", '"quoted"', "z", None, 4, ""),
]


@pytest.mark.parametrize("oob", [True, False, ""])
@pytest.mark.parametrize("editor", ["identity-0", "principal", "<no such>", ""])
def test_the_notes_are_the_markup_the_template_drew(editor, oob):
    analysis = Analysis(state=starter_state(), case={})
    analysis.notes = {"identity-0": NOTES, "principal": NOTES[2:3], "<no such>": []}
    context = {"analysis": analysis, "editor": editor, "oob": oob}
    drawn = DRAWN_IN_PYTHON.render(Context(context))
    assert drawn == DRAWN_BY_TEMPLATE.render(Context(context))
    assert "<b>" not in drawn


def test_no_analysis_draws_an_empty_box():
    context = {"editor": "action", "oob": True}
    assert DRAWN_IN_PYTHON.render(Context(context)) == DRAWN_BY_TEMPLATE.render(Context(context))
