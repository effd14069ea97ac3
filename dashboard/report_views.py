"""The progress report (HTML to print, and PDF) and the clinic's flare-up analysis (issue 16).

A report is a GET with its range in the query string; a range that cannot be read gets the page
again with the message and a 400, never a report of some other range.
"""

from __future__ import annotations

import zoneinfo

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from accounts.access import get_own_clinic, get_patient_for_user
from accounts.decorators import clinician_required
from accounts.models import Patient
from accounts.types import AuthenticatedRequest
from audit.decorators import audited
from audit.models import Action
from core.htmx import render_page
from outcomes.stats import MIN_DENOMINATOR_FOR_RATE
from redflags.rule_sets import current_rule_set
from symptoms.models import DailySummary, PTSession

from .flare_analysis import flare_analysis
from .pdf import html_to_pdf
from .progress_report import progress_report
from .report_forms import FlareAnalysisForm, ReportRangeForm


def _first_day(patient: Patient):
    """The patient's first day with the clinic: when they joined, or their first logged day or
    session if earlier (records may be entered after the fact). Two queries."""
    days = [patient.local_day(patient.created_at)]
    for rows, name in (
        (DailySummary.objects.filter(patient=patient), "day"),
        (PTSession.objects.filter(patient=patient), "date"),
    ):
        first = rows.order_by(name).values_list(name, flat=True).first()
        if first is not None:
            days.append(first)
    return min(days)


def _report_context(request: AuthenticatedRequest, pk: int) -> tuple[dict, bool]:
    patient = get_patient_for_user(request.user, pk)
    today = patient.local_day()
    form = ReportRangeForm(request.GET or None, today=today, earliest=_first_day(patient))
    valid = not form.is_bound or form.is_valid()
    start, end = form.period()
    context = {
        "patient": patient,
        "form": form,
        "report": progress_report(patient, start, end, today) if valid else None,
        "today": today,
        "query": request.GET.urlencode(),
    }
    return context, valid


@require_GET
@clinician_required
@audited(Patient)
def patient_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The printable progress report over a date range (print styles for "Save as PDF")."""
    context, valid = _report_context(request, pk)
    return render(request, "dashboard/progress_report.html", context, status=200 if valid else 400)


@require_GET
@clinician_required
@audited(Patient, read=Action.EXPORT)
def patient_report_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The same report as a PDF file, drawn by WeasyPrint."""
    context, valid = _report_context(request, pk)
    if not valid:
        return render(request, "dashboard/progress_report.html", context, status=400)
    html = render_to_string("dashboard/progress_report_pdf.html", context, request=request)
    report = context["report"]
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    name = f"progress-report-{report.patient.pk}-{report.start:%Y%m%d}-{report.end:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@clinician_required
@vary_on_headers("HX-Request")
def clinic_flares(request: AuthenticatedRequest) -> HttpResponse:
    """Sessions followed by a flare-up, per intervention, across the clinic. Counts only: no
    patient is named, so therapists see the clinic as a whole; only clinic admins may split it
    per therapist."""
    user = request.user
    clinic = get_own_clinic(user)
    today = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(clinic.time_zone)).date()
    form = FlareAnalysisForm(request.GET or None, today=today, by_therapist=user.is_clinic_admin)
    valid = not form.is_bound or form.is_valid()
    start, end = form.period()
    analysis = flare_analysis(
        clinic.pk,
        start=start,
        end=end,
        today=today,
        params=current_rule_set(clinic).rule_params(),
        group_by=form.group_by(),
    )
    context = {
        "form": form,
        "analysis": analysis,
        "min_sessions": MIN_DENOMINATOR_FOR_RATE,
    }
    return render_page(
        request,
        "dashboard/clinic_flares.html",
        context,
        fragment="flare-tables",
        status=200 if valid else 400,
    )
