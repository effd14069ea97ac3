"""Patient's Today page, exercise library, plans and logs (built out in issue 3)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import get_own_patient


@require_GET
@login_required
def today(request: HttpRequest) -> HttpResponse:
    patient = get_own_patient(request.user)
    return render(request, "exercises/today.html", {"patient": patient})
