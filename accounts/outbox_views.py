"""Clinic admins see their clinic's emails that could not be delivered (given up, or failing and
waiting for their next attempt) and retry or discard them. The list names the recipient, the
kind, the attempts and the last error, never what the email says.

Anyone else gets 404 (clinic_admin_required); another clinic's email is a 404 too.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from core.htmx import navigate, render_page, wants_fragment
from core.outbox import undelivered_mail

from .access import get_outbox_message_for_user
from .decorators import clinic_admin_required
from .services import outbox_message_discard, outbox_message_retry
from .types import AuthenticatedRequest

PER_PAGE = 50
TEMPLATE = "accounts/undelivered_mail.html"


def _list(request: AuthenticatedRequest, *, done: str = "") -> HttpResponse:
    page = Paginator(undelivered_mail(request.user.clinic_id), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "zone": request.user.clinic.time_zone, "done": done}
    return render_page(request, TEMPLATE, context, fragment="mail")


@require_GET
@clinic_admin_required
@vary_on_headers("HX-Request")
def undelivered_mail_list(request: AuthenticatedRequest) -> HttpResponse:
    return _list(request)


def _after_action(request: AuthenticatedRequest, done: str) -> HttpResponse:
    """htmx swaps the list in with the outcome; without JavaScript, POST/redirect/GET."""
    if wants_fragment(request):
        return _list(request, done=done)
    messages.info(request, done)
    return navigate(request, "accounts:undelivered_mail")


@require_POST
@clinic_admin_required
@vary_on_headers("HX-Request")
def undelivered_mail_retry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
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
def undelivered_mail_discard(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    message = get_outbox_message_for_user(request.user, pk)
    if outbox_message_discard(message, actor=request.user, request=request):
        done = _("The email to %(to)s is discarded: it will not be sent.")
    else:
        done = _(
            "Nothing to discard: the email to %(to)s was sent, is being sent, or was "
            "discarded already."
        )
    return _after_action(request, done % {"to": ", ".join(message.recipients)})
