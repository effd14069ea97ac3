"""A set of choices stored as a JSON list, validated against its choices, and its DB check."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Cast, Replace
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _


class ChoiceSetField(models.JSONField):
    """A set of values from `choices`, stored as a sorted JSON list without repeats.

    Model validation (full_clean, run by every service) rejects unknown values with a clear
    message; `choice_set_check` backs it up in the database.
    """

    def __init__(self, *args, choice_set: type[models.TextChoices] | None = None, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        # In the choices' own order, so that messages list them as the forms show them.
        self.choice_values: tuple[str, ...] = tuple(choice_set.values) if choice_set else ()
        #: Each value's words (exports put them beside the codes: core.csv_export).
        self.choice_labels: dict[str, Any] = dict(choice_set.choices) if choice_set else {}
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("choice_set", None)
        if kwargs.get("default") is list:
            kwargs.pop("default")
        if kwargs.get("blank") is True:
            kwargs.pop("blank")
        return name, path, args, kwargs

    def get_prep_value(self, value):
        # A set has no order and no repeats; storing it sorted makes equal sets equal rows.
        if isinstance(value, (set, frozenset, tuple, list)) and all(
            isinstance(item, str) for item in value
        ):
            value = sorted(set(value))
        return super().get_prep_value(value)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not isinstance(value, (list, tuple, set, frozenset)):
            raise ValidationError(_("Choose from the list."), code="invalid_set")
        # Membership in a tuple compares with ==, so a nested list or object is unknown, not a
        # TypeError.
        unknown = [item for item in value if item not in self.choice_values]
        if unknown:
            raise ValidationError(
                _("Unknown choice: %(values)s."),
                code="invalid_choice",
                params={"values": ", ".join(map(str, unknown))},
            )


def choice_set_check(field: str, values: Iterable[str]) -> Exact:
    """A check that `field` is a JSON list of strings from `values`.

    JSON containment lookups do not exist on SQLite, so the check works on the JSON text: it
    removes every allowed value with its quotes, then the commas and spaces between members;
    a valid set leaves exactly "[]". Anything else (an unknown value, a number, a nested
    object, a bare string) leaves more. Values never contain quotes, commas or spaces, so
    removing one cannot eat part of another.
    """
    values = sorted(values)
    if any(char in value for value in values for char in '", \\'):
        raise ValueError("Choice values must not contain quotes, commas, spaces or backslashes.")
    text: models.Func = Cast(field, models.TextField())
    for removed in [f'"{value}"' for value in values] + [",", " "]:
        text = Replace(text, models.Value(removed), output_field=models.TextField())
    return Exact(text, models.Value("[]", output_field=models.TextField()))
