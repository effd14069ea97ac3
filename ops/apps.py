from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        # Heartbeats of the reminder scheduler, and the entries and alerts counted for /metrics.
        from . import receivers  # noqa: F401
