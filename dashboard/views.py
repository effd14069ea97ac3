"""Clinician views: caseload (built out in the dashboard issue)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import patients_for_user


@require_GET
@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    if not request.user.is_clinician:
        raise Http404
    patients = patients_for_user(request.user).select_related("user")
    return render(request, "dashboard/caseload.html", {"patients": patients})
