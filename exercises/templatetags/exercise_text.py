from django import template

from exercises.library_text import in_reader_language

register = template.Library()


@register.filter
def library_text(value) -> str:
    """`{{ exercise.movement|library_text }}`: library text in the reader's language."""
    return in_reader_language("" if value is None else str(value))
