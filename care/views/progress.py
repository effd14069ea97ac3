"""The patient's own progress in plain words: pain against where they started, their
activities (PSFS) and how they said they are overall (GROC), issue 16."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import get_own_patient
from accounts.types import AuthenticatedRequest
from audit.decorators import audited
from outcomes.measures import GROC_IMPORTANT, PSFS_MCID
from redflags.emergency import emergency_first
from redflags.rule_sets import current_rule_set

from ..outcomes import PAIN_NOW_DAYS, patient_outcomes


@require_GET
@login_required
@emergency_first
@audited()
def progress(request: AuthenticatedRequest) -> HttpResponse:
    patient = get_own_patient(request.user)
    params = current_rule_set(patient.clinic).rule_params()
    outcomes = patient_outcomes(patient, params=params)
    context = {
        "patient": patient,
        "outcomes": outcomes,
        "today": patient.local_day(),
        "psfs_due": outcomes.psfs_history.due(patient.local_day()),
        "pain_points": params.rise_min_points,
        "pain_percent": round(params.rise_min_fraction * 100),
        "pain_days": PAIN_NOW_DAYS,
        "psfs_mcid": PSFS_MCID,
        "groc_important": GROC_IMPORTANT,
    }
    return render(request, "care/progress.html", context)
