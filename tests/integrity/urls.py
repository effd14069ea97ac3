"""A test-only page for the idempotency guard: a form that records a session for a patient."""

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import include, path
from django_htmx.http import trigger_client_event

from accounts.models import Patient
from audit.idempotency import idempotent
from symptoms.models import PTSession


@idempotent
def record_session(request, patient_pk: int):
    if request.POST.get("date", "") == "":
        return HttpResponse("<form>Date is required</form>", status=200)
    patient = Patient.objects.get(pk=patient_pk)
    PTSession.objects.create(patient=patient, date=dt.date.fromisoformat(request.POST["date"]))
    if request.POST.get("htmx_event"):
        return trigger_client_event(HttpResponse("<p>Saved</p>"), "sessionsChanged")
    return redirect(f"/test/patients/{patient_pk}/done/")


urlpatterns = [
    path("test/patients/<int:patient_pk>/sessions/", record_session, name="record_session"),
    path("", include("pt_tracker.urls")),
]
