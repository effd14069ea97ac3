"""Writing audit events. `record()` is the one way in; views call it through `@audited` or
directly, the middleware calls it for denied requests and the auth signals for logins.

A failure to write an event is not swallowed: a read that cannot be put on record fails with
it (the clinic asked that every access be on record).
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_ip_address
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import models
from django.http import HttpRequest

from .models import Action, AuditEvent, Outcome
from .subjects import patient_model

USER_AGENT_MAX = 255
PATH_MAX = 500
DETAIL_MAX = 255

# Set on the request once an event describes it, so the middleware does not add a second one.
RECORDED_ATTR = "_audit_recorded"


def client_ip(request: HttpRequest | None) -> str | None:
    """The address axes uses for lockouts, so both logs name the same client."""
    if request is None:
        return None
    address = get_client_ip_address(request)
    try:
        validate_ipv46_address(address)
    except ValidationError:
        return None
    return address


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def record(
    request: HttpRequest | None,
    action: Action | str,
    *,
    patient: models.Model | int | None = None,
    clinic_id: int | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    outcome: Outcome | str = Outcome.ALLOWED,
    status_code: int | None = None,
    detail: str = "",
    actor: Any = None,
) -> AuditEvent:
    """Write one audit event.

    `patient` is a Patient or its id; without a clinic, the event is filed under the patient's
    clinic (when a Patient is given) or the actor's. `obj` names the record touched.
    """
    if actor is None and request is not None and _authenticated(getattr(request, "user", None)):
        actor = request.user
    patient_class = patient_model()
    if isinstance(obj, patient_class) and patient is None:
        patient = obj
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        owner_id = getattr(obj, "patient_id", None)  # the patient of an entry, alert, plan...
        if patient is None and owner_id:
            patient = owner_id
    if isinstance(patient, models.Model):
        clinic_id = clinic_id or getattr(patient, "clinic_id", None)
        patient_id: int | None = patient.pk
    else:
        patient_id = patient
    if clinic_id is None and actor is not None:
        clinic_id = actor.clinic_id

    event = AuditEvent(
        actor_id=actor.pk if actor is not None else None,
        actor_role=actor.role if actor is not None else "",
        patient_id=patient_id,
        clinic_id=clinic_id,
        action=action,
        outcome=outcome,
        object_type=object_type[:60],
        object_id=str(object_id if object_id is not None else "")[:64],
        status_code=status_code,
        detail=detail[:DETAIL_MAX],
    )
    if request is not None:
        # The path without its query string: links may carry tokens, the log keeps none.
        event.path = request.path[:PATH_MAX]
        event.method = request.method or ""
        event.ip_address = client_ip(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]
        setattr(request, RECORDED_ATTR, True)
    event.save()
    return event


def was_recorded(request: HttpRequest) -> bool:
    return getattr(request, RECORDED_ATTR, False)
