"""Model fields every app builds the same way."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxLengthValidator
from django.db import models


def bounded_text(*args: Any, max_length: int, **kwargs: Any) -> models.TextField:
    """A TextField whose ``max_length`` model validation enforces too.

    Django passes a TextField's ``max_length`` to form fields only; with the validator,
    ``full_clean`` (every service, and the replay of clinical-safety cases) refuses a longer
    text with the same message a form gives, instead of leaving it to a check constraint or to
    nothing.
    """
    validators = [*kwargs.pop("validators", ()), MaxLengthValidator(max_length)]
    return models.TextField(*args, max_length=max_length, validators=validators, **kwargs)
