from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # Logins, logouts and failed logins are recorded through Django's auth signals.
        from . import signals  # noqa: F401
