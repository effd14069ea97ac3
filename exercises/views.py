"""The clinician's exercise library and plan builder. (The patient's Today page and dose
logging are in care: they screen each dose.)"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from accounts.access import get_own_clinic, get_patient_for_user, own_clinic_id
from accounts.decorators import clinician_required
from accounts.models import Patient
from accounts.types import AuthenticatedRequest
from audit.decorators import audited
from core.htmx import navigate, render_page

from .access import (
    get_editable_exercise_for_user,
    get_exercise_for_user,
    get_plan_for_user,
)
from .forms import ExerciseForm, LibrarySearchForm, PlanBuilder
from .selectors import (
    adherence_reports,
    current_version,
    latest_version,
    plan_for_patient,
    plan_history,
    version_items,
)
from .services import exercise_create, exercise_update, plan_version_save

# --- Clinician: exercise library -----------------------------------------------------------------


@require_GET
@clinician_required
@vary_on_headers("HX-Request")
def library(request: AuthenticatedRequest) -> HttpResponse:
    form = LibrarySearchForm(request.GET)
    context = {"form": form, "exercises": form.results(own_clinic_id(request.user))}
    return render_page(request, "exercises/library.html", context, fragment="results")


@require_GET
@clinician_required
def exercise_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    exercise = get_exercise_for_user(request.user, pk)
    return render(request, "exercises/exercise_detail.html", {"exercise": exercise})


@require_http_methods(["GET", "POST"])
@clinician_required
def exercise_new(request: AuthenticatedRequest) -> HttpResponse:
    """Add a clinic exercise, from scratch or as a copy of one the clinic can see (?copy=pk)."""
    initial = {}
    copy_pk = request.GET.get("copy", "")
    if copy_pk.isdigit():
        source = get_exercise_for_user(request.user, int(copy_pk))
        initial = model_to_dict(source, fields=ExerciseForm.Meta.fields)
        initial["name"] = _("%(name)s (our version)") % {"name": source.name}
    form = ExerciseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            exercise = exercise_create(
                get_own_clinic(request.user), form.cleaned_data, actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Exercise added to your clinic's library."))
            return redirect("exercises:exercise_detail", pk=exercise.pk)
    return render(request, "exercises/exercise_form.html", {"form": form, "exercise": None})


@require_http_methods(["GET", "POST"])
@clinician_required
def exercise_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    exercise = get_editable_exercise_for_user(request.user, pk)
    form = ExerciseForm(request.POST or None, instance=exercise)
    if request.method == "POST" and form.is_valid():
        try:
            exercise_update(exercise, form.cleaned_data, actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Exercise saved."))
            return redirect("exercises:exercise_detail", pk=exercise.pk)
    return render(request, "exercises/exercise_form.html", {"form": form, "exercise": exercise})


# --- Clinician: plans ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@clinician_required
@vary_on_headers("HX-Request")
@audited(Patient, kwarg="patient_pk")
def plan_builder(request: AuthenticatedRequest, patient_pk: int) -> HttpResponse:
    """Build or revise a patient's plan. Every button posts the whole draft; only Save writes,
    and each save that changes something is a new version. htmx gets back only the part the
    button changed (``_plan_builder_fragment``)."""
    patient = get_patient_for_user(request.user, patient_pk)
    plan = plan_for_patient(patient)
    latest = latest_version(plan)
    day = patient.local_day()
    builder = PlanBuilder(
        clinic_id=patient.clinic_id,
        today=day,
        latest=latest,
        latest_items=version_items(latest) if request.method == "GET" else [],
        data=request.POST if request.method == "POST" else None,
    )
    if builder.is_valid():
        try:
            version = plan_version_save(plan or patient, **builder.cleaned(), actor=request.user)
        except ValidationError as error:
            builder.add_service_errors(error)
        else:
            if latest is not None and version.pk == latest.pk:
                messages.info(request, _("Nothing changed, so no new version was saved."))
            else:
                messages.success(
                    request, _("Plan saved as version %(number)d.") % {"number": version.number}
                )
            url = reverse("exercises:plan_builder", args=[patient.pk])
            return navigate(request, url)

    context = {"patient": patient, "builder": builder, "plan": plan, "latest": latest}
    if request.htmx and request.method == "POST":
        return _plan_builder_fragment(request, builder, context)
    context["current"] = current_version(patient, day)
    context["reports"] = adherence_reports(patient, day)
    return render(request, "exercises/plan_builder.html", context)


def _plan_builder_fragment(
    request: HttpRequest, builder: PlanBuilder, context: dict[str, Any]
) -> HttpResponse:
    """Only the part of the builder an action changed, so htmx never replaces the search box
    while someone types in it: the results for a search, everything below the search for an
    invalid save, the plan's exercises for add, remove and move."""
    verb = builder.action.verb
    fragment = {"search": "search_results", "save": "plan_draft"}.get(verb, "plan_items")
    response = render(request, f"exercises/plan_builder.html#{fragment}", context)
    if verb in {"add", "remove"}:
        # The search results mark what is in the plan: they ask for themselves again.
        trigger_client_event(response, "planItemsChanged", after="swap")
    return response


@require_GET
@login_required
@audited(Patient, kwarg="patient_pk")
def plan_history_view(request: AuthenticatedRequest, patient_pk: int) -> HttpResponse:
    """Every version of the plan: what was prescribed when (therapist and patient)."""
    plan = get_plan_for_user(request.user, patient_pk)
    context = {"plan": plan, "patient": plan.patient, "spans": plan_history(plan)}
    return render(request, "exercises/plan_history.html", context)


@require_GET
@login_required
@audited(Patient, kwarg="patient_pk")
def plan_print(request: AuthenticatedRequest, patient_pk: int) -> HttpResponse:
    """The plan on paper: the version in force today (or the next one, before it starts)."""
    plan = get_plan_for_user(request.user, patient_pk)
    version = current_version(plan.patient, plan.patient.local_day()) or latest_version(plan)
    context = {
        "plan": plan,
        "patient": plan.patient,
        "version": version,
        "items": version_items(version),
        "weekdays": [WEEKDAYS_ABBR[day] for day in range(7)],
    }
    return render(request, "exercises/plan_print.html", context)
