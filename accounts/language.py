"""Which language a person reads PT Tracker in (issue 7).

* The language switch in the footer posts to `set_language` (/i18n/setlang/): Django's own view
  sets the language cookie and goes back to the page; for someone logged in, the choice is also
  saved on their account (`User.preferred_language`), so it follows them to another phone.
* `UserLanguageMiddleware` uses the account's language on every request of a logged-in person
  whose browser has not chosen one with the switch (no language cookie). Django's
  LocaleMiddleware has already picked the cookie's or the browser's language by then.
* Pages reached from an email link without logging in (an invitation, a reminder's quick log)
  call `activate_user_language` with the person the link belongs to, for the same reason.
* Emails go out in the recipient's language: `PasswordResetForm` here; invitations, reminders
  and alerts use `translation.override(user.preferred_language)` where they are queued. All of
  them leave through the mail outbox (core.outbox).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from core.models import MailKind
from core.outbox import mail_queue

from .models import User

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def chose_language_here(request: HttpRequest) -> bool:
    """Has this browser picked a language with the switch?"""
    return request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in LANGUAGE_CODES


def activate_user_language(request: HttpRequest, user: User) -> None:
    """Use `user`'s language for this request, unless this browser chose one with the switch."""
    if chose_language_here(request) or user.preferred_language not in LANGUAGE_CODES:
        return
    translation.activate(user.preferred_language)
    request.LANGUAGE_CODE = user.preferred_language


def user_language_save(user: User, code: str) -> None:
    """Keep `code` as the language `user` reads PT Tracker and its emails in."""
    if code not in LANGUAGE_CODES:
        raise ValueError(f"Not a language of settings.LANGUAGES: {code!r}")
    if user.preferred_language != code:
        user.preferred_language = code
        user.save(update_fields=["preferred_language"])


class UserLanguageMiddleware:
    """After authentication: a logged-in person's own language, where the browser has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            activate_user_language(request, user)
        return self.get_response(request)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie, then back to `next`), and the account keeps the choice."""
    response = django_set_language(request)
    code = request.POST.get("language", "")
    if request.user.is_authenticated and code in LANGUAGE_CODES:
        user_language_save(request.user, code)
    return response


class PasswordResetForm(DjangoPasswordResetForm):
    """The reset email in the language of the person it is for, not of whoever asked, sent
    through the mail outbox (retried while the mail server is down)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context.get("user")
        with translation.override(getattr(user, "preferred_language", settings.LANGUAGE_CODE)):
            subject = "".join(render_to_string(subject_template_name, context).splitlines())
            message = EmailMultiAlternatives(
                subject, render_to_string(email_template_name, context), to=[to_email]
            )
            if html_email_template_name is not None:
                message.attach_alternative(
                    render_to_string(html_email_template_name, context), "text/html"
                )
        mail_queue(
            message, kind=MailKind.PASSWORD_RESET, clinic_id=getattr(user, "clinic_id", None)
        )
