from django import template
from django.utils.safestring import mark_safe

from lessons.markdown import render_markdown

register = template.Library()


@register.filter
def glossary_markdown(text: str) -> str:
    """A definition rendered by the lessons' Markdown renderer, which sanitizes it."""
    return mark_safe(render_markdown(text or "").html)  # noqa: S308 - sanitized by nh3
