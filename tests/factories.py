"""factory_boy factories for the project's models. Invented data only."""

import datetime as dt

import factory
from django.db import transaction
from django.utils import timezone

from accounts.models import Clinic, Patient, User
from exercises.models import Exercise, ExerciseLog, Plan, PlanItem, PlanVersion
from redflags.engine.domain import RULE_CODES, RULE_SEVERITY, Finding
from redflags.models import Alert
from symptoms.models import Intake, PTSession, SymptomEntry

TEST_PASSWORD = "correct-horse-battery-staple"


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Riverside Physio {n}")
    time_zone = "Europe/London"
    emergency_number = "999"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name")
    role = User.Role.PATIENT
    clinic = factory.SubFactory(ClinicFactory)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TherapistFactory(UserFactory):
    role = User.Role.THERAPIST
    email = factory.Sequence(lambda n: f"therapist{n}@example.test")


class ClinicAdminFactory(UserFactory):
    role = User.Role.CLINIC_ADMIN
    email = factory.Sequence(lambda n: f"admin{n}@example.test")


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient
        skip_postgeneration_save = True

    clinic = factory.SubFactory(ClinicFactory)
    user = factory.SubFactory(UserFactory, clinic=factory.SelfAttribute("..clinic"))
    intake = factory.RelatedFactory("tests.factories.IntakeFactory", factory_related_name="patient")

    @factory.post_generation
    def therapists(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.therapists.add(*extracted)


class IntakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intake

    patient = factory.SubFactory(PatientFactory, intake=None)
    conditions = "L5 radiculopathy"
    baseline_pain = 3
    baseline_regions = factory.LazyFunction(lambda: ["lower_back", "left_buttock"])


class PTSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PTSession

    patient = factory.SubFactory(PatientFactory)
    date = factory.LazyFunction(lambda: timezone.localdate())
    kind = "treatment"
    interventions = factory.LazyFunction(lambda: ["nerve_mobilisation"])


class SymptomEntryFactory(factory.django.DjangoModelFactory):
    """Writes a row directly (no screening); use symptoms.services to go through the rules."""

    class Meta:
        model = SymptomEntry

    patient = factory.SubFactory(PatientFactory)
    recorded_at = factory.LazyFunction(timezone.now)
    day = factory.LazyAttribute(lambda o: o.patient.local_day(o.recorded_at))
    context = "daily"
    pain_now = 3
    pain_worst = factory.LazyAttribute(lambda o: max(o.pain_now, 3))
    descriptors = factory.LazyFunction(lambda: ["tingling"])
    regions = factory.LazyFunction(lambda: ["left_thigh"])


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise

    clinic = None
    name = factory.Sequence(lambda n: f"Test exercise {n}")
    slug = factory.Sequence(lambda n: f"test-exercise-{n}")
    body_area = "lower_back"
    movement = "Move gently."


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    patient = factory.SubFactory(PatientFactory)


class PlanVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanVersion

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    version = factory.SubFactory(PlanVersionFactory)
    exercise = factory.SubFactory(ExerciseFactory)


class ExerciseLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExerciseLog

    patient = factory.SubFactory(PatientFactory)
    exercise = factory.SubFactory(ExerciseFactory)
    day = factory.LazyFunction(timezone.localdate)
    sets_done = 2
    pain_during = 2


class AlertFactory(factory.Factory):
    """An alert raised through the engine (redflags.alerts.alert_raise), like a real one: with
    the clinic's rule-set version, the patient message, evidence and queued notifications.
    `entry` is the record behind it (a fresh entry unless given; None for a sweep finding);
    `opened_at` backdates it after the fact."""

    class Meta:
        model = Alert

    patient = factory.SubFactory(PatientFactory)
    rule = "R7"
    severity = factory.LazyAttribute(lambda o: RULE_SEVERITY[o.rule])
    entry = factory.LazyAttribute(lambda o: SymptomEntryFactory(patient=o.patient))
    reason = factory.LazyAttribute(lambda o: f"Test finding of {o.rule}.")
    patient_reason = "You told us something your clinic should check."
    data = factory.LazyFunction(dict)
    opened_at = None

    @classmethod
    def _create(
        cls, model_class, *, patient, rule, severity, entry, reason, patient_reason, data, opened_at
    ):
        from redflags.alerts import alert_raise
        from redflags.rule_sets import current_rule_set

        finding = Finding(
            rule=rule,
            code=RULE_CODES[rule],
            severity=severity,
            reason=reason,
            patient_reason=patient_reason,
            evidence_entry_ids=(entry.pk,) if entry is not None else (),
            data=data,
        )
        # alert_raise runs inside a save's transaction in the app (it locks the open alert
        # with select_for_update, which PostgreSQL refuses outside one).
        with transaction.atomic():
            alert, _ = alert_raise(
                patient,
                finding,
                day=entry.day if entry is not None else patient.local_day(),
                rule_set_version=current_rule_set(patient.clinic),
                entry=entry,
            )
        if opened_at is not None:
            Alert.objects.filter(pk=alert.pk).update(opened_at=opened_at)
            alert.opened_at = opened_at
        return alert
