"""The clinic admin's case replay page: upload a clinical-safety case and see what the rule set
does with it beside what the case expects (nothing is saved)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.access import get_own_clinic
from accounts.decorators import clinic_admin_required
from accounts.forms import add_validation_error
from accounts.types import AuthenticatedRequest
from redflags.forms import CaseUploadForm

from ..replay.report import replay_report


@require_http_methods(["GET", "POST"])
@clinic_admin_required
def replay(request: AuthenticatedRequest) -> HttpResponse:
    form = CaseUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    result = None
    if form.is_valid():
        try:
            result = replay_report(form.cleaned_data["case_file"], get_own_clinic(request.user))
        except ValidationError as error:
            add_validation_error(form, error)
    return render(request, "care/replay.html", {"form": form, "result": result})
