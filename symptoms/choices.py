"""Choices of the data dictionary (spec.md section 2), with the labels patients read.

The values are the names used in models, forms, the replay format and exports.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionKind(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment")
    TREATMENT = "treatment", _("Treatment")
    REVIEW = "review", _("Review")
    TELEHEALTH = "telehealth", _("Telehealth")


class Intervention(models.TextChoices):
    MANUAL_THERAPY = "manual_therapy", _("Manual therapy")
    NERVE_MOBILISATION = "nerve_mobilisation", _("Nerve mobilisation")
    EXERCISE_PROGRESSION = "exercise_progression", _("Exercise progression")
    EDUCATION = "education", _("Education")
    MODALITIES = "modalities", _("Modalities")
    DRY_NEEDLING = "dry_needling", _("Dry needling")
    OTHER = "other", _("Other")


class Context(models.TextChoices):
    BEFORE_SESSION = "before_session", _("Before my session")
    AFTER_SESSION = "after_session", _("After my session")
    NEXT_MORNING = "next_morning", _("The morning after my session")
    DAILY = "daily", _("Everyday check-in")
    FLARE = "flare", _("My symptoms got worse")


class Descriptor(models.TextChoices):
    BURNING = "burning", _("Burning")
    PAINFUL_COLD = "painful_cold", _("Painful cold")
    ELECTRIC_SHOCK = "electric_shock", _("Electric shocks")
    TINGLING = "tingling", _("Tingling")
    PINS_AND_NEEDLES = "pins_and_needles", _("Pins and needles")
    NUMBNESS = "numbness", _("Numbness")
    ITCHING = "itching", _("Itching")
    SHOOTING = "shooting", _("Shooting")
    STABBING = "stabbing", _("Stabbing")
    ACHING = "aching", _("Aching")
    THROBBING = "throbbing", _("Throbbing")


class Region(models.TextChoices):
    HEAD = "head", _("Head")
    NECK = "neck", _("Neck")
    UPPER_BACK = "upper_back", _("Upper back")
    LOWER_BACK = "lower_back", _("Lower back")
    CHEST = "chest", _("Chest")
    ABDOMEN = "abdomen", _("Tummy")
    GROIN = "groin", _("Groin")
    LEFT_SHOULDER = "left_shoulder", _("Left shoulder")
    LEFT_UPPER_ARM = "left_upper_arm", _("Left upper arm")
    LEFT_FOREARM = "left_forearm", _("Left forearm")
    LEFT_HAND = "left_hand", _("Left hand")
    LEFT_BUTTOCK = "left_buttock", _("Left buttock")
    LEFT_THIGH = "left_thigh", _("Left thigh")
    LEFT_LOWER_LEG = "left_lower_leg", _("Left lower leg")
    LEFT_FOOT = "left_foot", _("Left foot")
    RIGHT_SHOULDER = "right_shoulder", _("Right shoulder")
    RIGHT_UPPER_ARM = "right_upper_arm", _("Right upper arm")
    RIGHT_FOREARM = "right_forearm", _("Right forearm")
    RIGHT_HAND = "right_hand", _("Right hand")
    RIGHT_BUTTOCK = "right_buttock", _("Right buttock")
    RIGHT_THIGH = "right_thigh", _("Right thigh")
    RIGHT_LOWER_LEG = "right_lower_leg", _("Right lower leg")
    RIGHT_FOOT = "right_foot", _("Right foot")


class RestRelief(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    NOT_TRIED = "not_tried", _("I haven't tried")


class Weakness(models.TextChoices):
    NONE = "none", _("None")
    NOTICEABLE = "noticeable", _("I notice it")
    LIMITS_ACTIVITIES = "limits_activities", _("It stops me doing things")


class IsFlare(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNSURE = "unsure", _("Not sure")


class Trigger(models.TextChoices):
    EXERCISE = "exercise", _("Exercise")
    LIFTING = "lifting", _("Lifting")
    SITTING = "sitting", _("Sitting")
    DRIVING = "driving", _("Driving")
    SLEEP_POSITION = "sleep_position", _("Sleep position")
    HOUSEWORK = "housework", _("Housework")
    GARDENING = "gardening", _("Gardening")
    WORK = "work", _("Work")
    OTHER = "other", _("Something else")


class Helped(models.TextChoices):
    HEAT = "heat", _("Heat")
    COLD = "cold", _("Cold")
    REST = "rest", _("Rest")
    GENTLE_MOVEMENT = "gentle_movement", _("Gentle movement")
    POSTURE_CHANGE = "posture_change", _("Changing position")
    HOME_EXERCISES = "home_exercises", _("My home exercises")
    MEDICATION = "medication", _("Medication")
    NOTHING = "nothing", _("Nothing helped")


#: The choices of each set-of-choices field, by field name (as templates name them).
CHOICE_SETS: dict[str, type[models.TextChoices]] = {
    "descriptors": Descriptor,
    "regions": Region,
    "baseline_regions": Region,
    "triggers": Trigger,
    "helped": Helped,
    "interventions": Intervention,
}

# The six screening questions, asked on every entry as one checklist (spec.md section 2).
SCREENING_QUESTIONS = {
    "bladder_bowel_change": _("New trouble passing or holding urine or stool"),
    "saddle_numbness": _("Numbness between your legs or around your bottom"),
    "sexual_dysfunction_new": _("New loss of sexual function"),
    "fever_or_unwell": _("Fever, chills or feeling generally unwell"),
    "unexplained_weight_loss": _("Losing weight without trying"),
    "night_pain_unrelieved": _("Constant pain at night that no position eases"),
}

PAIN_MIN = 0
PAIN_MAX = 10
NOTES_MAX_LENGTH = 2000
