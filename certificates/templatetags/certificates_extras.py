from django import template

register = template.Library()


@register.filter
def progress_of(course, module):
    """`course_progress|progress_of:module`: that module's progress (None if not in the course)."""
    return course.for_module(module.pk) if course is not None else None
