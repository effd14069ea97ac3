"""Case upload (spec.md section 10): a clinic admin uploads a case file and sees the result,
what the case expects and the differences; bad files get a clear message, never a 500."""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Clinic
from redflags.forms import CASE_MAX_BYTES
from redflags.models import Alert
from redflags.rule_sets import rule_set_update
from tests.clinical_docs import CASES_DIR

pytestmark = pytest.mark.usefixtures("no_task_queue")

URL = reverse("care:replay")


@pytest.fixture
def cauda_equina_case() -> dict:
    return json.loads((CASES_DIR / "V06-cauda-equina-low-pain.json").read_text())


def _upload(client, content, name="case.json"):
    if isinstance(content, dict):
        content = json.dumps(content)
    if isinstance(content, str):
        content = content.encode()
    return client.post(URL, {"case_file": SimpleUploadedFile(name, content, "application/json")})


def test_the_page_has_an_upload_form(clinic_admin_client):
    response = clinic_admin_client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in body
    assert 'accept=".json,application/json"' in body


def test_a_good_case_passes_and_shows_its_output(clinic_admin_client, cauda_equina_case, clinic):
    clinics_before = Clinic.objects.count()
    response = _upload(clinic_admin_client, cauda_equina_case)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Pass: the alerts and flare-ups match what the case expects." in body
    assert "R1 Cauda equina signs" in body
    assert "R2 New symptoms in both legs" in body
    assert "&quot;id&quot;: &quot;V06-cauda-equina-low-pain&quot;" in body
    # The replay runs in a throw-away clinic and leaves nothing behind.
    assert Clinic.objects.count() == clinics_before
    assert not Alert.objects.exists()


def test_differences_from_what_the_case_expects_are_named(clinic_admin_client, cauda_equina_case):
    case = copy.deepcopy(cauda_equina_case)
    case["expect"]["alerts"] = [{"rule": "R1", "severity": "emergency", "day": 14}]
    case["expect"]["flares"] = [{"start_day": 3, "end_day": None}]
    body = _upload(clinic_admin_client, case).content.decode()
    assert "Differences from what the case expects:" in body
    assert "expected alert R1 emergency on day 14 was not raised" in body
    assert "unexpected alert R2 urgent on day 15" in body
    assert "expected flare starting day 3, still open was not found" in body


def test_the_case_runs_against_the_clinics_own_rule_set(
    clinic_admin_client, cauda_equina_case, clinic, clinic_admin
):
    rule_set_update(
        clinic, {"enabled": ["R1", "R2", "R3", "R4", "R5", "R6", "R7"]}, actor=clinic_admin
    )
    body = _upload(clinic_admin_client, cauda_equina_case).content.decode()
    # R1 and R2 are safety rules, so switching off the others changes nothing here.
    assert "Pass:" in body


def test_a_case_without_expect_is_shown_without_a_verdict(clinic_admin_client, cauda_equina_case):
    case = copy.deepcopy(cauda_equina_case)
    del case["expect"]
    body = _upload(clinic_admin_client, case).content.decode()
    assert 'The case has no "expect" part' in body
    assert "R1 Cauda equina signs" in body


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "The file is not valid JSON"),
        ("[1, 2, 3]", "A case file holds one JSON object"),
        (b"\xff\xfe\x00binary", "The file is not text"),
        ("", "The submitted file is empty."),
    ],
)
def test_a_file_that_is_not_a_case_gets_a_clear_message(clinic_admin_client, content, message):
    response = _upload(clinic_admin_client, content)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_bad_field_is_named(clinic_admin_client, cauda_equina_case):
    case = copy.deepcopy(cauda_equina_case)
    case["entries"][0]["pain_now"] = 11
    response = _upload(clinic_admin_client, case)
    body = response.content.decode()
    assert response.status_code == 200
    assert "The case cannot be run" in body
    assert "entries[0].pain_now" in body
    # The model field's own message, as the forms and services give it.
    assert "Ensure this value is less than or equal to 10." in body


def test_a_missing_field_is_named(clinic_admin_client, cauda_equina_case):
    case = copy.deepcopy(cauda_equina_case)
    del case["intake"]
    body = _upload(clinic_admin_client, case).content.decode()
    assert "The case cannot be run" in body
    assert "intake" in body


def test_a_file_over_the_limit_is_refused(clinic_admin_client, cauda_equina_case):
    case = copy.deepcopy(cauda_equina_case)
    case["description"] = "x" * (CASE_MAX_BYTES + 1)
    body = _upload(clinic_admin_client, case).content.decode()
    assert "A case file can be at most 1 MB." in body


def test_no_file_is_asked_for(clinic_admin_client):
    response = clinic_admin_client.post(URL, {})
    assert response.status_code == 200
    assert "Choose a case file to upload." in response.content.decode()


@pytest.mark.parametrize("client_name", ["therapist_client", "patient_client"])
def test_therapists_and_patients_get_404(request, client_name, cauda_equina_case):
    client = request.getfixturevalue(client_name)
    assert client.get(URL).status_code == 404
    assert _upload(client, cauda_equina_case).status_code == 404


def test_delete_is_405(clinic_admin_client):
    assert clinic_admin_client.delete(URL).status_code == 405
