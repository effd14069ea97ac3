"""Today, the patient's home: today's doses to tick off with their traffic light, and
adherence. Logging a dose saves it and screens it (R10) in one use case (care.services).
While an emergency alert is open the plan is paused: the cards offer nothing to log and a dose
posted anyway is refused (issue 11)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from accounts.access import get_own_patient
from accounts.models import Patient
from accounts.offline import offline_page
from accounts.types import AuthenticatedRequest
from audit.decorators import audited
from audit.models import Action
from exercises.access import get_plan_item_for_patient
from exercises.forms import DoseLogForm
from exercises.models import ExerciseLog, PlanItem
from exercises.selectors import (
    Dose,
    adherence_reports,
    dose_for,
    dose_tallies,
    today_doses,
)
from exercises.traffic_light import Light
from outcomes.selectors import psfs_history
from redflags.emergency import emergency_first
from redflags.patient_warnings import plan_paused, warnings_for_request

from ..selectors import light_for, lights_for
from ..services import DoseLogResult, dose_record


@dataclass(frozen=True)
class DoseCard:
    """One dose on the Today list: the dose, its logging form and, right after logging, the
    traffic light (spec.md section 7). ``stop`` is the red light of the day's last dose:
    the card then shows only the stop guidance (issue 11). ``paused``: an emergency is open,
    so the card offers nothing to log."""

    dose: Dose
    form: DoseLogForm
    result: DoseLogResult | None = None
    stop: Light | None = None
    paused: bool = False

    @property
    def light(self) -> Light | None:
        """The light the card shows: the stop light, else the one of the dose just logged."""
        return self.stop or (self.result.light if self.result else None)


def _dose_form(dose_item_pk: int, data: Any = None) -> DoseLogForm:
    return DoseLogForm(data, auto_id=f"dose{dose_item_pk}_%s")


def _stop_lights(patient: Patient, doses: list[Dose]) -> dict[int, Light]:
    """The red lights of the doses whose last log today was red, by pain (one query, none
    when nothing was logged today)."""
    lights = lights_for(patient, [d.last_pain for d in doses if d.last_pain is not None])
    return {pain: light for pain, light in lights.items() if light.is_red}


def _card(
    dose: Dose,
    form: DoseLogForm,
    result: DoseLogResult | None,
    stops: dict[int, Light],
    paused: bool,
) -> DoseCard:
    stop = stops.get(dose.last_pain) if dose.last_pain is not None else None
    if result is not None:
        stop = result.light if result.light.is_red else None
    return DoseCard(dose, form, result, stop, paused)


def _today_context(
    patient: Patient,
    *,
    logged: DoseLogResult | None = None,
    bound: tuple[int, DoseLogForm] | None = None,
    paused: bool = False,
) -> dict[str, Any]:
    day = patient.local_day()
    doses = today_doses(patient, day)
    stops = _stop_lights(patient, doses)
    cards = []
    for dose in doses:
        form = bound[1] if bound and bound[0] == dose.item.pk else _dose_form(dose.item.pk)
        shown = logged if logged and logged.log.exercise_id == dose.item.exercise_id else None
        cards.append(_card(dose, form, shown, stops, paused))
    psfs = psfs_history(patient)
    return {
        "patient": patient,
        "day": day,
        # The PSFS re-rating card: every 14 days, or when the therapist asks (issue 16).
        "psfs": psfs,
        "psfs_due": psfs.due(day),
        "version": doses[0].item.version if doses else None,
        "cards": cards,
        "plan_paused": paused,
        "reports": adherence_reports(patient, day),
    }


@require_GET
@login_required
@offline_page
@vary_on_headers("HX-Request")
@emergency_first
@audited()
def today(request: AuthenticatedRequest) -> HttpResponse:
    """The patient's home: today's doses to tick off, the last traffic light, adherence."""
    patient = get_own_patient(request.user)
    if request.htmx and request.htmx.target == "adherence":
        reports = adherence_reports(patient, patient.local_day())
        return render(request, "care/today.html#adherence", {"reports": reports})
    logged = None
    log_pk = request.GET.get("logged", "")
    if log_pk.isdigit():
        log = ExerciseLog.objects.filter(patient=patient, pk=int(log_pk)).first()
        if log is not None:
            logged = DoseLogResult(log=log, light=light_for(patient, log.pain_during))
    paused = plan_paused(warnings_for_request(request))
    context = _today_context(patient, logged=logged, paused=paused)
    return render(request, "care/today.html", context)


def _paused_refusal(
    request: AuthenticatedRequest, patient: Patient, item: PlanItem
) -> HttpResponse:
    """A dose logged while an emergency is open is not saved (the plan is paused): the card
    says why, or the page with status 409 without htmx."""
    if not request.htmx:
        context = _today_context(patient, paused=True)
        context["paused_refusal"] = item.pk
        return render(request, "care/today.html", context, status=409)
    tallies = dose_tallies(patient, patient.local_day(), [item.exercise_id])
    card = DoseCard(dose_for(item, tallies), _dose_form(item.pk), paused=True)
    return render(request, "care/today.html#dose_card", {"card": card, "paused_refusal": item.pk})


@require_POST
@login_required
@vary_on_headers("HX-Request")
@audited(PlanItem, kwarg="item_pk", patient_path="version__plan__patient", write=Action.CREATE)
def dose_log(request: AuthenticatedRequest, item_pk: int) -> HttpResponse:
    """Log one dose of a plan item and show its traffic light. A double tap stores one log.
    Refused, saving nothing, while an emergency is open (the plan is paused, issue 11)."""
    patient = get_own_patient(request.user)
    item = get_plan_item_for_patient(patient, item_pk)
    if plan_paused(warnings_for_request(request)):
        return _paused_refusal(request, patient, item)
    form = _dose_form(item.pk, request.POST)
    result = None
    if form.is_valid():
        try:
            result = dose_record(patient, plan_item=item, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)

    if not request.htmx:
        if result is not None:
            url = reverse("care:today")
            return redirect(f"{url}?logged={result.log.pk}#dose-{item.pk}")
        context = _today_context(patient, bound=(item.pk, form))
        return render(request, "care/today.html", context, status=400)

    shown_item = result.log.plan_item if result and result.log.plan_item else item
    tallies = dose_tallies(patient, patient.local_day(), [shown_item.exercise_id])
    form = _dose_form(shown_item.pk) if result else form
    card = _card(dose_for(shown_item, tallies), form, result, {}, False)
    response = render(request, "care/today.html#dose_card", {"card": card})
    if result is not None:
        trigger_client_event(response, "exerciseLogged")
    return response
