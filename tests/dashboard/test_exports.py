"""CSV exports: headers from the data dictionary, sets joined with ";", times in the patient's
zone, formula-looking cells defused (core.csv_export), and the same access rules as the overview."""

import csv
import io

import pytest
from django.urls import reverse

from core.csv_export import BOM
from dashboard.exports import (
    ALERT_COLUMNS,
    ENTRY_COLUMNS,
    LOG_COLUMNS,
    alert_columns,
    entry_columns,
    headers,
    log_columns,
)
from exercises.field_lists import EXERCISE_LOG_FIELDS
from symptoms.field_lists import ENTRY_FIELDS
from tests.dashboard.conftest import TODAY, alert, day, log, session
from tests.factories import ExerciseFactory, ExerciseLogFactory

pytestmark = pytest.mark.django_db


def rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode()
    assert body.startswith(BOM)  # spreadsheet programs read the names as UTF-8
    return list(csv.DictReader(io.StringIO(body.removeprefix(BOM))))


def url(name, patient):
    return reverse(f"dashboard:{name}", args=[patient.pk])


def test_the_entry_columns_are_the_data_dictionarys_after_the_time_and_session():
    assert ENTRY_COLUMNS[:4] == ["recorded_at", "day", "context", "session_date"]
    assert [name for name in ENTRY_COLUMNS if name in ENTRY_FIELDS] == list(ENTRY_FIELDS)
    assert set(ENTRY_COLUMNS) == {"recorded_at", "day", "session_date", *ENTRY_FIELDS}


def test_the_log_columns_are_the_data_dictionarys_after_the_time_and_exercise():
    assert ["logged_at", "day", "exercise", *EXERCISE_LOG_FIELDS] == LOG_COLUMNS


def test_entries_csv(therapist_client, patient):
    s = session(patient, TODAY)
    log(
        patient,
        TODAY,
        "09:30",
        context="before_session",
        session=s,
        pain_now=4,
        pain_worst=6,
        descriptors=["tingling", "burning"],
        regions=["left_thigh", "lower_back"],
        triggers=["sitting"],
        saddle_numbness=True,
        notes='=HYPERLINK("http://example.invalid")',
    )
    response = therapist_client.get(url("export_entries_csv", patient))
    assert (
        f'filename="patient-{patient.pk}-entries-{day(TODAY).isoformat()}.csv"'
        in response["Content-Disposition"]
    )
    (row,) = rows(response)
    assert list(row) == headers(entry_columns())
    assert [name for name in row if name in ENTRY_COLUMNS] == ENTRY_COLUMNS
    assert row["recorded_at"] == "2026-03-22T09:30:00+00:00"
    assert row["day"] == "2026-03-22"
    assert (row["context"], row["session_date"]) == ("before_session", "2026-03-22")
    assert (row["pain_now"], row["pain_worst"]) == ("4", "6")
    assert row["descriptors"] == "burning;tingling"
    assert row["regions"] == "left_thigh;lower_back"
    assert (row["saddle_numbness"], row["bladder_bowel_change"]) == ("true", "false")
    assert row["triggers"] == "sitting"
    assert row["notes"] == '\'=HYPERLINK("http://example.invalid")'
    # Words beside the codes (issue 12), in the choices' own order.
    assert row["regions_labels"] == "Lower back; Left thigh"
    assert row["descriptors_labels"] == "Burning; Tingling"
    assert (row["context_label"], row["triggers_labels"]) == ("Before my session", "Sitting")
    assert (row["weakness"], row["weakness_label"]) == ("none", "None")
    assert "pain_now_label" not in row and "notes_label" not in row


def test_every_column_of_codes_has_its_words_beside_it():
    entry = headers(entry_columns())
    for name in ("context", "rest_relief", "weakness", "is_flare"):
        assert entry[entry.index(name) + 1] == f"{name}_label"
    for name in ("descriptors", "regions", "triggers", "helped"):
        assert entry[entry.index(name) + 1] == f"{name}_labels"
    assert headers(log_columns())[-3:] == ["difficulty", "difficulty_label", "note"]
    alerts = headers(alert_columns())
    for name in ("rule", "severity", "initial_severity", "state"):
        assert alerts[alerts.index(name) + 1] == f"{name}_label"


def test_the_words_are_in_the_reader_s_language(therapist_client, patient, therapist):
    log(patient, TODAY, "09:30", regions=["lower_back"], descriptors=["burning"])
    therapist.preferred_language = "es"
    therapist.save()
    response = therapist_client.get(url("export_entries_csv", patient), HTTP_ACCEPT_LANGUAGE="es")
    (row,) = rows(response)
    assert row["regions"] == "lower_back"  # the codes stay the same
    assert row["regions_labels"] != "Lower back"


def test_exercise_logs_csv(therapist_client, patient):
    exercise = ExerciseFactory(name="-Sciatic nerve glide")
    ExerciseLogFactory(patient=patient, exercise=exercise, day=day(TODAY), pain_during=3, note="ok")
    (row,) = rows(therapist_client.get(url("export_logs_csv", patient)))
    assert [name for name in row if name in LOG_COLUMNS] == LOG_COLUMNS
    assert (row["day"], row["exercise"], row["pain_during"], row["note"]) == (
        "2026-03-22",
        "'-Sciatic nerve glide",
        "3",
        "ok",
    )
    assert (row["difficulty"], row["difficulty_label"]) == ("ok", "OK")


def test_alerts_csv_lists_triage_actions(therapist_client, patient, therapist):
    from datetime import timedelta

    from tests.dashboard.conftest import moment

    opened = moment(patient, 19, "09:00")
    alert(
        patient,
        "R9",
        "review",
        opened=opened,
        state="resolved",
        acknowledged=opened + timedelta(hours=1),
        resolved=opened + timedelta(hours=2),
        actor=therapist,
        reason="+Next-morning pain rose by 3.",
    )
    (row,) = rows(therapist_client.get(url("export_alerts_csv", patient)))
    assert [name for name in row if name in ALERT_COLUMNS] == ALERT_COLUMNS
    assert (row["severity_label"], row["state_label"]) == ("Review", "Resolved")
    assert (row["rule"], row["code"], row["severity"], row["state"]) == (
        "R9",
        "failed_24h_response",
        "review",
        "resolved",
    )
    assert row["reason"] == "'+Next-morning pain rose by 3."
    assert row["acknowledged_at"] == "2026-03-21T10:00:00+00:00"
    assert row["triage_actions"] == (
        "2026-03-21T10:00:00+00:00 acknowledge Tess Therapist; "
        "2026-03-21T11:00:00+00:00 resolve Tess Therapist Settled by phone."
    )


def test_empty_export_has_just_the_header(therapist_client, patient):
    response = therapist_client.get(url("export_entries_csv", patient))
    assert rows(response) == []


@pytest.mark.parametrize("name", ["export_entries_csv", "export_logs_csv", "export_alerts_csv"])
def test_exports_are_404_for_strangers(
    name, other_clinic_admin_client, patient_client, other_patient
):
    for client in (other_clinic_admin_client, patient_client):
        assert client.get(url(name, other_patient)).status_code == 404


@pytest.mark.parametrize("name", ["export_entries_csv", "export_logs_csv", "export_alerts_csv"])
def test_exports_refuse_post(name, therapist_client, patient):
    assert therapist_client.post(url(name, patient)).status_code == 405


def test_other_therapist_cannot_export(other_therapist_client, patient):
    assert other_therapist_client.get(url("export_entries_csv", patient)).status_code == 404
