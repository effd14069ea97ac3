"""``patient_warnings`` for every template: the banner of a patient's open urgent and emergency
alerts (``patient_warnings``). Lazy: a page that does not show the banner (an htmx fragment, a
clinician's page) runs no query, and one that does runs one, shared with ``emergency_first``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .patient_warnings import warnings_for_request


def patient_warnings(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_patient", False):
        return {}
    return {"patient_warnings": SimpleLazyObject(lambda: warnings_for_request(request))}
