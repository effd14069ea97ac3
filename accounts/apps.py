from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        # Session stamps at login (idle/absolute limits, two-step verification).
        from . import signals  # noqa: F401
