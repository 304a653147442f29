"""The request context's fields are drawn in Python (sandbox_extras.context_rows): the markup
the template language drew, every key and value escaped, the field names under the page's
prefix (teach's editor puts the case editor inside its own form)."""

from __future__ import annotations

import pytest
from django.template import Context, Template

# The loop as the template language drew it before (templates/sandbox/case_editor.html).
DRAWN_BY_TEMPLATE = Template(
    """{% load l10n %}{% localize off %}{% for key, value in state.context %}
        <div class="context-row">
          <label class="visually-hidden" for="ctx-{{ forloop.counter0 }}-key">Context key {{ forloop.counter }}</label>
          <input id="ctx-{{ forloop.counter0 }}-key" name="{{ case_prefix }}ctx-{{ forloop.counter0 }}-key" type="text" value="{{ key }}" class="code" placeholder="aws:SourceIp" spellcheck="false" autocomplete="off">
          <label class="visually-hidden" for="ctx-{{ forloop.counter0 }}-value">Value of {{ key|default:"context key" }}</label>
          <input id="ctx-{{ forloop.counter0 }}-value" name="{{ case_prefix }}ctx-{{ forloop.counter0 }}-value" type="text" value="{{ value }}" class="code" spellcheck="false" autocomplete="off">
          <button type="submit" name="op" value="remove-context:{{ forloop.counter0 }}" class="link-button small" hx-post="{{ case_url }}" hx-target="{{ case_target }}" hx-swap="outerHTML" aria-label="Remove {{ key|default:'this key' }}">Remove</button>
        </div>
        {% empty %}
        <p class="meta">No context keys: a condition that needs a key will not match.</p>
        {% endfor %}{% endlocalize %}"""
)
DRAWN_IN_PYTHON = Template(
    "{% load sandbox_extras %}{% context_rows state.context case_prefix case_url case_target %}"
)
ROWS = [
    ("aws:SourceIp", "203.0.113.7"),
    ('"><script>x</script>', "a&b 'c'"),
    ("", '["a","b"]'),
    ("aws:EpochTime", "1796161423"),
]


@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], []])
@pytest.mark.parametrize(
    "page", [{"case_url": "/sandbox/", "case_target": "#workspace"}, {"case_prefix": "case-"}]
)
def test_the_context_rows_are_the_markup_the_template_drew(rows, page):
    context = {"state": {"context": tuple(rows)}, **page}
    drawn = DRAWN_IN_PYTHON.render(Context(context))
    assert drawn == DRAWN_BY_TEMPLATE.render(Context(context))
    assert "<script>" not in drawn
