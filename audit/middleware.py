"""Denied requests go on record: any 403, and any 404 from a known page for a logged-in user.

Views marked `@audited` record their own outcome (with the patient the record belongs to); this
catches the rest, such as role gates and pages not instrumented yet. A 404 for a URL that matches
no page (a typo) is not an attempt on anyone's data and is not recorded.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .models import Action, Outcome
from .services import record, was_recorded
from .subjects import patient_ref

DENIED_STATUSES = frozenset({403, 404})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class AuditDeniedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in DENIED_STATUSES and not was_recorded(request):
            self._record_denied(request, response)
        return response

    @staticmethod
    def _record_denied(request: HttpRequest, response: HttpResponse) -> None:
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        if user is None or not user.is_authenticated:
            return
        if match is None and response.status_code == 404:
            return
        kwargs = match.kwargs if match is not None else {}
        patient = None
        if "patient_pk" in kwargs:
            patient = patient_ref(kwargs["patient_pk"])
        object_id = next((str(value) for value in kwargs.values()), "")
        record(
            request,
            Action.VIEW if request.method in SAFE_METHODS else Action.UPDATE,
            patient=patient.pk if patient else None,
            clinic_id=patient.clinic_id if patient else None,
            object_type=match.view_name if match is not None else "",
            object_id=object_id,
            outcome=Outcome.DENIED,
            status_code=response.status_code,
        )
