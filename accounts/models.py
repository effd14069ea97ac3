"""Users, roles, clinics and the caseload (which therapist looks after which patient)."""

import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber

from .phones import PhoneField, default_phone_region, validate_phone_region


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Clinic(models.Model):
    name = models.CharField(max_length=200)
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    emergency_number = models.CharField(
        max_length=32, default="999", help_text=_("The local emergency number shown to patients.")
    )
    # The country whose numbering a phone number typed without a country code follows.
    phone_region = models.CharField(
        _("phone numbers' country"),
        max_length=2,
        default=default_phone_region,
        validators=[validate_phone_region],
        help_text=_(
            "Patients' phone numbers without a country code are read as numbers of this country."
        ),
    )
    # How long closed patients' clinical records are kept (see docs/security.md).
    retention_years = models.PositiveSmallIntegerField(default=8)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.CLINIC_ADMIN)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in by email: a patient, a therapist or a clinic admin."""

    class Role(models.TextChoices):
        PATIENT = "patient", _("Patient")
        THERAPIST = "therapist", _("Therapist")
        CLINIC_ADMIN = "clinic_admin", _("Clinic admin")

    # AbstractUser's name fields removed (login by email, one full name); the stubs cannot say
    # that a subclass drops a field.
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PATIENT)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    preferred_language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    # An email-login manager: the stubs type AbstractUser.objects as auth's username UserManager.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["patient", "therapist", "clinic_admin"]),
                name="user_role_valid",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_patient(self) -> bool:
        return self.role == self.Role.PATIENT

    @property
    def is_therapist(self) -> bool:
        return self.role == self.Role.THERAPIST

    @property
    def is_clinic_admin(self) -> bool:
        return self.role == self.Role.CLINIC_ADMIN

    @property
    def is_clinician(self) -> bool:
        return self.role in (self.Role.THERAPIST, self.Role.CLINIC_ADMIN)


class Patient(models.Model):
    """A patient's place in a clinic: their login, their therapists (the caseload), their zone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="patient"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    therapists = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="caseload", blank=True
    )
    # Empty means the clinic's time zone.
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    # Contact details (issue 11), for the clinic to call back after an urgent or emergency
    # alert; shared in the FHIR export and the patient's own data export. Numbers are E.164.
    # A PhoneNumber once read (django-phonenumber-field has no type hints of its own).
    phone: PhoneNumber | str = PhoneField(_("phone number"), blank=True)
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=150, blank=True)
    emergency_contact_phone: PhoneNumber | str = PhoneField(
        _("emergency contact's phone number"), blank=True
    )
    best_time_to_call = models.CharField(_("best time to call"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(emergency_contact_phone="")
                | ~models.Q(emergency_contact_name=""),
                name="patient_emergency_contact_named",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        super().clean()
        if self.emergency_contact_phone and not self.emergency_contact_name.strip():
            raise ValidationError(
                {
                    "emergency_contact_name": _(
                        "Give the name of the person to call with their number."
                    )
                },
                code="emergency_contact_unnamed",
            )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone or self.clinic.time_zone)

    def local_day(self, moment=None):
        """The patient's local calendar date of `moment` (spec.md section 3, "Day")."""
        moment = moment or timezone.now()
        return timezone.localtime(moment, self.zone).date()


class Invitation(models.Model):
    """A single-use link that lets an invited patient set their password."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invitation for {self.user} ({self.created_at:%Y-%m-%d})"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and now < self.expires_at
