"""Clinician dashboard: the caseload, the clinic view, the patient overview, its printable
summary and CSV exports (issue 5).

Patients and anyone outside the caseload or clinic get 404 (accounts.decorators and
accounts.access). Pages read their filters from the query string, so every view is a GET that
can be bookmarked; htmx asks for the fragment that changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from accounts.access import clinicians_for_user, get_patient_for_user, own_clinic_id
from accounts.decorators import clinic_admin_required, clinician_required
from accounts.models import Patient
from accounts.types import AuthenticatedRequest
from audit.decorators import audited
from audit.models import Action
from care.outcomes import outcomes_for_patients
from core.csv_export import csv_download
from core.htmx import wants_fragment

from . import exports, selectors
from .alert_strip import open_alert_strip
from .caseload import SPARKLINE_DAYS, caseload_page, caseload_patients
from .caseload_rows import caseload_rows
from .caseload_table import caseload_table
from .clinic_view import clinic_overview
from .forms import RANGE_CHOICES, CaseloadFilterForm, RangeForm
from .outcomes_panel import outcomes_panel
from .overview.assembler import PatientOverview, build_overview
from .overview.loader import load_overview
from .summaries.risk import NOT_LOGGING_DAYS


@require_GET
@clinician_required
@vary_on_headers("HX-Request")
def caseload(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    therapists = clinicians_for_user(user).order_by("full_name") if user.is_clinic_admin else None
    form = CaseloadFilterForm(request.GET or None, therapists=therapists)
    form.is_valid()
    today = selectors.clinic_today(user)
    params = selectors.rule_params_for_clinic(own_clinic_id(user))
    patients = caseload_patients(user, today=today, filters=form.filters())
    patients = _with_outcome(patients, form.outcome_filter(), params)
    page = caseload_page(patients, request.GET.get("page"))
    rows = caseload_rows(
        list(page.object_list),
        today=today,
        params=params,
        zone=selectors.clinic_zone(user),
    )
    # Each row's overall outcome against the MCIDs, the "Outcome" column: four queries, five
    # when a row's days read for its sparkline do not hold the last days of "pain now".
    outcomes = outcomes_for_patients(
        [row.patient.pk for row in rows],
        params=params,
        newest_days={row.patient.pk: row.logged_days for row in rows},
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "outcomes": outcomes,
        "table": caseload_table(rows, today=today, outcomes=outcomes),
        "today": today,
        "query": query.urlencode(),
        "sparkline_days": SPARKLINE_DAYS,
        "not_logging_days": NOT_LOGGING_DAYS,
    }
    if wants_fragment(request):
        return render(request, "dashboard/caseload.html#caseload-list", context)
    return render(request, "dashboard/caseload.html", context)


def _with_outcome(patients, outcome: str, params) -> Any:
    """Only the patients whose overall outcome (issue 16) is ``outcome``: every patient of the
    filtered caseload is judged (five queries whatever their number), before paginating."""
    if not outcome:
        return patients
    ids = list(patients.values_list("pk", flat=True))
    summaries = outcomes_for_patients(ids, params=params)
    return patients.filter(pk__in=[pk for pk in ids if summaries[pk].overall == outcome])


@require_GET
@clinic_admin_required
def clinic(request: AuthenticatedRequest) -> HttpResponse:
    overview = clinic_overview(request.user)
    return render(request, "dashboard/clinic.html", {"overview": overview})


def _overview(request: AuthenticatedRequest, pk: int) -> PatientOverview:
    patient = get_patient_for_user(request.user, pk)
    range_key = RangeForm(request.GET or None).range_key()
    return build_overview(load_overview(patient, range_key))


@require_GET
@clinician_required
@vary_on_headers("HX-Request")
@audited(Patient)
def patient_overview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    overview = _overview(request, pk)
    context = {
        "overview": overview,
        "patient": overview.patient,
        "ranges": RANGE_CHOICES,
        # Every open alert, most severe first, in words (issue 11): no query more.
        "strip": open_alert_strip([item.alert for item in overview.alerts], overview.patient.zone),
        "outcomes": outcomes_panel(
            overview.patient, start=overview.start, today=overview.today, params=overview.params
        ),
    }
    if wants_fragment(request):
        return render(request, "dashboard/patient_overview.html#overview-body", context)
    return render(request, "dashboard/patient_overview.html", context)


@require_GET
@clinician_required
@audited(Patient)
def patient_summary_print(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    overview = _overview(request, pk)
    context = {"overview": overview, "patient": overview.patient, "ranges": RANGE_CHOICES}
    return render(request, "dashboard/patient_summary_print.html", context)


def _csv_response(
    name: str,
    patient: Patient,
    columns: exports.Columns,
    rows: Callable[[Patient, Any, exports.Columns], Iterator[list[Any]]],
    records: Iterable[Any],
) -> StreamingHttpResponse:
    """The file: its columns (with the words beside the codes, made now in the reader's
    language) and its rows, streamed."""
    filename = f"patient-{patient.pk}-{name}-{patient.local_day().isoformat()}.csv"
    return csv_download(filename, exports.headers(columns), rows(patient, records, columns))


@require_GET
@clinician_required
@audited(Patient, read=Action.EXPORT)
def export_entries_csv(request: AuthenticatedRequest, pk: int) -> StreamingHttpResponse:
    patient = get_patient_for_user(request.user, pk)
    return _csv_response(
        "entries",
        patient,
        exports.entry_columns(),
        exports.entry_rows,
        exports.entries_for_export(patient).iterator(chunk_size=500),
    )


@require_GET
@clinician_required
@audited(Patient, read=Action.EXPORT)
def export_logs_csv(request: AuthenticatedRequest, pk: int) -> StreamingHttpResponse:
    patient = get_patient_for_user(request.user, pk)
    return _csv_response(
        "exercise-logs",
        patient,
        exports.log_columns(),
        exports.log_rows,
        exports.exercise_logs_for_export(patient).iterator(chunk_size=500),
    )


@require_GET
@clinician_required
@audited(Patient, read=Action.EXPORT)
def export_alerts_csv(request: AuthenticatedRequest, pk: int) -> StreamingHttpResponse:
    patient = get_patient_for_user(request.user, pk)
    return _csv_response(
        "alerts",
        patient,
        exports.alert_columns(),
        exports.alert_rows,
        exports.alerts_for_export(patient),
    )
