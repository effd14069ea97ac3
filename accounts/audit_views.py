"""Clinic admins read and export the audit log of one of their clinic's patients.

Anyone else (therapists, patients, other clinics' admins) gets 404, and the attempt is itself
put on record by the audit middleware.
"""

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from audit.decorators import audited
from audit.models import Action, AuditEvent
from audit.selectors import events_for_patient
from core.csv_export import Labeller, csv_download, labelled_columns, labelled_row
from core.htmx import render_page

from .access import get_patient_for_user
from .decorators import clinic_admin_required
from .models import Patient
from .types import AuthenticatedRequest

EVENTS_PER_PAGE = 50
CSV_COLUMNS = [
    "at",
    "actor_email",
    "actor_name",
    "actor_role",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "method",
    "path",
    "status_code",
    "ip_address",
    "user_agent",
    "detail",
]


@require_GET
@clinic_admin_required
@audited(Patient, kwarg="patient_pk")
@vary_on_headers("HX-Request")
def patient_log(request: AuthenticatedRequest, patient_pk: int) -> HttpResponse:
    patient = get_patient_for_user(request.user, patient_pk)
    page = Paginator(events_for_patient(patient.pk), EVENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"patient": patient, "page": page, "zone": patient.clinic.time_zone}
    return render_page(request, "accounts/audit_log.html", context, fragment="events")


def _event_rows(patient_pk: int, columns: list[tuple[str, str, Labeller | None]]):
    for event in events_for_patient(patient_pk).iterator(chunk_size=500):
        actor = event.actor
        values = {
            "at": event.at.astimezone(dt.UTC).isoformat(),
            "actor_email": actor.email if actor else "",
            "actor_name": actor.full_name if actor else "",
            "actor_role": event.actor_role,
            "action": event.action,
            "outcome": event.outcome,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "method": event.method,
            "path": event.path,
            "status_code": event.status_code if event.status_code is not None else "",
            "ip_address": event.ip_address or "",
            "user_agent": event.user_agent,
            "detail": event.detail,
        }
        yield labelled_row(columns, values)


@require_GET
@clinic_admin_required
@audited(Patient, kwarg="patient_pk", read=Action.EXPORT)
def patient_log_csv(request: AuthenticatedRequest, patient_pk: int) -> StreamingHttpResponse:
    patient = get_patient_for_user(request.user, patient_pk)
    name = f"audit-patient-{patient.pk}-{timezone.localdate():%Y-%m-%d}.csv"
    # The words beside the codes (action, outcome), made now in the reader's language.
    columns = labelled_columns(AuditEvent, CSV_COLUMNS)
    header = [name for name, _source, _make in columns]
    return csv_download(name, header, _event_rows(patient.pk, columns))
