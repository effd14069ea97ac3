from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Generators that feed the apps from outside: demo clinic, benchmark data, load runs."""

    name = "devtools"
    label = "devtools"
