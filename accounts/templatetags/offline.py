"""``{{ user|offline_key }}``: the name under which a user's pages and queued entries are kept
on a phone (accounts/offline.py); empty for someone not logged in."""

from typing import Any

from django import template

from ..offline import offline_user_key

register = template.Library()


@register.filter
def offline_key(user: Any) -> str:
    return offline_user_key(user) if user is not None and user.is_authenticated else ""
