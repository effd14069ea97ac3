"""Screening on save through the real services: dedup, the transaction, flares, rule sets."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from care.services import entry_remove
from redflags import alerts, flares, rule_sets, screening
from redflags.engine.params import MANDATORY_RULES, RuleParams
from redflags.models import (
    Alert,
    AlertEvidence,
    FlareEpisode,
    Notification,
    RuleSetVersion,
    TriageAction,
)
from symptoms.models import DailySummary, SymptomEntry
from symptoms.services import EntryIsEvidence, EntryLocked
from tests.factories import ExerciseFactory, TherapistFactory
from tests.redflags.conftest import add_session, day, log_entry, log_exercise

pytestmark = pytest.mark.django_db

DN4_THREE = ["burning", "tingling", "numbness"]


def resolve(alert):
    alert.state = Alert.State.RESOLVED
    alert.save(update_fields=["state"])


# --- Dedup (section 5: one open alert per rule per patient) --------------------------------------


def test_two_function_limiting_entries_make_one_alert_with_two_evidence_rows(patient):
    first = log_entry(patient, 0, nerve_symptoms_limit_activities=True)
    second = log_entry(patient, 1, nerve_symptoms_limit_activities=True)

    alert = Alert.objects.get(patient=patient, rule="R4")
    assert first.alerts == [alert] and second.alerts == [alert]
    assert alert.severity == "urgent"
    assert alert.opened_day == day(0)
    assert list(alert.evidence.values_list("entry_id", "day")) == [
        (first.entry.pk, day(0)),
        (second.entry.pk, day(1)),
    ]


def test_a_resolved_alert_and_a_new_finding_open_a_new_alert(patient):
    log_entry(patient, 0, nerve_symptoms_limit_activities=True)
    resolve(Alert.objects.get(patient=patient, rule="R4"))

    log_entry(patient, 1, nerve_symptoms_limit_activities=True)

    alerts = Alert.objects.filter(patient=patient, rule="R4").order_by("pk")
    assert [(a.state, a.opened_day) for a in alerts] == [("resolved", day(0)), ("open", day(1))]
    assert alerts[1].evidence.count() == 1


def test_rescreening_the_same_entry_adds_no_second_evidence_row(patient):
    saved = log_entry(patient, 0, nerve_symptoms_limit_activities=True)
    screening.screen_symptom_entry(saved.entry)

    assert AlertEvidence.objects.filter(alert__patient=patient).count() == 1


def test_a_more_severe_finding_raises_the_open_alert_and_records_who(patient):
    version = rule_sets.current_rule_set(patient.clinic)
    from redflags.engine.domain import Finding

    review = Finding("R11", "flare_up", "review", "Flare.", "You have a flare-up.")
    urgent = Finding("R11", "flare_up", "urgent", "Still open.", "Still a flare-up.")
    alert, created = alerts.alert_raise(patient, review, day=day(0), rule_set_version=version)
    again, created_again = alerts.alert_raise(patient, urgent, day=day(7), rule_set_version=version)

    assert created and not created_again and again.pk == alert.pk
    alert.refresh_from_db()
    assert (alert.severity, alert.initial_severity, alert.opened_day) == (
        "urgent",
        "review",
        day(0),
    )
    action = TriageAction.objects.get(alert=alert)
    assert (action.kind, action.actor, action.note) == ("auto_escalate", None, "Still open.")
    assert Notification.objects.filter(alert=alert).count() == 1


def test_r12_never_fires_again_even_after_its_alert_is_resolved(patient):
    log_entry(patient, 0, descriptors=DN4_THREE)
    resolve(Alert.objects.get(patient=patient, rule="R12"))
    log_entry(patient, 1, descriptors=DN4_THREE)

    assert Alert.objects.filter(patient=patient, rule="R12").count() == 1


def test_the_alert_stores_what_the_patient_is_told_and_the_rule_set_version(patient):
    saved = log_entry(patient, 0, pain_now=3, saddle_numbness=True)

    alert = Alert.objects.get(patient=patient, rule="R1")
    assert saved.alerts == [alert]
    assert alert.severity == "emergency"
    assert alert.rule_set_version == rule_sets.current_rule_set(patient.clinic)
    assert alert.data["signs"] == ["saddle_numbness"]
    assert "numbness between your legs" in alert.patient_message
    assert "Call 999 now" in alert.patient_message


@pytest.mark.parametrize(
    ("fields", "rule", "expected"),
    [
        ({"nerve_symptoms_limit_activities": True}, "R4", "Your clinic will contact you today."),
        ({"fever_or_unwell": True}, "R6", "If it gets much worse"),
        ({"descriptors": DN4_THREE}, "R12", "your therapist will talk about it with you"),
    ],
)
def test_the_patient_message_follows_the_severity(patient, fields, rule, expected):
    log_entry(patient, 0, **fields)

    assert expected in Alert.objects.get(patient=patient, rule=rule).patient_message


# --- The transaction: an entry and its alerts commit together or not at all ----------------------


def test_an_alert_cannot_exist_without_its_entry(patient):
    with (
        mock.patch.object(screening, "alert_raise", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        log_entry(patient, 0, pain_now=3, saddle_numbness=True)

    assert not SymptomEntry.objects.filter(patient=patient).exists()
    assert not DailySummary.objects.filter(patient=patient).exists()
    assert not Alert.objects.filter(patient=patient).exists()


def test_a_failure_after_the_first_alert_rolls_back_the_entry_and_that_alert(patient):
    real = alerts.alert_raise
    calls = []

    def second_fails(*args, **kwargs):
        calls.append(args[1].rule)
        if len(calls) == 2:
            raise RuntimeError("lost connection")
        return real(*args, **kwargs)

    with (
        mock.patch.object(screening, "alert_raise", side_effect=second_fails),
        pytest.raises(RuntimeError),
    ):
        log_entry(patient, 0, saddle_numbness=True, nerve_symptoms_limit_activities=True)

    assert calls == ["R1", "R4"]
    assert not SymptomEntry.objects.exists()
    assert not Alert.objects.exists()
    assert not AlertEvidence.objects.exists()
    assert not Notification.objects.exists()


def test_an_exercise_log_and_its_alert_commit_together_or_not_at_all(patient):
    exercise = ExerciseFactory()
    log_exercise(patient, exercise, 0, pain_during=6)
    with (
        mock.patch.object(screening, "alert_raise", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        log_exercise(patient, exercise, 3, pain_during=7)

    assert patient.exercise_logs.count() == 1
    assert not Alert.objects.exists()


def test_red_exercise_pain_on_two_days_raises_r10_with_both_logs_as_evidence(patient):
    exercise = ExerciseFactory(name="Sciatic nerve glide")
    first = log_exercise(patient, exercise, 0, pain_during=6)
    assert first.alerts == []
    second = log_exercise(patient, exercise, 13, pain_during=8)

    alert = Alert.objects.get(patient=patient, rule="R10")
    assert second.alerts == [alert]
    assert sorted(alert.evidence.values_list("exercise_log_id", flat=True)) == sorted(
        [first.log.pk, second.log.pk]
    )
    assert alert.data["exercise_key"] == "Sciatic nerve glide"


def test_red_exercise_pain_fourteen_days_apart_raises_nothing(patient):
    exercise = ExerciseFactory()
    log_exercise(patient, exercise, 0, pain_during=6)
    log_exercise(patient, exercise, 14, pain_during=6)

    assert not Alert.objects.exists()


# --- Windows the service passes to the rules -----------------------------------------------------


def test_r3_weakness_rising_over_entries_weeks_apart_still_counts(patient):
    log_entry(patient, 0, weakness="none")
    log_entry(patient, 30, weakness="noticeable")
    third = log_entry(patient, 60, weakness="limits_activities")

    alert = Alert.objects.get(patient=patient, rule="R3")
    assert [a.rule for a in third.alerts] == ["R3"]
    assert alert.evidence.count() == 3


def test_r2_looks_back_fourteen_days_not_fifteen(patient):
    both_legs = ["left_thigh", "right_thigh"]
    patient.intake.baseline_regions = []
    patient.intake.save()
    log_entry(patient, 0, regions=both_legs)
    assert Alert.objects.filter(rule="R2").count() == 1
    resolve(Alert.objects.get(rule="R2"))

    log_entry(patient, 14, regions=both_legs)
    assert Alert.objects.filter(rule="R2").count() == 1  # day 0 is within D-14..D-1

    log_entry(patient, 29, regions=both_legs)
    assert Alert.objects.filter(rule="R2").count() == 2  # day 14 is D-15


def test_r9_compares_next_morning_pain_with_the_before_session_entry(patient, therapist):
    add_session(patient, 0, therapist)
    log_entry(patient, 0, "08:00", context="before_session", pain_now=2)
    log_entry(patient, 0, "18:00", context="after_session", pain_now=3)
    calm = log_entry(patient, 1, "08:00", context="next_morning", pain_now=3)
    assert calm.alerts == []
    raised = log_entry(patient, 1, "09:00", context="next_morning", pain_now=4)

    assert [a.rule for a in raised.alerts] == ["R9"]
    assert raised.entry.session is not None


def test_r8_rising_post_session_pain_over_three_sessions(patient, therapist):
    for number, pain in [(0, 4), (7, 5), (14, 6)]:
        add_session(patient, number, therapist)
        saved = log_entry(patient, number, "18:00", context="after_session", pain_now=pain)

    assert [a.rule for a in saved.alerts] == ["R8"]
    assert Alert.objects.get(rule="R8").data["post_session_pain"] == [4, 5, 6]


# --- Flare-up episodes ---------------------------------------------------------------------------


def test_a_flare_is_stored_with_its_session_triggers_and_peak_and_opens_r11(patient, therapist):
    patient.intake.baseline_pain = 2
    patient.intake.save()
    session = add_session(patient, 0, therapist)
    log_entry(patient, 1, pain_now=5, triggers=["gardening"])
    assert not FlareEpisode.objects.exists()  # one high day is a spike so far
    saved = log_entry(patient, 2, pain_now=6, triggers=["sitting"])

    flare = FlareEpisode.objects.get(patient=patient)
    assert (flare.start, flare.end, flare.peak, flare.detected_on) == (day(1), None, 6, day(2))
    assert flare.session == session
    assert flare.triggers == ["gardening", "sitting"]
    assert [a.rule for a in saved.alerts] == ["R11"]
    assert flare.alert.rule == "R11"
    assert flare.alert.opened_day == day(2)
    assert flare.alert.evidence.count() == 2


def test_a_later_entry_on_the_same_day_undoes_the_end_of_a_flare(patient):
    patient.intake.baseline_pain = 2
    patient.intake.save()
    log_entry(patient, 0, pain_now=6)
    log_entry(patient, 1, pain_now=6)
    log_entry(patient, 2, "09:00", pain_now=2)
    assert FlareEpisode.objects.get().end == day(2)

    log_entry(patient, 2, "20:00", pain_now=7, triggers=["lifting"])

    flare = FlareEpisode.objects.get()
    assert (flare.end, flare.peak, flare.triggers) == (None, 7, ["lifting"])
    assert Alert.objects.filter(rule="R11").count() == 1


def test_a_self_reported_flare_opens_r11_on_its_first_day(patient):
    saved = log_entry(patient, 3, is_flare="yes", pain_now=3)

    flare = FlareEpisode.objects.get()
    assert flare.self_reported and flare.start == day(3) and flare.detected_on == day(3)
    assert [a.rule for a in saved.alerts] == ["R11"]


def test_a_disabled_r11_still_stores_flares_but_opens_no_alert(patient, clinic_admin):
    rule_sets.rule_set_update(
        patient.clinic,
        {"enabled": [r for r in RuleParams().enabled if r != "R11"]},
        actor=clinic_admin,
    )
    log_entry(patient, 0, is_flare="yes")

    assert FlareEpisode.objects.filter(patient=patient, alert__isnull=True).count() == 1
    assert not Alert.objects.exists()


# --- Deleting within the correction window -------------------------------------------------------


def test_an_entry_behind_an_alert_cannot_be_deleted(patient):
    saved = log_entry(patient, 0, nerve_symptoms_limit_activities=True)

    with pytest.raises(EntryIsEvidence):
        entry_remove(saved.entry, actor=patient.user)

    assert SymptomEntry.objects.filter(pk=saved.entry.pk).exists()
    assert issubclass(EntryIsEvidence, EntryLocked)


def test_deleting_the_entry_that_ended_a_flare_reopens_it(patient):
    patient.intake.baseline_pain = 2
    patient.intake.save()
    log_entry(patient, 0, pain_now=6)
    log_entry(patient, 1, pain_now=6)
    settled = log_entry(patient, 2, pain_now=2)
    assert FlareEpisode.objects.get().end == day(2)

    entry_remove(settled.entry, actor=patient.user)

    assert FlareEpisode.objects.get().end is None
    assert not DailySummary.objects.filter(patient=patient, day=day(2)).exists()


def test_deleting_an_entry_outside_the_window_is_refused(patient):
    saved = log_entry(patient, 0)
    SymptomEntry.objects.filter(pk=saved.entry.pk).update(
        created_at=saved.entry.created_at - timedelta(hours=1)
    )
    saved.entry.refresh_from_db()

    with pytest.raises(EntryLocked):
        entry_remove(saved.entry, actor=patient.user)


# --- Rule sets -----------------------------------------------------------------------------------


def test_the_first_rule_set_is_version_one_with_the_defaults(clinic):
    version = rule_sets.current_rule_set(clinic)

    assert version.number == 1
    assert version.rule_params() == RuleParams()
    assert rule_sets.current_rule_set(clinic) == version
    assert RuleSetVersion.objects.filter(clinic=clinic).count() == 1


def test_a_change_makes_a_new_version_and_alerts_keep_the_version_that_raised_them(
    patient, clinic_admin
):
    log_entry(patient, 0, nerve_symptoms_limit_activities=True)
    first = Alert.objects.get(rule="R4")

    version = rule_sets.rule_set_update(
        patient.clinic, {"r7_min_pain_worst": 8}, actor=clinic_admin, note="Fewer R7 alerts"
    )
    log_entry(patient, 1, fever_or_unwell=True)

    assert (version.number, version.created_by, version.note) == (
        2,
        clinic_admin,
        "Fewer R7 alerts",
    )
    first.refresh_from_db()
    assert first.rule_set_version.number == 1
    assert Alert.objects.get(rule="R6").rule_set_version == version


def test_saving_an_unchanged_rule_set_makes_no_new_version(clinic, clinic_admin):
    version = rule_sets.current_rule_set(clinic)

    assert rule_sets.rule_set_update(clinic, RuleParams(), actor=clinic_admin) == version
    assert RuleSetVersion.objects.filter(clinic=clinic).count() == 1


def test_r1_to_r7_cannot_be_switched_off(patient, clinic_admin):
    version = rule_sets.rule_set_update(patient.clinic, {"enabled": []}, actor=clinic_admin)

    assert set(version.params["enabled"]) == set(MANDATORY_RULES)
    log_entry(patient, 0, bladder_bowel_change=True, descriptors=DN4_THREE)
    assert list(Alert.objects.values_list("rule", flat=True)) == ["R1"]


def test_a_disabled_review_rule_no_longer_fires(patient, clinic_admin):
    rule_sets.rule_set_update(
        patient.clinic,
        {"enabled": [r for r in RuleParams().enabled if r != "R12"]},
        actor=clinic_admin,
    )
    log_entry(patient, 0, descriptors=DN4_THREE)

    assert not Alert.objects.filter(rule="R12").exists()


@pytest.mark.parametrize(("threshold", "fires"), [(7, True), (8, False)])
def test_a_tuned_r7_threshold_changes_what_fires(patient, clinic_admin, threshold, fires):
    rule_sets.rule_set_update(patient.clinic, {"r7_min_pain_worst": threshold}, actor=clinic_admin)
    log_entry(patient, 0, pain_now=7, descriptors=["stabbing"], rest_relief="no")

    assert Alert.objects.filter(rule="R7").exists() is fires


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rise_min_points": -1}, "rise_min_points"),
        ({"rise_min_fraction": "3/2"}, "rise_min_fraction"),
        ({"r7_min_pain_worst": "seven"}, "r7_min_pain_worst"),
    ],
)
def test_invalid_thresholds_are_refused_naming_the_parameter(clinic, clinic_admin, change, field):
    rule_sets.current_rule_set(clinic)
    with pytest.raises(ValidationError) as raised:
        rule_sets.rule_set_update(clinic, change, actor=clinic_admin)

    assert field in raised.value.message_dict
    assert RuleSetVersion.objects.filter(clinic=clinic).count() == 1


def test_an_unknown_parameter_is_refused(clinic, clinic_admin):
    with pytest.raises(ValidationError, match="unknown rule parameters"):
        rule_sets.rule_set_update(clinic, {"r7_min_pain": 8}, actor=clinic_admin)


def test_the_rule_set_is_read_once_per_save(patient):
    log_entry(patient, 0)  # creates version 1
    # Screening reads it and hands it to the flare sync, which would otherwise read it again.
    real = rule_sets.current_rule_set
    with (
        mock.patch.object(screening, "current_rule_set", wraps=real) as screening_reads,
        mock.patch.object(flares, "current_rule_set", wraps=real) as flare_reads,
    ):
        log_entry(patient, 1, saddle_numbness=True, nerve_symptoms_limit_activities=True)

    assert screening_reads.call_count + flare_reads.call_count == 1


def test_every_alert_notifies_only_once_per_rise_in_severity(patient):
    TherapistFactory(clinic=patient.clinic)  # not this patient's therapist: gets nothing
    with transaction.atomic():
        log_entry(patient, 0, nerve_symptoms_limit_activities=True)
        log_entry(patient, 1, nerve_symptoms_limit_activities=True)

    assert Notification.objects.count() == 1


def test_new_evidence_leaves_an_acknowledged_alert_acknowledged(patient):
    log_entry(patient, 0, nerve_symptoms_limit_activities=True)
    Alert.objects.filter(rule="R4").update(state=Alert.State.ACKNOWLEDGED)

    log_entry(patient, 1, nerve_symptoms_limit_activities=True)

    alert = Alert.objects.get(rule="R4")
    assert alert.state == "acknowledged"
    assert alert.evidence.count() == 2


def test_a_correction_that_undoes_a_flare_removes_the_episode_but_keeps_the_alert(patient):
    from care.services import entry_correct

    patient.intake.baseline_pain = 2
    patient.intake.save()
    log_entry(patient, 0, pain_now=6)
    second = log_entry(patient, 1, pain_now=6)
    assert FlareEpisode.objects.count() == 1

    entry_correct(second.entry, {"pain_now": 2, "pain_worst": 2}, actor=patient.user)

    assert not FlareEpisode.objects.exists()
    assert Alert.objects.filter(rule="R11").count() == 1


def test_a_patient_without_an_intake_has_a_baseline_of_zero(patient):
    patient.intake.delete()
    patient.refresh_from_db()

    log_entry(patient, 0, pain_now=2)
    log_entry(patient, 1, pain_now=2)

    # 2 points over a baseline of 0 is a meaningful rise on both days: a flare.
    assert FlareEpisode.objects.get().start == day(0)


def test_a_backdated_red_exercise_log_pairs_with_a_later_one(patient):
    exercise = ExerciseFactory()
    log_exercise(patient, exercise, 10, pain_during=7)
    backdated = log_exercise(patient, exercise, 0, pain_during=7)

    assert [a.rule for a in backdated.alerts] == ["R10"]
