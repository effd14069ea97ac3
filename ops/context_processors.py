"""``background_problems`` for the staff banner (templates/includes/background_banner.html).

A callable, so that only a page that shows the banner runs its query (htmx fragments do not),
and only for clinicians: patients are never told about the clinic's background work.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest

from .banner import banner_problems


def background_work(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_clinician", False):
        return {}
    return {"background_problems": partial(banner_problems, user)}
