"""The marks a lab's form field carries when a problem the result names is about it."""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, Parser, Token
from django.utils.html import format_html

register = template.Library()


@register.tag
def field_marks(parser: Parser, token: Token) -> FieldMarksNode:
    """`{% field_marks error_marks part ... [hint="id"] %}`: `aria-invalid` and
    `aria-describedby` (the problems about it in the result's message: #result-error when it
    names one problem, its items #result-error-1 ... when several; then the field's own hint,
    if any) for the field whose id is the parts joined by "-", when a problem is about it
    (`error_marks`: `field_errors.ProblemList.marks`, or None); else the hint alone. A screen
    reader on the field then reads what is wrong with it, as the page's script marks it after
    a live update (static/js/lab-fields.js).

    A node of its own rather than a simple tag: a form holds a hundred fields or so, nearly
    always with no error, and a simple tag would resolve every part of each one's id (and
    build its hint's markup) to find that out."""
    bits = token.split_contents()[1:]
    hint = ""
    if bits and bits[-1].startswith("hint="):
        quoted = bits.pop()[len("hint=") :]
        if len(quoted) < 2 or quoted[0] != quoted[-1] or quoted[0] not in "\"'":
            raise template.TemplateSyntaxError("field_marks: hint= takes a quoted id")
        hint = quoted[1:-1]
    if len(bits) < 2:
        raise template.TemplateSyntaxError("field_marks takes the error and the id's parts")
    problem, *parts = (parser.compile_filter(bit) for bit in bits)
    return FieldMarksNode(problem, parts, hint)


class FieldMarksNode(template.Node):
    def __init__(self, problem: FilterExpression, parts: list[FilterExpression], hint: str):
        self.problem = problem
        self.parts = parts
        self.hint = hint
        self.unmarked = format_html(' aria-describedby="{}"', hint) if hint else ""

    def render(self, context: template.Context) -> str:
        marks = self.problem.resolve(context)
        if not marks:
            return self.unmarked
        field_id = "-".join(str(part.resolve(context)) for part in self.parts)
        problems = marks.get(field_id)
        if not problems:
            return self.unmarked
        described = f"{problems} {self.hint}" if self.hint else problems
        return format_html(' aria-invalid="true" aria-describedby="{}"', described)
