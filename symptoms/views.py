"""Patient-facing symptom views (the logging page and diary are built out in issue 2)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import get_own_patient


@require_GET
@login_required
def entry_create(request: HttpRequest) -> HttpResponse:
    patient = get_own_patient(request.user)
    return render(request, "symptoms/placeholder.html", {"patient": patient})


@require_GET
@login_required
def diary(request: HttpRequest) -> HttpResponse:
    patient = get_own_patient(request.user)
    return render(request, "symptoms/placeholder.html", {"patient": patient})
