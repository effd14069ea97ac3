"""Forms of the care pages that span apps."""

from __future__ import annotations

from typing import cast

from crispy_forms.layout import Layout
from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.forms import PatientContactFields, PersonInviteFields, time_zone_choices
from accounts.models import Clinic, User
from accounts.services import CONTACT_FIELDS
from symptoms.clinic_forms import IntakeForm
from symptoms.field_lists import INTAKE_FIELDS


class PatientInviteForm(PersonInviteFields, PatientContactFields, IntakeForm):
    """A new patient: who they are, how to reach them, which therapists look after them, and
    their intake.

    A clinic admin picks the therapists from their clinic; a therapist adding a patient becomes
    the patient's therapist, so the field is not shown to them.
    """

    time_zone = forms.ChoiceField(
        label=_("Patient's time zone"),
        required=False,
        help_text=_("Leave empty if the patient lives in the clinic's time zone."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Patient's language"),
        choices=settings.LANGUAGES,
        required=False,
        initial=settings.LANGUAGE_CODE,
        help_text=_("The invitation, the app and the reminder emails use this language."),
    )
    therapists = forms.ModelMultipleChoiceField(
        label=_("Therapists"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = [
        "full_name",
        "email",
        "time_zone",
        "preferred_language",
        *CONTACT_FIELDS,
        "therapists",
        *INTAKE_FIELDS,
    ]

    def __init__(self, *args, therapist_choices: QuerySet[User] | None, clinic: Clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_phone_region(clinic.phone_region)
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = [
            ("", _("Same as the clinic (%(zone)s)") % {"zone": clinic.time_zone}),
            *time_zone_choices(),
        ]
        if therapist_choices is None:
            del self.fields["therapists"]
        else:
            therapists = cast(forms.ModelMultipleChoiceField, self.fields["therapists"])
            therapists.queryset = therapist_choices.order_by("full_name")
        # Rebuild the layout now that the field list is final.
        self.helper.layout = Layout(*self._layout_fields())

    def person_data(self) -> dict:
        return {
            "full_name": self.cleaned_data["full_name"],
            "email": self.cleaned_data["email"],
            "time_zone": self.cleaned_data["time_zone"],
            "preferred_language": self.cleaned_data["preferred_language"] or settings.LANGUAGE_CODE,
        }
