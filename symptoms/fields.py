"""A set of choices stored as a JSON list, validated against its choices."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChoiceSetField(models.JSONField):
    """A set of values from `choices`, stored as a sorted JSON list.

    The database cannot portably check JSON members, so model validation (full_clean, run by
    every service) rejects unknown values; the form offers only valid ones.
    """

    def __init__(self, *args, choice_values=None, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        self.choice_values = choice_values
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("choice_values", None)
        if kwargs.get("default") is list:
            kwargs.pop("default")
        if kwargs.get("blank") is True:
            kwargs.pop("blank")
        return name, path, args, kwargs

    def get_prep_value(self, value):
        if isinstance(value, (set, frozenset, tuple)):
            value = sorted(value)
        return super().get_prep_value(value)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not isinstance(value, (list, tuple, set, frozenset)):
            raise ValidationError(_("Choose from the list."), code="invalid_set")
        allowed = self.choice_values or set()
        unknown = [item for item in value if item not in allowed]
        if unknown:
            raise ValidationError(
                _("Unknown choice: %(values)s."),
                code="invalid_choice",
                params={"values": ", ".join(map(str, unknown))},
            )
