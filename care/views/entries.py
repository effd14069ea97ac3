"""Patient pages for symptom entries: log an entry, see it with its guidance, correct it, the diary.

Each view serves the full page, or its fragment when htmx asks; without JavaScript the same
flow works through POST/redirect/GET.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.access import get_own_patient
from accounts.offline import offline_page
from accounts.types import AuthenticatedRequest
from audit.decorators import audited
from audit.models import Action
from core.forms import add_model_errors
from core.htmx import navigate, render_page, wants_fragment
from outcomes.forms import GROCForm
from outcomes.selectors import groc_due
from redflags.diary import flares_for_diary
from redflags.emergency import emergency_first, emergency_response
from redflags.guidance import guidance_for
from redflags.screening import emergency_answers_for
from symptoms.access import get_entry_for_user, get_own_entry
from symptoms.choices import Context, IsFlare
from symptoms.forms import DiaryFilterForm, SymptomEntryCorrectionForm, SymptomEntryForm
from symptoms.models import SymptomEntry
from symptoms.selectors import (
    alerts_for_entry,
    context_suggestion_for_patient,
    diary_page,
    trend_for_patient,
)
from symptoms.services import EntryLocked, entry_editable_until, entry_is_editable

from ..services import checkin_record, entry_correct, entry_remove


def _locked(request: AuthenticatedRequest, entry: SymptomEntry) -> HttpResponse:
    return render_page(
        request, "care/entry_locked.html", fragment="locked", context={"entry": entry}
    )


@require_http_methods(["GET", "POST"])
@login_required
@offline_page
@vary_on_headers("HX-Request")
@audited(write=Action.CREATE)
def entry_create(request: AuthenticatedRequest) -> HttpResponse:
    """The check-in: a symptom entry and, once a week, the Global Rating of Change."""
    patient = get_own_patient(request.user)
    suggestion = context_suggestion_for_patient(patient)
    ask_groc = groc_due(patient, patient.local_day())
    groc_form = None
    if request.method == "POST":
        form = SymptomEntryForm(request.POST, session_days_back=suggestion.session_days_back)
        groc_form = GROCForm(request.POST) if ask_groc else None
        groc_valid = groc_form is None or groc_form.is_valid()
        if form.is_valid() and groc_valid:
            try:
                result = checkin_record(
                    patient,
                    form.entry_data(),
                    groc=groc_form.cleaned_data["groc"] if groc_form else None,
                    actor=request.user,
                    idempotency_key=form.idempotency_token(),
                )
            except ValidationError as error:
                add_model_errors(form, error)
            else:
                # Emergency advice comes before anything else (spec.md section 8).
                emergency = emergency_response(request, result.alerts)
                if emergency is not None:
                    return emergency
                return navigate(request, reverse("care:entry_detail", args=[result.entry.pk]))
    else:
        # ?context= (reminder links, the flare-up button) overrides the suggestion.
        context = request.GET.get("context")
        if context not in Context.values:
            context = suggestion.context
        initial = {"context": context}
        if context == Context.FLARE:
            initial["is_flare"] = IsFlare.YES
        form = SymptomEntryForm(initial=initial, session_days_back=suggestion.session_days_back)
        groc_form = GROCForm() if ask_groc else None
    return render_page(
        request,
        "care/entry_form.html",
        fragment="entry-form",
        context={
            "form": form,
            "groc_form": groc_form,
            "suggestion": suggestion,
            "action": reverse("care:entry_create"),
            "correcting": False,
            # Kept with the page for an entry saved offline (issue 17): the rule set's own list.
            "emergency_answers": emergency_answers_for(patient.clinic),
        },
    )


@require_GET
@login_required
@offline_page
@vary_on_headers("HX-Request")
@audited(SymptomEntry)
def entry_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """What was logged and the guidance for it. Clinicians may look, never change."""
    entry = get_entry_for_user(request.user, pk)
    own = entry.patient.user_id == request.user.pk
    alerts = alerts_for_entry(entry)
    editable = own and entry_is_editable(entry)
    return render_page(
        request,
        "care/entry_detail.html",
        fragment="entry",
        context={
            "entry": entry,
            "own": own,
            "guidance": guidance_for(entry, alerts),
            "editable": editable,
            # An entry behind an alert is evidence: it can be corrected, not deleted.
            "deletable": editable and not alerts,
            "editable_until": entry_editable_until(entry),
            "zone": entry.patient.zone,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
@audited(SymptomEntry)
def entry_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entry = get_own_entry(request.user, pk)
    if not entry_is_editable(entry):
        return _locked(request, entry)
    if request.method == "POST":
        form = SymptomEntryCorrectionForm(request.POST)
        if form.is_valid():
            try:
                result = entry_correct(entry, form.entry_data(), actor=request.user)
            except EntryLocked:
                return _locked(request, entry)
            except ValidationError as error:
                add_model_errors(form, error)
            else:
                emergency = emergency_response(request, result.alerts)
                if emergency is not None:
                    return emergency
                return navigate(request, reverse("care:entry_detail", args=[entry.pk]))
    else:
        form = SymptomEntryCorrectionForm(initial=SymptomEntryForm.initial_for(entry))
    return render_page(
        request,
        "care/entry_form.html",
        fragment="entry-form",
        context={
            "form": form,
            "suggestion": context_suggestion_for_patient(entry.patient, entry.recorded_at),
            "action": reverse("care:entry_edit", args=[entry.pk]),
            "correcting": True,
            "entry": entry,
            "editable_until": entry_editable_until(entry),
        },
    )


@require_POST
@login_required
@vary_on_headers("HX-Request")
@audited(SymptomEntry, write=Action.DELETE)
def entry_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Delete within the correction window, once the patient has confirmed (confirm=yes)."""
    entry = get_own_entry(request.user, pk)
    if not entry_is_editable(entry):
        return _locked(request, entry)
    if request.POST.get("confirm") != "yes":
        return render_page(
            request, "care/entry_confirm_delete.html", fragment="confirm", context={"entry": entry}
        )
    try:
        entry_remove(entry, actor=request.user)
    except EntryLocked:
        return _locked(request, entry)
    messages.success(request, _("Your entry was deleted."))
    return navigate(request, reverse("care:diary"))


@require_GET
@login_required
@vary_on_headers("HX-Request")
@emergency_first
@audited()
def diary(request: AuthenticatedRequest) -> HttpResponse:
    patient = get_own_patient(request.user)
    filters = DiaryFilterForm(request.GET)
    valid = filters.is_valid()
    chosen = filters.cleaned_data if valid else {}
    page = diary_page(patient, until=chosen.get("until"), context=chosen.get("context", ""))
    context = {"patient": patient, "page": page, "filters": filters, "zone": patient.zone}
    if not wants_fragment(request):
        context["trend"] = trend = trend_for_patient(patient)
        context["flares"] = flares_for_diary(patient, trend.start, trend.end)
    return render_page(
        request,
        "care/diary.html",
        fragment="entries",
        context=context,
        status=200 if valid else 400,
    )
