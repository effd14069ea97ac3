"""Phone numbers in templates (issue 11): ``{{ number|phone:region }}`` shows it as the clinic
writes numbers, ``{{ number|tel }}`` is its tel: link."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.phones import phone_display, phone_href

register = template.Library()


@register.filter
def phone(number: Any, region: str = "") -> str:
    return phone_display(number, region)


@register.filter
def tel(number: Any) -> str:
    return phone_href(number)
