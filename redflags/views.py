"""Alert pages: the clinician's inbox, alert page and triage actions; the clinic admin's rule set
and case replay; the patient's emergency advice page (spec.md section 8, issue 4).

Clinician pages answer 404 to patients and to clinicians outside the alert's caseload or
clinic (redflags.access). Each view serves the full page, or its fragment when htmx asks;
without JavaScript the same flows work through POST/redirect/GET.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from accounts.access import get_own_clinic
from accounts.decorators import clinic_admin_required, clinician_required
from accounts.forms import add_validation_error
from accounts.types import AuthenticatedRequest
from audit.decorators import audited
from audit.idempotency import idempotent
from core.htmx import navigate, wants_fragment

from .access import get_alert_for_user, get_own_emergency_alert, get_own_warning_alert
from .clinic_admin import rule_set_versions
from .emergency import after_emergency_url, emergency_page_guidance, is_pending
from .forms import (
    AcknowledgeForm,
    ContactForm,
    EscalateForm,
    InboxFilterForm,
    ResolveForm,
    RuleSetForm,
)
from .inbox import alert_actions, alert_detail, inbox_alerts, inbox_page, therapist_choices
from .models import Alert
from .rule_sets import current_rule_set, rule_set_update
from .triage import (
    AlertClosed,
    alert_acknowledge,
    alert_contact_log,
    alert_escalate,
    alert_patient_confirm,
    alert_resolve,
)

#: The htmx event that makes the inbox list refresh (hx-trigger="alertsChanged from:body").
ALERTS_CHANGED = "alertsChanged"


# --- Inbox -------------------------------------------------------------------------------------


@require_GET
@clinician_required
@vary_on_headers("HX-Request")
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None, therapists=therapist_choices(request.user))
    filters = form.filters()
    page, rows = inbox_page(inbox_alerts(request.user, **filters), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "filters": filters,
        "query": query.urlencode(),
    }
    template = "redflags/inbox.html"
    return render(
        request, f"{template}#alert-list" if wants_fragment(request) else template, context
    )


# --- Alert page and triage ---------------------------------------------------------------------

TRIAGE_FORMS: dict[str, type[forms.Form]] = {
    "acknowledge_form": AcknowledgeForm,
    "contact_form": ContactForm,
    "resolve_form": ResolveForm,
    "escalate_form": EscalateForm,
}


def _triage_context(alert: Alert, **bound: forms.Form) -> dict[str, Any]:
    context: dict[str, Any] = {name: form_class() for name, form_class in TRIAGE_FORMS.items()}
    context.update(bound)
    context["alert"] = alert
    context["actions"] = alert_actions(alert)
    return context


@require_GET
@clinician_required
@vary_on_headers("HX-Request")
@audited(Alert)
def alert_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    alert = get_alert_for_user(request.user, pk)
    if wants_fragment(request):
        return render(request, "redflags/alert_detail.html#triage", _triage_context(alert))
    context = _triage_context(alert)
    context["detail"] = alert_detail(alert)
    return render(request, "redflags/alert_detail.html", context)


def _triage_action(
    request: AuthenticatedRequest,
    pk: int,
    form_name: str,
    act: Callable[[Alert, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Run one triage service: PRG without JavaScript; with htmx, swap the triage panel and
    tell the page (and an open inbox) that alerts changed."""
    alert = get_alert_for_user(request.user, pk)
    form = TRIAGE_FORMS[form_name](request.POST)
    if form.is_valid():
        try:
            act(alert, form.cleaned_data)
        except AlertClosed as error:
            # Someone else got there first: show the alert as it is now, and say so.
            return _triage_done(request, alert, error.messages[0], level=messages.WARNING)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return _triage_done(request, alert, done)
    context = _triage_context(alert, **{form_name: form})
    if request.htmx:
        return render(request, "redflags/alert_detail.html#triage", context)
    context["detail"] = alert_detail(alert)
    return render(request, "redflags/alert_detail.html", context, status=400)


