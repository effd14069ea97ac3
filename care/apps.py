from django.apps import AppConfig


class CareConfig(AppConfig):
    """Use cases that span apps (record an entry and screen it, log a dose and screen it, ...)
    and the patient pages that run them. See docs/architecture.md."""

    name = "care"
