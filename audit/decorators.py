"""`@audited`: put a view of patient data on record, whatever its outcome.

    @require_GET
    @login_required
    @audited(SymptomEntry)                       # entries/<int:pk>/
    def entry_detail(request, pk): ...

    @audited(Patient, kwarg="patient_pk", write=Action.CREATE)   # patients/<patient_pk>/...
    @audited(read=Action.EXPORT)                 # a patient's own data, no id in the URL

Reads (GET/HEAD) are recorded as `read` (view by default), other methods as `write` (update by
default). A 404 or 403 is recorded as denied, filed under the patient the record belongs to, so
that patient's clinic sees the attempt; an exception as an error. Put it inside the login and
method decorators, so only requests that reach the view are recorded here (the middleware
records the other denials).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponseBase

from .models import Action, Outcome
from .services import record
from .subjects import PatientRef, patient_ref, patient_ref_for_object, patient_ref_for_user

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _outcome_for_status(status: int) -> Outcome:
    if status in (403, 404):
        return Outcome.DENIED
    if status >= 500:
        return Outcome.ERROR
    # A form shown again with its errors is still an allowed access.
    return Outcome.ALLOWED


def audited[Req: HttpRequest, **P, R: HttpResponseBase](
    model: type[models.Model] | None = None,
    *,
    kwarg: str = "pk",
    patient_path: str = "patient",
    read: Action = Action.VIEW,
    write: Action = Action.UPDATE,
) -> Callable[[Callable[Concatenate[Req, P], R]], Callable[Concatenate[Req, P], R]]:
    """Record every call of the view. `model` and `kwarg` say which record the URL names."""

    is_patient_model = model is not None and model._meta.label_lower == "accounts.patient"

    def subject_before(request: HttpRequest, kwargs: dict[str, Any]) -> PatientRef | None:
        """Looked up before the view runs, so a record it deletes is still attributed."""
        if model is None:
            return patient_ref_for_user(request.user, getattr(request, "session", None))
        if is_patient_model:
            return None
        return patient_ref_for_object(model, kwargs.get(kwarg), patient_path)

    def subject_after(
        request: HttpRequest, kwargs: dict[str, Any], outcome: Outcome
    ) -> PatientRef | None:
        pk = kwargs.get(kwarg)
        clinic_id = request.user.clinic_id if request.user.is_authenticated else None
        if outcome == Outcome.ALLOWED and isinstance(pk, int) and clinic_id:
            # The view let them in, so the patient is in the actor's clinic: no query.
            return PatientRef(pk, clinic_id)
        return patient_ref(pk)

    def decorator(view: Callable[Concatenate[Req, P], R]) -> Callable[Concatenate[Req, P], R]:
        @wraps(view)
        def wrapper(request: Req, *args: P.args, **kwargs: P.kwargs) -> R:
            action = read if request.method in SAFE_METHODS else write
            ref_before = subject_before(request, kwargs)

            def put_on_record(outcome: Outcome, status: int) -> None:
                ref = subject_after(request, kwargs, outcome) if is_patient_model else ref_before
                record(
                    request,
                    action,
                    patient=ref.pk if ref else None,
                    clinic_id=ref.clinic_id if ref else None,
                    object_type=model._meta.label_lower if model is not None else "",
                    object_id=kwargs.get(kwarg, "") if model is not None else "",
                    outcome=outcome,
                    status_code=status,
                )

            try:
                response = view(request, *args, **kwargs)
            except Http404:
                put_on_record(Outcome.DENIED, 404)
                raise
            except PermissionDenied:
                put_on_record(Outcome.DENIED, 403)
                raise
            except Exception:
                put_on_record(Outcome.ERROR, 500)
                raise
            put_on_record(_outcome_for_status(response.status_code), response.status_code)
            return response

        # A marker that outer decorators copy along (functools.wraps), so a test can check that
        # every patient-data page is on record.
        wrapper.audited = True  # type: ignore[attr-defined]
        return wrapper

    return decorator
