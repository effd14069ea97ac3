"""`manage.py fhir_export`: FHIR R4 Bulk Data NDJSON, one file per resource type, every
resource valid (fhir.resources R4B models), every reference resolved, each export audited."""

from __future__ import annotations

from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from tests.factories import PatientFactory

from .conftest import at, build_record, read_ndjson, unresolved, validate_all

pytestmark = pytest.mark.django_db
BASE = settings.FHIR_CANONICAL_BASE


def export(tmp_path, *args) -> dict[str, list[dict]]:
    call_command("fhir_export", "--out", str(tmp_path), *args, stdout=_Sink())
    return read_ndjson(tmp_path)


class _Sink:
    def write(self, text):
        pass

    def flush(self):
        pass


def everything(files):
    return [resource for resources in files.values() for resource in resources]


def by_id(files, kind):
    return {resource["id"]: resource for resource in files[kind]}


def test_one_file_per_resource_type_each_line_a_resource_of_that_type(
    tmp_path, frozen, patient, therapist
):
    build_record(patient, therapist)
    files = export(tmp_path)
    assert set(files) == {
        "CodeSystem",
        "Questionnaire",
        "Organization",
        "Practitioner",
        "Patient",
        "Encounter",
        "Observation",
        "QuestionnaireResponse",
        "Flag",
        "CarePlan",
    }
    for kind, resources in files.items():
        assert {r["resourceType"] for r in resources} == {kind}
        ids = [r["id"] for r in resources]
        assert len(ids) == len(set(ids)), kind


def test_every_resource_is_valid_r4b_and_every_reference_resolves(
    tmp_path, frozen, patient, therapist, other_patient
):
    build_record(patient, therapist)
    build_record(other_patient, therapist)
    resources = everything(export(tmp_path))
    assert validate_all(resources) == len(resources) > 40
    assert unresolved(resources, BASE) == []


def test_pain_is_loinc_72514_3_linked_to_the_session_it_follows(
    tmp_path, frozen, patient, therapist
):
    record = build_record(patient, therapist)
    before, after, morning, daily = record["entries"]
    past = record["sessions"][0]
    observations = by_id(export(tmp_path), "Observation")
    pain = observations[str(after.pk)]
    assert pain["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "72514-3",
        "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
    }
    assert pain["valueInteger"] == 6
    assert pain["encounter"] == {"reference": f"Encounter/{past.pk}"}
    assert observations[str(morning.pk)]["encounter"] == {"reference": f"Encounter/{past.pk}"}
    assert "encounter" not in observations[str(before.pk)]
    assert "encounter" not in observations[str(daily.pk)]
    assert observations[str(daily.pk)]["status"] == "amended"
    answers = Counter(c["code"]["coding"][0]["code"] for c in pain["component"])
    assert answers["descriptors"] == 2 and answers["pain-worst"] == 1 and answers["notes"] == 1
    worst = next(c for c in pain["component"] if c["code"]["coding"][0]["code"] == "pain-worst")
    assert worst["valueInteger"] == 7
    flare = next(c for c in pain["component"] if c["code"]["coding"][0]["code"] == "is-flare")
    assert flare["valueCodeableConcept"]["coding"][0]["code"] == "unsure"


def test_sessions_are_encounters_with_status_period_and_interventions(
    tmp_path, frozen, patient, therapist
):
    past, video, ahead = build_record(patient, therapist)["sessions"]
    encounters = by_id(export(tmp_path), "Encounter")
    done = encounters[str(past.pk)]
    assert done["status"] == "finished"
    assert done["class"]["code"] == "AMB"
    assert done["period"] == {"start": past.date.isoformat(), "end": past.date.isoformat()}
    assert [c["coding"][0]["code"] for c in done["type"]] == ["dry_needling", "manual_therapy"]
    assert done["participant"] == [{"individual": {"reference": f"Practitioner/{therapist.pk}"}}]
    assert encounters[str(video.pk)]["class"]["code"] == "VR"
    assert encounters[str(ahead.pk)]["status"] == "planned"


def test_patient_has_phone_and_clinic_and_clinic_staff_are_practitioners(
    tmp_path, frozen, patient, therapist, other_therapist
):
    build_record(patient, therapist)
    files = export(tmp_path)
    exported = by_id(files, "Patient")[str(patient.pk)]
    # E.164, as stored (issue 11), and the emergency contact as Patient.contact.
    assert {"system": "phone", "value": "+447700900123"} in exported["telecom"]
    (contact,) = exported["contact"]
    assert contact["relationship"][0]["coding"][0]["code"] == "C"
    assert contact["name"] == {"text": "Sam Example"}
    assert contact["telecom"] == [{"system": "phone", "value": "+447700900456"}]
    assert exported["managingOrganization"] == {"reference": f"Organization/{patient.clinic_id}"}
    assert {str(therapist.pk), str(other_therapist.pk)} <= set(by_id(files, "Practitioner"))


