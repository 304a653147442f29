"""`{% extends %}` that finds the page frame's blocks once: a template builtin
(settings.TEMPLATES) replacing Django's tag by the same tag with a cheaper `render`.

Django's ExtendsNode, on every render of a page that extends a root template (every page
extends templates/base.html), walks the root's whole node tree to list its `{% block %}`s:
~7% of a small page's time, for an answer that never changes. A compiled template's nodes
are never changed after it is compiled, so the list is kept on the compiled root template
itself; a template compiled again (the development server's reload) is a new object and is
walked again. Everything else is Django's `ExtendsNode.render`, unchanged.
"""

from __future__ import annotations

from django import template
from django.template.base import Template, TextNode
from django.template.loader_tags import (
    BLOCK_CONTEXT_KEY,
    BlockContext,
    BlockNode,
    ExtendsNode,
    do_extends,
)

register = template.Library()

_KEPT = "_srm_root_blocks"


def root_blocks(parent: Template) -> dict[str, BlockNode]:
    """The blocks of `parent` when it is a root template (extends nothing), else {}: what
    Django's ExtendsNode.render adds to the block context for it."""
    blocks = parent.__dict__.get(_KEPT)
    if blocks is None:
        blocks = {}
        for node in parent.nodelist:
            # The ExtendsNode has to be the first non-text node.
            if not isinstance(node, TextNode):
                if not isinstance(node, ExtendsNode):
                    found = parent.nodelist.get_nodes_by_type(BlockNode)
                    blocks = {n.name: n for n in found if isinstance(n, BlockNode)}
                break
        parent.__dict__[_KEPT] = blocks
    return blocks


class KeptBlocksExtendsNode(ExtendsNode):
    def render(self, context):
        compiled_parent = self.get_parent(context)
        if BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context = context.render_context[BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)
        block_context.add_blocks(root_blocks(compiled_parent))
        # Template._render explicitly, so the parser context stays the same (as Django's).
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            return compiled_parent._render(context)


@register.tag
def extends(parser, token):
    """Django's `{% extends %}`, parsed by Django, rendered by `KeptBlocksExtendsNode`."""
    node = do_extends(parser, token)
    node.__class__ = KeptBlocksExtendsNode
    return node
