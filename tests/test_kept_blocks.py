"""`{% extends %}` finds a root template's blocks once (srm_trainer/kept_blocks.py) and still
draws pages as Django's tag does: overridden and default blocks, `block.super`, three levels."""

from __future__ import annotations

from django.template import Context, Template
from django.template.loader import render_to_string
from django.template.loader_tags import ExtendsNode

from srm_trainer import kept_blocks

ROOT = "<{% block a %}root a{% endblock %}|{% if x %}{% block b %}root b{% endblock %}{% endif %}>"


def draw(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_blocks_are_overridden_kept_and_found_inside_other_tags():
    root = Template(ROOT)
    child = "{% extends root %}{% block b %}child b, {{ block.super }}{% endblock %}"
    assert draw(child, root=root, x=True) == "<root a|child b, root b>"
    assert set(root.__dict__[kept_blocks._KEPT]) == {"a", "b"}
    assert draw(child, root=root, x=True) == "<root a|child b, root b>"
    assert draw(child, root=root, x=False) == "<root a|>"


def test_three_levels_draw_as_with_djangos_tag():
    root = Template(ROOT)
    middle = Template("{% extends root %}{% block a %}middle a{% endblock %}")
    child = "{% extends middle %}{% block b %}child b{% endblock %}"
    assert draw(child, root=root, middle=middle, x=True) == "<middle a|child b>"
    assert middle.__dict__[kept_blocks._KEPT] == {}  # it extends: its blocks are its own


def test_the_project_templates_use_the_kept_tag():
    node = Template("{% extends 'base.html' %}").nodelist[0]
    assert type(node) is kept_blocks.KeptBlocksExtendsNode and isinstance(node, ExtendsNode)
    page = render_to_string("account/base_entrance.html", {})
    assert 'class="account-page account-entrance"' in page and "</html>" in page