def test_psfs_and_groc_are_questionnaire_responses_to_the_exported_questionnaires(
    tmp_path, frozen, patient, therapist
):
    build_record(patient, therapist)
    files = export(tmp_path)
    urls = {q["id"]: q["url"] for q in files["Questionnaire"]}
    responses = files["QuestionnaireResponse"]
    psfs = [r for r in responses if r["questionnaire"] == urls["psfs"]]
    groc = [r for r in responses if r["questionnaire"] == urls["groc"]]
    assert len(psfs) == 2 and len(groc) == 1
    intake = min(psfs, key=lambda r: r["authored"])
    assert intake["author"] == {"reference": f"Practitioner/{therapist.pk}"}
    ratings = [
        item["item"][1]["answer"][0]["valueInteger"]
        for item in intake["item"]
        if item["linkId"] == "activity"
    ]
    assert ratings == [3, 2]
    score = next(i for i in intake["item"] if i["linkId"] == "score")
    assert score["answer"][0]["valueDecimal"] == 2.5
    assert groc[0]["item"][0]["answer"][0]["valueInteger"] == 4
    assert groc[0]["author"] == {"reference": f"Patient/{patient.pk}"}


def test_only_unresolved_alerts_are_flags_with_their_rule_and_severity(
    tmp_path, frozen, patient, therapist
):
    open_alert, resolved = build_record(patient, therapist)["alerts"]
    flags = by_id(export(tmp_path), "Flag")
    assert set(flags) == {str(open_alert.pk)}
    exported = flags[str(open_alert.pk)]
    assert exported["code"]["coding"][0]["code"] == "R7"
    priority = exported["extension"][0]["valueCodeableConcept"]["coding"]
    assert [c["code"] for c in priority] == ["PH", "urgent"]


def test_each_plan_version_is_a_care_plan_with_dosage_replacing_the_one_before(
    tmp_path, frozen, patient, therapist
):
    first, second = build_record(patient, therapist)["versions"]
    plans = by_id(export(tmp_path), "CarePlan")
    old, new = plans[str(first.pk)], plans[str(second.pk)]
    assert old["status"] == "completed" and new["status"] == "active"
    assert new["replaces"] == [{"reference": f"CarePlan/{first.pk}"}]
    activity = new["activity"][0]["detail"]
    assert activity["description"].startswith("3 sets of 8, hold 5 seconds.")
    assert activity["description"].endswith("Slowly.")
    assert activity["scheduledTiming"]["repeat"] == {
        "frequency": 7,
        "period": 1,
        "periodUnit": "wk",
    }


def test_clinic_option_exports_only_that_clinic(tmp_path, frozen, patient, therapist, other_clinic):
    elsewhere = PatientFactory(clinic=other_clinic)
    build_record(patient, therapist)
    files = export(tmp_path, "--clinic", str(other_clinic.pk))
    assert set(by_id(files, "Patient")) == {str(elsewhere.pk)}
    assert set(by_id(files, "Organization")) == {str(other_clinic.pk)}
    assert "Observation" not in files


def test_since_keeps_newer_records_and_the_older_sessions_they_point_at(
    tmp_path, frozen, patient, therapist
):
    record = build_record(patient, therapist)
    past = record["sessions"][0]
    before, after, morning, daily = record["entries"]
    # Everything was written "now"; date the session and the early entries back.
    type(past).objects.filter(pk=past.pk).update(created_at=at(10))
    type(after).objects.filter(pk__in=[before.pk, after.pk]).update(
        created_at=at(10), recorded_at=at(10)
    )
    since = at(9, "00:00").date().isoformat()
    files = export(tmp_path, "--since", since)
    observations = by_id(files, "Observation")
    assert str(after.pk) not in observations and str(morning.pk) in observations
    # The next-morning entry follows the older session, so that session comes too.
    assert str(past.pk) in by_id(files, "Encounter")
    resources = everything(files)
    assert unresolved(resources, BASE) == []
    validate_all(resources)


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--since", "last tuesday"), "is not a date"), (("--clinic", "9999"), "No clinic")],
)
def test_bad_options_get_a_clear_message(tmp_path, args, message, db):
    with pytest.raises(CommandError, match=message):
        call_command("fhir_export", "--out", str(tmp_path), *args)


def test_each_export_is_on_the_audit_log_for_its_clinic(tmp_path, frozen, patient, therapist):
    build_record(patient, therapist)
    export(tmp_path, "--clinic", str(patient.clinic_id))
    event = AuditEvent.objects.get(action="export", object_type="fhir.bulk_export")
    assert event.clinic_id == patient.clinic_id
    assert "FHIR Bulk Data NDJSON" in event.detail


def test_query_count_does_not_grow_with_the_number_of_patients(
    tmp_path, frozen, clinic, therapist, patient
):
    build_record(patient, therapist)
    counts = []
    for size in (1, 5):
        while clinic.patients.count() < size:
            build_record(PatientFactory(clinic=clinic, therapists=[therapist]), therapist)
        with CaptureQueriesContext(connection) as queries:
            export(tmp_path / str(size), "--clinic", str(clinic.pk))
        counts.append(len(queries))
    # The clinic, its ids; patients, clinicians, staff; one read per kind of record (sessions,
    # entries, PSFS, GROC, alerts, plan versions, plan items), the organizations and the
    # practitioners; the audit event.
    assert counts == [15, 15]
