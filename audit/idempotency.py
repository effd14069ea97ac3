"""One row per form, however often it is sent: an idempotency token in each create form.

Symptom entries and exercise logs carry their own key in their table. The other create forms
(add patient, record a session, triage actions) use this generic guard instead:

    {% load idempotency %}<form ...>{% csrf_token %}{% idempotency_field %} ...</form>

    @require_POST
    @clinician_required
    @idempotent
    def contact(request, pk): ...

The first POST carrying a token claims it (a unique row in audit.FormSubmission) in the same
transaction as the view's own writes. A repeat, sent twice in a row or at the same moment, finds
the token taken (PostgreSQL makes the second insert wait for the first to commit; SQLite
serialises the two writers) and does not run the view again: it is sent where the first one
went, with a message. If the view did not finish the job (the form came back with errors), the
claim is removed before the transaction commits, so the corrected form can be sent.

"Finished" means the view redirected (3xx, HX-Redirect, HX-Location) or told the page that
something changed (HX-Trigger); anything else is a form shown again.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Concatenate

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.htmx import navigate

from .models import FormSubmission

FIELD_NAME = "idempotency_token"
TOKEN_PATTERN = re.compile(r"^[0-9a-f]{32}$")
URL_MAX = FormSubmission._meta.get_field("result_url").max_length
DONE_HEADERS = ("HX-Redirect", "HX-Location", "HX-Trigger")


def new_token() -> str:
    return uuid.uuid4().hex


def _finished(response: HttpResponseBase) -> bool:
    return 300 <= response.status_code < 400 or any(h in response for h in DONE_HEADERS)


def _same_site(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _where_it_went(request: HttpRequest, response: HttpResponseBase) -> str:
    """Where the first submission sent the person: its redirect, else the page they were on."""
    for header in ("Location", "HX-Redirect", "HX-Location"):
        if header in response:
            return response[header][:URL_MAX]
    current = request.headers.get("HX-Current-URL") or request.headers.get("Referer") or ""
    return _same_site(request, current)[:URL_MAX]


def _repeat(request: HttpRequest, user_id: int, token: str) -> HttpResponse:
    target = (
        FormSubmission.objects.filter(user_id=user_id, token=token)
        .values_list("result_url", flat=True)
        .first()
    )
    messages.info(request, _("This form was already sent, so it was saved only once."))
    url = _same_site(request, target or "") or "/"
    return navigate(request, url)


def idempotent[Req: HttpRequest, **P, R: HttpResponseBase](
    view: Callable[Concatenate[Req, P], R],
) -> Callable[Concatenate[Req, P], R | HttpResponse]:
    """Run the view at most once per form token (see the module docstring)."""

    @wraps(view)
    def wrapper(request: Req, *args: P.args, **kwargs: P.kwargs) -> R | HttpResponse:
        token = request.POST.get(FIELD_NAME, "") if request.method == "POST" else ""
        user = request.user
        if not TOKEN_PATTERN.match(token) or not user.is_authenticated:
            # A form without a token (an old page, a script) is handled as before.
            return view(request, *args, **kwargs)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = FormSubmission.objects.create(
                        user=user, token=token, path=request.path[:URL_MAX]
                    )
            except IntegrityError:
                return _repeat(request, user.pk, token)
            response = view(request, *args, **kwargs)
            if _finished(response):
                claim.result_url = _where_it_went(request, response)
                claim.save(update_fields=["result_url"])
            else:
                # The form came back with errors: free the token for the corrected form. (Only
                # the claim is removed; whatever the view wrote stands.)
                claim.delete()
        return response

    return wrapper
