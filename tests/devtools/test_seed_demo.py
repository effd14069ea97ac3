"""`seed_demo`: the invented clinic, its logins and the patient stories; idempotent."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Max, Min
from django.utils import timezone

from accounts.models import Clinic, Patient, User
from audit.models import AuditEvent
from devtools.demo import stories as demo
from symptoms.models import DailySummary, Intake, PTSession, SymptomEntry

pytestmark = pytest.mark.django_db

LEG_SIDES = {
    "left": {"left_buttock", "left_thigh", "left_lower_leg", "left_foot"},
    "right": {"right_buttock", "right_thigh", "right_lower_leg", "right_foot"},
}


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Clinic, User, Patient, Intake, PTSession, SymptomEntry, DailySummary)
    }


def _seed(*args, **options):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, **options)
    return out.getvalue()


def _patient(key):
    story = next(s for s in demo.STORIES if s.key == key)
    return Patient.objects.select_related("clinic", "user").get(user__email=story.email)


def _entries(patient, since_days=None):
    entries = SymptomEntry.objects.filter(patient=patient)
    if since_days is not None:
        entries = entries.filter(day__gte=patient.local_day() - dt.timedelta(days=since_days))
    return entries


def _bilateral(entry):
    regions = set(entry.regions)
    return all(regions & side for side in LEG_SIDES.values())


def test_seed_demo_creates_the_clinic_and_its_stories_and_a_second_run_changes_nothing(rf):
    output = _seed()
    assert demo.DEMO_PASSWORD in output
    clinic = Clinic.objects.get(name="Riverside Physiotherapy (demo)")
    assert (clinic.time_zone, clinic.emergency_number) == ("Europe/London", "999")
    patients = Patient.objects.filter(clinic=clinic)
    _assert_staff_and_logins(rf, clinic, patients)
    _assert_histories(patients)
    _assert_each_story_shows_its_sign()
    _assert_outcome_histories(patients)

    _assert_progress_shown(output)

    before = _counts()
    assert _seed(verbosity=0) == ""
    assert _counts() == before


def _assert_progress_shown(output):
    """A line per patient and per day swept (seven days of end-of-day sweeps), then a summary."""
    lines = output.splitlines()
    for number, story in enumerate(demo.STORIES, 1):
        assert any(
            f"patient {number:>2}/{len(demo.STORIES)} {story.full_name}: created" in line
            for line in lines
        ), story.full_name
    today = timezone.localdate(timezone=dt.UTC)
    swept = [line for line in lines if re.match(r"  \d{4}-\d\d-\d\d: 12 patients, \d+ alert", line)]
    assert len(swept) == 7
    last_day = dt.date.fromisoformat(swept[-1].split(":")[0].strip())
    assert abs((today - last_day).days) <= 2
    assert lines[-1].startswith(
        "Demo clinic 'Riverside Physiotherapy (demo)': 3 staff, 12 patients"
    )


def _assert_staff_and_logins(rf, clinic, patients):
    staff = User.objects.filter(clinic=clinic).exclude(role=User.Role.PATIENT)
    assert sorted(staff.values_list("email", "role")) == [
        ("ada.demo@example.com", "clinic_admin"),
        ("tess.demo@example.com", "therapist"),
        ("tom.demo@example.com", "therapist"),
    ]
    assert patients.count() == 12
    assert Intake.objects.filter(patient__in=patients).count() == 12
    # Every demo login works with the documented password.
    for user in User.objects.filter(clinic=clinic):
        request = rf.post("/accounts/login/")
        assert authenticate(request, username=user.email, password=demo.DEMO_PASSWORD) == user


def _assert_histories(patients):
    now = timezone.now()
    assert not SymptomEntry.objects.filter(patient__in=patients, recorded_at__gt=now).exists()
    # Histories of 6-10 weeks, with weekly sessions and entries around them.
    for story in demo.STORIES:
        patient = _patient(story.key)
        if story.key == "amira":
            continue
        first = PTSession.objects.filter(patient=patient).aggregate(first=Min("date"))["first"]
        weeks = (patient.local_day() - first).days / 7
        assert 5.5 <= weeks <= 10, story.key
        contexts = set(_entries(patient).values_list("context", flat=True))
        assert {"before_session", "after_session", "next_morning", "daily"} <= contexts, story.key
        assert PTSession.objects.filter(patient=patient, date__gt=patient.local_day()).exists()
    # Entries were linked to their sessions by the service.
    assert not SymptomEntry.objects.filter(
        patient__in=patients, context="after_session", session__isnull=True
    ).exists()


def _assert_each_story_shows_its_sign():
    # Emergency: saddle numbness a few days ago.
    david = _patient("david")
    assert _entries(david, since_days=6).filter(saddle_numbness=True).count() == 1

    # New patient: intake, a booked assessment, no entries.
    amira = _patient("amira")
    assert not _entries(amira).exists()
    assert PTSession.objects.get(patient=amira).date > amira.local_day()

    # New bilateral leg symptoms in the last days, never before.
    frank = _patient("frank")
    recent = [e for e in _entries(frank, since_days=4) if _bilateral(e)]
    older = [e for e in _entries(frank).exclude(pk__in=[e.pk for e in recent]) if _bilateral(e)]
    assert recent and not older

    # Not logging: nothing for three weeks while the sessions continue.
    sofia = _patient("sofia")
    last_entry = _entries(sofia).aggregate(last=Max("day"))["last"]
    assert (sofia.local_day() - last_entry).days >= 20
    assert PTSession.objects.filter(patient=sofia, date__gt=last_entry).count() >= 2

    # Self-reported flare after gardening.
    helen = _patient("helen")
    flares = _entries(helen).filter(context="flare", is_flare="yes")
    assert any("gardening" in entry.triggers for entry in flares)

    # Post-session flare-ups: the mornings after dry needling are clearly worse.
    marcus = _patient("marcus")
    needling = [
        session
        for session in PTSession.objects.filter(patient=marcus)
        if "dry_needling" in session.interventions
    ]
    assert len(needling) >= 2
    for session in needling:
        pre = session.entries.filter(context="before_session").first()
        morning = session.entries.filter(context="next_morning").first()
        if pre and morning:
            assert morning.pain_now - pre.pain_now >= 2

    # Rising pain after sessions: the last three post-session pains rise strictly.
    priya = _patient("priya")
    post = [
        session.entries.filter(context="after_session").aggregate(p=Max("pain_worst"))["p"]
        for session in PTSession.objects.filter(
            patient=priya, date__lte=priya.local_day()
        ).order_by("date")
    ]
    post = [p for p in post if p is not None]
    assert post[-3] < post[-2] < post[-1]
    assert post[-1] - post[-3] >= 2

    # Own time zone, shared caseload.
    marco = _patient("marco")
    assert marco.time_zone == "Europe/Madrid"
    assert marco.therapists.count() == 2


def _assert_outcome_histories(patients):
    from care.outcomes import patient_outcomes
    from outcomes.measures import Verdict

    verdicts = {story.key: patient_outcomes(_patient(story.key)) for story in demo.STORIES}
    # Some past the MCID on every measure, some not yet, one worse.
    for key in ("grace", "helen", "lena", "brian"):
        outcome = verdicts[key]
        assert outcome.psfs.verdict == Verdict.IMPROVED, key
        assert outcome.groc.verdict == Verdict.IMPROVED, key
        assert len(outcome.psfs_history.assessments) >= 3, key
    for key in ("owen", "marcus", "frank"):
        assert verdicts[key].overall == Verdict.NOT_YET, key
    assert verdicts["priya"].overall == Verdict.WORSE
    assert len(verdicts["amira"].psfs_history.assessments) == 1
    assert verdicts["grace"].psfs_history.discharge_requested
    # Invented numbers in the UK's drama range only (Ofcom: 07700 900000-900999), stored E.164.
    assert all(str(p.phone).startswith("+447700900") for p in patients)
    contacts = [p for p in patients if p.emergency_contact_name]
    assert contacts
    assert all(str(p.emergency_contact_phone).startswith("+447700900") for p in contacts)


def test_story_histories_are_deterministic():
    for story in demo.STORIES:
        assert story.history() == story.history(), story.key


def test_reset_rebuilds_the_demo_with_the_same_shape(monkeypatch):
    monkeypatch.setattr(demo, "STORIES", demo.STORIES[:2])
    _seed()
    grace = _patient("grace")
    SymptomEntry.objects.filter(patient=grace).delete()
    User.objects.filter(email="tom.demo@example.com").update(full_name="Renamed")
    # Grace and Tom logged in: the append-only audit log names them.
    for email in ("grace.demo@example.com", "tom.demo@example.com"):
        AuditEvent.objects.create(actor=User.objects.get(email=email), action="login")

    _seed()  # without --reset, an existing patient keeps whatever they have now
    assert not SymptomEntry.objects.filter(patient=grace).exists()

    before = _counts()
    output = _seed("--reset")
    assert "already swept" not in output  # the rebuilt histories are swept again
    grace = _patient("grace")
    assert SymptomEntry.objects.filter(patient=grace).exists()
    assert User.objects.get(email="tom.demo@example.com").full_name == "Tom Adeyemi"
    after = _counts()
    assert after["Patient"] == before["Patient"] == 2
    assert after["SymptomEntry"] > before["SymptomEntry"]
    assert AuditEvent.objects.filter(actor__email="grace.demo@example.com").exists()
    assert grace.user.full_name == "Grace Holloway"
