"""Helpers for the tests that keep each field list defined once."""


def model_field_names(model) -> list[str]:
    """The model's own fields, in declaration order (not the relations pointing at it)."""
    return [f.name for f in model._meta.get_fields() if f.concrete or not f.auto_created]
