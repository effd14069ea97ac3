from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app may use and that knows no app: HTTP and htmx responses, the mail outbox,
    the CSV writer. See docs/architecture.md."""

    name = "core"
