"""Double submission stores one row: the form token guard (audit/idempotency.py)."""

import threading

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client

from audit.idempotency import FIELD_NAME, new_token
from audit.models import FormSubmission
from symptoms.models import PTSession

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.integrity.urls")]


def _url(patient) -> str:
    return f"/test/patients/{patient.pk}/sessions/"


def _post(client, patient, token, **data):
    return client.post(_url(patient), {"date": "2026-03-02", FIELD_NAME: token, **data})


def test_the_template_tag_renders_a_fresh_hidden_token():
    html = Template("{% load idempotency %}{% idempotency_field %}{% idempotency_field %}")
    rendered = html.render(Context())
    tokens = [part.split('"')[0] for part in rendered.split('value="')[1:]]
    assert rendered.count(f'name="{FIELD_NAME}"') == 2
    assert len(set(tokens)) == 2 and all(len(t) == 32 for t in tokens)


def test_the_same_form_sent_twice_stores_one_row(therapist_client, patient):
    token = new_token()
    first = _post(therapist_client, patient, token)
    second = _post(therapist_client, patient, token)

    assert PTSession.objects.filter(patient=patient).count() == 1
    assert first.status_code == second.status_code == 302
    # The repeat lands where the first went, and says why nothing new appeared.
    assert second["Location"] == first["Location"] == f"/test/patients/{patient.pk}/done/"
    messages = [str(m) for m in second.wsgi_request._messages]
    assert messages == ["This form was already sent, so it was saved only once."]


def test_a_new_token_is_a_new_submission(therapist_client, patient):
    _post(therapist_client, patient, new_token())
    _post(therapist_client, patient, new_token())
    assert PTSession.objects.filter(patient=patient).count() == 2


def test_a_form_shown_again_with_errors_frees_its_token(therapist_client, patient):
    token = new_token()
    invalid = _post(therapist_client, patient, token, date="")
    assert invalid.status_code == 200 and PTSession.objects.count() == 0
    assert not FormSubmission.objects.exists()
    assert _post(therapist_client, patient, token).status_code == 302
    assert PTSession.objects.count() == 1


def test_an_htmx_repeat_is_told_to_reload_the_page_it_came_from(therapist_client, patient):
    token = new_token()
    page = f"http://testserver/dashboard/patients/{patient.pk}/"
    headers = {"HX-Request": "true", "HX-Current-URL": page}
    first = therapist_client.post(
        _url(patient), {"date": "2026-03-02", "htmx_event": "1", FIELD_NAME: token}, headers=headers
    )
    assert "sessionsChanged" in first["HX-Trigger"]
    second = therapist_client.post(
        _url(patient), {"date": "2026-03-02", "htmx_event": "1", FIELD_NAME: token}, headers=headers
    )
    assert second["HX-Redirect"] == page
    assert PTSession.objects.count() == 1


def test_a_repeat_never_redirects_off_site(therapist_client, patient):
    token = new_token()
    headers = {"HX-Request": "true", "HX-Current-URL": "https://evil.example/"}
    data = {"date": "2026-03-02", "htmx_event": "1", FIELD_NAME: token}
    therapist_client.post(_url(patient), data, headers=headers)
    assert therapist_client.post(_url(patient), data, headers=headers)["HX-Redirect"] == "/"


def test_tokens_belong_to_one_user(therapist_client, clinic_admin_client, patient):
    token = new_token()
    _post(therapist_client, patient, token)
    _post(clinic_admin_client, patient, token)
    assert PTSession.objects.count() == 2


@pytest.mark.parametrize("token", ["", "not-a-token", "A" * 32])
def test_forms_without_a_valid_token_work_as_before(therapist_client, patient, token):
    assert _post(therapist_client, patient, token).status_code == 302
    assert _post(therapist_client, patient, token).status_code == 302
    assert PTSession.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_the_same_moment_store_one_row(patient, therapist):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("In-memory SQLite shares one cache between threads; run on PostgreSQL.")
    from tests.auth_helpers import login_verified

    clients = [login_verified(Client(), therapist) for _ in range(4)]
    token = new_token()
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def submit(client):
        try:
            barrier.wait(timeout=10)
            statuses.append(_post(client, patient, token).status_code)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=submit, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert statuses == [302] * len(clients)
    assert PTSession.objects.filter(patient=patient).count() == 1
    assert FormSubmission.objects.filter(token=token).count() == 1
