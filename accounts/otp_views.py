"""Two-step verification pages: set up an authenticator app, verify at login, recovery codes,
and the Security page where patients turn it on or off.

Setting up a new app while a confirmed one exists needs a verified session, so a stolen password
alone can never register the thief's phone.
"""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from audit.models import Action, Outcome
from audit.services import record
from audit.subjects import patient_ref_for_user
from core.htmx import navigate, render_form_page

from .otp import (
    confirmed_totp_device,
    format_recovery_code,
    has_second_factor,
    pending_totp_device,
    recovery_codes_issue,
    recovery_codes_left,
    second_factor_remove,
    second_factor_verify,
    session_verified,
    totp_confirm,
    totp_qr_svg,
    totp_secret_text,
)
from .otp_forms import OTPVerifyForm, TOTPSetupForm
from .security import OTP_REQUIRED_KEY
from .types import AuthenticatedRequest

# The new recovery codes wait here between the POST that made them and the page that shows
# them, once.
RECOVERY_CODES_SESSION_KEY = "pt_recovery_codes_once"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _verified(request: HttpRequest, device) -> None:
    """Mark the session as verified by `device`, under a new session key."""
    django_otp.login(request, device)
    request.session.cycle_key()
    request.session[OTP_REQUIRED_KEY] = True


def _show_codes_once(request: HttpRequest, codes: list[str]) -> None:
    request.session[RECOVERY_CODES_SESSION_KEY] = [format_recovery_code(c) for c in codes]


@require_GET
@login_required
def security(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    context = {
        "device": confirmed_totp_device(user),
        "codes_left": recovery_codes_left(user),
        "required": user.is_clinician,
    }
    return render(request, "accounts/otp/security.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
@vary_on_headers("HX-Request")
def setup(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if has_second_factor(user) and not session_verified(user):
        return navigate(request, "twofactor:verify")
    device = pending_totp_device(user)
    form = TOTPSetupForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        result = totp_confirm(device, form.cleaned_data["code"])
        if result.ok:
            _verified(request, result.device)
            _show_codes_once(request, recovery_codes_issue(user))
            record(request, Action.OTP_SETUP, obj=user, patient=_own_patient_pk(request))
            messages.success(request, _("Two-step verification is on."))
            return navigate(request, "twofactor:recovery_codes")
        form.add_error(
            "code",
            _("Too many wrong codes. Wait a minute, then try again.")
            if result.throttled
            else _(
                "That code did not match. Check the time on your phone and try the newest code."
            ),
        )
    context = {
        "form": form,
        "qr_svg": totp_qr_svg(device),
        "secret": totp_secret_text(device),
        "replacing": has_second_factor(user),
        "next": _next_url(request),
    }
    return render_form_page(request, "accounts/otp/setup.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
@vary_on_headers("HX-Request")
def verify(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    next_url = _next_url(request)
    if session_verified(user):
        return navigate(request, next_url or "home")
    if not has_second_factor(user):
        return navigate(request, "twofactor:setup" if user.is_clinician else "home")
    form = OTPVerifyForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        result = second_factor_verify(user, form.cleaned_data["code"])
        if result.ok:
            _verified(request, result.device)
            detail = "recovery code" if result.used_recovery_code else "authenticator app"
            record(
                request,
                Action.OTP_VERIFIED,
                obj=user,
                detail=detail,
                patient=_own_patient_pk(request),
            )
            if result.used_recovery_code:
                left = recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code. You have %(count)d left.",
                        "You used a recovery code. You have %(count)d left.",
                        left,
                    )
                    % {"count": left},
                )
            return navigate(request, next_url or "home")
        record(
            request,
            Action.OTP_FAILED,
            obj=user,
            outcome=Outcome.DENIED,
            detail="throttled" if result.throttled else "wrong code",
            patient=_own_patient_pk(request),
        )
        form.add_error(
            "code",
            _("Too many wrong codes. Wait a minute, then try again.")
            if result.throttled
            else _("That code is not right. Try the newest code from your app."),
        )
    return render_form_page(request, "accounts/otp/verify.html", {"form": form, "next": next_url})


@require_GET
@login_required
@never_cache
def recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    context = {
        "codes": codes,
        "codes_left": recovery_codes_left(request.user),
        # The same codes as a text file to keep, downloaded from the page itself (a data: link):
        # the server keeps only their hashes and cannot make the file later.
        "codes_text": recovery_codes_text(request.user.email, codes) if codes else "",
    }
    return render(request, "accounts/otp/recovery_codes.html", context)


def recovery_codes_text(email: str, codes: list[str]) -> str:
    """The recovery codes as the text file a person keeps: who they are for, and the codes."""
    lines = [
        _("PT Tracker recovery codes for %(email)s") % {"email": email},
        _("Made on %(day)s. Each code works once; new codes replace these.")
        % {"day": date_format(timezone.localdate(), "j F Y")},
        "",
        *codes,
        "",
    ]
    return "\r\n".join(lines)


@require_POST
@login_required
def recovery_codes_new(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not has_second_factor(user) or not session_verified(user):
        raise Http404
    _show_codes_once(request, recovery_codes_issue(user))
    record(request, Action.RECOVERY_CODES, obj=user, patient=_own_patient_pk(request))
    return navigate(request, "twofactor:recovery_codes")


@require_POST
@login_required
def disable(request: AuthenticatedRequest) -> HttpResponse:
    """Patients may turn two-step verification off; clinicians must keep it."""
    user = request.user
    if user.is_clinician or not has_second_factor(user) or not session_verified(user):
        raise Http404
    second_factor_remove(user)
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    request.session[OTP_REQUIRED_KEY] = False
    record(request, Action.OTP_DISABLED, obj=user, patient=_own_patient_pk(request))
    messages.success(request, _("Two-step verification is off."))
    return navigate(request, "twofactor:security")


def _own_patient_pk(request: HttpRequest) -> int | None:
    ref = patient_ref_for_user(request.user, request.session)
    return ref.pk if ref else None
