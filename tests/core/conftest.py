"""Helpers for the outbox tests: an email to queue, mail servers that fail."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

WORKING = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
DOWN = {"default": {"BACKEND": "tests.redflags.mail_backends.DownEmailBackend"}}
REFUSING = {"default": {"BACKEND": "tests.redflags.mail_backends.RefusingEmailBackend"}}
DUMMY_TASKS = {
    "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
}


def an_email(to: str = "tess@example.test", subject: str = "Hello") -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=subject,
        body="Open https://example.test/link?t=secret",
        to=[to],
        headers={"List-Unsubscribe": "<https://example.test/unsubscribe/x/>"},
    )
    email.attach_alternative("<p>Open the link</p>", "text/html")
    return email


@pytest.fixture(autouse=True)
def _working_mail(settings):
    settings.MAILERS = WORKING
    mail.outbox = []
