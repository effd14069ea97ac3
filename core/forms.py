"""Form helpers shared by every app's views."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_model_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a model's own validation (a service's full_clean) on the form: each message on its
    field when the form has one, else at the top of the form."""
    for name, errors in error.update_error_dict({}).items():
        form.add_error(name if name in form.fields else None, errors)