def _triage_done(
    request: AuthenticatedRequest, alert: Alert, text: str, level: int = messages.SUCCESS
) -> HttpResponse:
    if request.htmx:
        context = _triage_context(alert)
        context["done"] = text
        context["done_level"] = "success" if level == messages.SUCCESS else "warning"
        response = render(request, "redflags/alert_detail.html#triage", context)
        return trigger_client_event(response, ALERTS_CHANGED)
    messages.add_message(request, level, text)
    return redirect("redflags:alert_detail", pk=alert.pk)


@require_POST
@clinician_required
@vary_on_headers("HX-Request")
@audited(Alert)
@idempotent
def acknowledge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _triage_action(
        request,
        pk,
        "acknowledge_form",
        lambda alert, data: alert_acknowledge(alert, actor=request.user, note=data["note"]),
        _("Alert acknowledged."),
    )


@require_POST
@clinician_required
@vary_on_headers("HX-Request")
@audited(Alert)
@idempotent
def contact(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _triage_action(
        request,
        pk,
        "contact_form",
        lambda alert, data: alert_contact_log(
            alert, actor=request.user, method=data["method"], note=data["note"]
        ),
        _("Contact logged."),
    )


@require_POST
@clinician_required
@vary_on_headers("HX-Request")
@audited(Alert)
@idempotent
def resolve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _triage_action(
        request,
        pk,
        "resolve_form",
        lambda alert, data: alert_resolve(alert, actor=request.user, note=data["note"]),
        _("Alert resolved."),
    )


@require_POST
@clinician_required
@vary_on_headers("HX-Request")
@audited(Alert)
@idempotent
def escalate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _triage_action(
        request,
        pk,
        "escalate_form",
        lambda alert, data: alert_escalate(alert, actor=request.user, note=data["note"]),
        _("Alert escalated. The clinic's admins have been told."),
    )


# --- Patient: emergency advice -----------------------------------------------------------------


@require_GET
@login_required
@audited(Alert)
def emergency(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    alert = get_own_emergency_alert(request.user, pk)
    context = {
        "alert": alert,
        "guidance": emergency_page_guidance(alert),
        "pending": is_pending(alert),
        "next_url": after_emergency_url(alert),
    }
    return render(request, "redflags/emergency.html", context)


@require_POST
@login_required
@audited(Alert)
def emergency_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    alert = get_own_emergency_alert(request.user, pk)
    alert_patient_confirm(alert, actor=request.user)
    return navigate(request, after_emergency_url(alert))


@require_POST
@login_required
@audited(Alert)
def warning_read(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The banner's "I have read this": recorded (a patient_confirmed triage action, and the
    audit event of this request), never hiding the banner. Back to the page it was on."""
    alert = get_own_warning_alert(request.user, pk)
    alert_patient_confirm(alert, actor=request.user)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("home")
    return navigate(request, back)


# --- Clinic admin: rule set and case replay ----------------------------------------------------


@require_http_methods(["GET", "POST"])
@clinic_admin_required
def rule_set(request: AuthenticatedRequest) -> HttpResponse:
    clinic = get_own_clinic(request.user)
    current = current_rule_set(clinic)
    params = current.rule_params()
    form = RuleSetForm(request.POST if request.method == "POST" else None, params=params)
    if form.is_valid():
        new_params = form.cleaned_data["params"]
        if new_params == params:
            messages.info(request, _("Nothing changed, so no new version was saved."))
            return redirect("redflags:rule_set")
        try:
            version = rule_set_update(
                clinic, new_params, actor=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request, _("Rule set saved as version %(number)d.") % {"number": version.number}
            )
            return redirect("redflags:rule_set")
    context = {
        "form": form,
        "current": current,
        "versions": rule_set_versions(clinic),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "redflags/rule_set.html", context, status=status)
