"""Choices of the outcome records, with the labels people read."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessmentKind(models.TextChoices):
    INTAKE = "intake", _("At intake")
    REVIEW = "review", _("Review")
    DISCHARGE = "discharge", _("At discharge")


class RequestKind(models.TextChoices):
    REVIEW = "review", _("Re-rating now")
    DISCHARGE = "discharge", _("Discharge rating")


GROC_CHOICES = [
    (7, _("+7 A very great deal better")),
    (6, _("+6 A great deal better")),
    (5, _("+5 Quite a bit better")),
    (4, _("+4 Moderately better")),
    (3, _("+3 Somewhat better")),
    (2, _("+2 A little better")),
    (1, _("+1 A tiny bit better")),
    (0, _("0 About the same")),
    (-1, _("-1 A tiny bit worse")),
    (-2, _("-2 A little worse")),
    (-3, _("-3 Somewhat worse")),
    (-4, _("-4 Moderately worse")),
    (-5, _("-5 Quite a bit worse")),
    (-6, _("-6 A great deal worse")),
    (-7, _("-7 A very great deal worse")),
]
GROC_LABELS = dict(GROC_CHOICES)
