"""Model fields every app builds the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.validators import MaxLengthValidator
from django.db import models

if TYPE_CHECKING:  # django-stubs' lazy-string type (django_stubs_ext is not a run-time need)
    from django_stubs_ext import StrOrPromise


def bounded_text(
    verbose_name: StrOrPromise | None = None, *, max_length: int, **kwargs: Any
) -> models.TextField:
    """A TextField whose ``max_length`` model validation enforces too.

    Django passes a TextField's ``max_length`` to form fields only; with the validator,
    ``full_clean`` (every service, and the replay of clinical-safety cases) refuses a longer
    text with the same message a form gives, instead of leaving it to a check constraint or to
    nothing.
    """
    validators = [*kwargs.pop("validators", ()), MaxLengthValidator(max_length)]
    return models.TextField(verbose_name, max_length=max_length, validators=validators, **kwargs)


def model_field(model: type[models.Model], name: str) -> models.Field:
    """A model's own field by name (``get_field`` also answers a relation from another model,
    which is not one)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is another model's relation, not a field")
    return field
