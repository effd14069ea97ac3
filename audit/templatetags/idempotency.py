"""`{% idempotency_field %}`: the hidden one-time token of a create form (audit/idempotency.py)."""

from django import template
from django.utils.html import format_html

from audit.idempotency import FIELD_NAME, new_token

register = template.Library()


@register.simple_tag
def idempotency_field() -> str:
    # A fresh token on every render: a form shown again with errors had its token freed, and a
    # finished one must not be reused by the next form on the page.
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD_NAME, new_token())
