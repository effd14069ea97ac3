"""The clinic admin's status page (/status/): is the background work keeping up, and the
clinic's emails that could not be delivered, to retry or discard.

- Background work: the task worker's and the reminder scheduler's last heartbeats, the clinic's
  last daily sweeps, the readiness checks (ops.checks) for this clinic.
- Email: what is waiting to be sent and since when, what was given up, and the deliveries that
  failed in the last 7 days by kind and what became of them.
- Undelivered email: the given-up and failing emails (when, what kind, to whom, attempts and the
  last error, never what the email says), with "Retry now" and "Discard", both on the audit log
  (accounts.services).

Anyone but a clinic admin gets 404 (clinic_admin_required); another clinic's email is a 404 too.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.access import get_outbox_message_for_user, get_own_clinic
from accounts.decorators import clinic_admin_required
from accounts.services import outbox_message_discard, outbox_message_retry
from accounts.types import AuthenticatedRequest
from core.htmx import navigate, render_page, wants_fragment
from core.outbox import undelivered_mail

from .checks import background_checks
from .models import Heartbeat
from .selectors import failed_deliveries_by_kind, last_sweeps, outbox_backlog

PER_PAGE = 50
TEMPLATE = "ops/status.html"
RECENT = timedelta(days=7)


def _status(request: AuthenticatedRequest, *, done: str = "") -> HttpResponse:
    clinic = get_own_clinic(request.user)
    now = timezone.now()
    page = Paginator(undelivered_mail(clinic.pk), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "zone": clinic.time_zone,
        "done": done,
        "now": now,
        "checks": {check.name: check for check in background_checks(now, clinics=[clinic])},
        "heartbeats": Heartbeat.objects.order_by("component", "-last_seen"),
        "sweeps": last_sweeps(clinic.pk),
        "backlog": outbox_backlog(clinic.pk, now),
        "failed": failed_deliveries_by_kind(now - RECENT, clinic.pk),
    }
    return render_page(request, TEMPLATE, context, fragment="mail")


@require_GET
@clinic_admin_required
@vary_on_headers("HX-Request")
def status(request: AuthenticatedRequest) -> HttpResponse:
    return _status(request)


def _after_action(request: AuthenticatedRequest, done: str) -> HttpResponse:
    """htmx swaps the list in with the outcome; without JavaScript, POST/redirect/GET."""
    if wants_fragment(request):
        return _status(request, done=done)
    messages.info(request, done)
    return navigate(request, "ops:status")


@require_POST
@clinic_admin_required
@vary_on_headers("HX-Request")
def mail_retry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    message = get_outbox_message_for_user(request.user, pk)
    if outbox_message_retry(message, actor=request.user, request=request):
        done = _("The email to %(to)s is being sent again.")
    else:
        done = _(
            "Nothing to retry: the email to %(to)s was sent, discarded, is too old to send, "
            "or is being sent already."
        )
    return _after_action(request, done % {"to": ", ".join(message.recipients)})


@require_POST
@clinic_admin_required
@vary_on_headers("HX-Request")
def mail_discard(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    message = get_outbox_message_for_user(request.user, pk)
    if outbox_message_discard(message, actor=request.user, request=request):
        done = _("The email to %(to)s is discarded: it will not be sent.")
    else:
        done = _(
            "Nothing to discard: the email to %(to)s was sent, is being sent, or was "
            "discarded already."
        )
    return _after_action(request, done % {"to": ", ".join(message.recipients)})
