"""The authorization matrix: every URL pattern of the project x every role.

`ROUTES` says, for each URL name, which records its arguments name (the owner's, built in
tests/security/conftest.py), which roles may use it and with which methods. Every other role
must get 404 (never 403, 200 or 500: other people's records are indistinguishable from missing
ones), and anonymous visitors the login page. `PUBLIC` lists the pages that need no login, with
the reason; their own token checks are tested beside them.

`test_every_url_pattern_is_in_the_matrix` fails when a URL pattern is in neither table, so a new
page cannot ship without saying who may open it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .world import (
    ANONYMOUS,
    CLINIC_ADMIN,
    OTHER_CLINIC_ADMIN,
    OTHER_PATIENT,
    OTHER_THERAPIST,
    OWNER_NAME,
    PATIENT,
    ROLES,
    THERAPIST,
    World,
)

pytestmark = pytest.mark.django_db

LOGGED_IN = frozenset(ROLES) - {ANONYMOUS}
PATIENTS = frozenset({PATIENT, OTHER_PATIENT})
CLINICIANS = frozenset({THERAPIST, OTHER_THERAPIST, CLINIC_ADMIN, OTHER_CLINIC_ADMIN})
ADMINS = frozenset({CLINIC_ADMIN, OTHER_CLINIC_ADMIN})
# Clinicians who may see the owner's records: their therapist and their clinic's admin.
OWNER_CARE = frozenset({THERAPIST, CLINIC_ADMIN})
OWNER_AND_CARE = OWNER_CARE | {PATIENT}
OWNER = frozenset({PATIENT})
CLINIC_A_CLINICIANS = frozenset({THERAPIST, OTHER_THERAPIST, CLINIC_ADMIN})
# Everyone with a second factor and a verified session (the owner turned 2FA on).
WITH_SECOND_FACTOR = CLINICIANS | {PATIENT}

Kwargs = Callable[[World], dict]


def no_kwargs(world: World) -> dict:
    return {}


def owner_pk(world: World) -> dict:
    return {"pk": world.patient.pk}


def owner_patient_pk(world: World) -> dict:
    return {"patient_pk": world.patient.pk}


@dataclass(frozen=True)
class Route:
    """Who may use one URL with one set of arguments. `label` tells variants apart."""

    allowed: frozenset[str]
    kwargs: Kwargs = no_kwargs
    methods: tuple[str, ...] = ("GET",)
    label: str = ""
    data: dict = field(default_factory=dict)


GET_POST = ("GET", "POST")

ROUTES: dict[str, list[Route]] = {
    "home": [Route(LOGGED_IN)],
    # Two-step verification: every logged-in user manages their own.
    "twofactor:security": [Route(LOGGED_IN)],
    "twofactor:setup": [Route(LOGGED_IN, methods=GET_POST)],
    "twofactor:verify": [Route(LOGGED_IN, methods=GET_POST)],
    "twofactor:recovery_codes": [Route(LOGGED_IN)],
    "twofactor:recovery_codes_new": [Route(WITH_SECOND_FACTOR, methods=("POST",))],
    # Clinicians must keep 2FA; a patient without it has nothing to turn off.
    "twofactor:disable": [Route(OWNER, methods=("POST",))],
    # Patient rights: the patient's own data only.
    "rights:my_data": [Route(PATIENTS)],
    "rights:export_json": [Route(PATIENTS)],
    "rights:export_zip": [Route(PATIENTS)],
    "rights:account_close": [Route(PATIENTS, methods=GET_POST)],
    # A patient's own contact details (issue 11).
    "accounts:my_details": [Route(PATIENTS, methods=GET_POST)],
    # Accounts: adding people, invitations, clinic settings.
    "care:patient_add": [Route(CLINICIANS, methods=GET_POST)],
    "accounts:patient_invitation_resend": [Route(OWNER_CARE, owner_pk, ("POST",))],
    "accounts:therapist_list": [Route(ADMINS)],
    "accounts:therapist_add": [Route(ADMINS, methods=GET_POST)],
    "accounts:therapist_invitation_resend": [
        Route(
            frozenset({CLINIC_ADMIN}),
            lambda w: {"pk": w.users[THERAPIST].pk},
            ("POST",),
        )
    ],
    "accounts:clinic_settings": [Route(ADMINS, methods=GET_POST)],
    # The system status page and the clinic's undelivered email: its own admin only (another
    # clinic's email is a 404).
    "ops:status": [Route(ADMINS)],
    "ops:mail_retry": [
        Route(frozenset({CLINIC_ADMIN}), lambda w: {"pk": w.undelivered_email.pk}, ("POST",))
    ],
    "ops:mail_discard": [
        Route(frozenset({CLINIC_ADMIN}), lambda w: {"pk": w.undelivered_email.pk}, ("POST",))
    ],
    # Symptoms: the patient's log and diary; the clinician's sessions and intake.
    "care:entry_create": [Route(PATIENTS, methods=GET_POST)],
    "care:entry_detail": [Route(OWNER_AND_CARE, lambda w: {"pk": w.entry.pk})],
    "care:entry_edit": [Route(OWNER, lambda w: {"pk": w.entry.pk}, GET_POST)],
    "care:entry_delete": [Route(OWNER, lambda w: {"pk": w.entry.pk}, ("POST",))],
    "care:diary": [Route(PATIENTS)],
    # Entries saved on the phone offline, sent later; the emergency advice kept there.
    "care:offline_session": [Route(PATIENTS)],
    "care:offline_sync": [Route(PATIENTS, methods=("POST",))],
    "care:offline_emergency": [Route(PATIENTS)],
    "symptoms:patient_sessions": [Route(OWNER_CARE, owner_patient_pk)],
    "symptoms:session_create": [Route(OWNER_CARE, owner_patient_pk, GET_POST)],
    "symptoms:session_edit": [Route(OWNER_CARE, lambda w: {"pk": w.session.pk}, GET_POST)],
    "symptoms:intake_edit": [Route(OWNER_CARE, owner_patient_pk, GET_POST)],
    # Exercises: Today and dose logging (patient); library and plans (clinician).
    "care:today": [Route(PATIENTS)],
    "care:dose_log": [
        Route(OWNER, lambda w: {"item_pk": w.plan_item.pk}, ("POST",)),
    ],
    "exercises:library": [Route(CLINICIANS)],
    "exercises:exercise_new": [Route(CLINICIANS, methods=GET_POST)],
    "exercises:exercise_detail": [
        Route(CLINIC_A_CLINICIANS, lambda w: {"pk": w.clinic_exercise.pk}, label="clinic's own"),
        Route(CLINICIANS, lambda w: {"pk": w.library_exercise.pk}, label="shared library"),
    ],
    "exercises:exercise_edit": [
        Route(
            CLINIC_A_CLINICIANS,
            lambda w: {"pk": w.clinic_exercise.pk},
            GET_POST,
            label="clinic's own",
        ),
        # The shared library is read-only for everyone.
        Route(frozenset(), lambda w: {"pk": w.library_exercise.pk}, GET_POST, "shared library"),
    ],
    "exercises:plan_builder": [Route(OWNER_CARE, owner_patient_pk, GET_POST)],
    "exercises:plan_history": [Route(OWNER_AND_CARE, owner_patient_pk)],
    "exercises:plan_print": [Route(OWNER_AND_CARE, owner_patient_pk)],
    # Red flags: inbox, alert page and triage (clinicians); rule set and replay (admins);
    # emergency advice (the patient).
    "redflags:inbox": [Route(CLINICIANS)],
    "redflags:alert_detail": [Route(OWNER_CARE, lambda w: {"pk": w.alert.pk})],
    "redflags:acknowledge": [Route(OWNER_CARE, lambda w: {"pk": w.alert.pk}, ("POST",))],
    "redflags:contact": [Route(OWNER_CARE, lambda w: {"pk": w.alert.pk}, ("POST",))],
    "redflags:resolve": [Route(OWNER_CARE, lambda w: {"pk": w.alert.pk}, ("POST",))],
    "redflags:escalate": [Route(OWNER_CARE, lambda w: {"pk": w.alert.pk}, ("POST",))],
    "redflags:rule_set": [Route(ADMINS, methods=GET_POST)],
    "care:replay": [Route(ADMINS, methods=GET_POST)],
    "redflags:emergency": [Route(OWNER, lambda w: {"pk": w.emergency.pk})],
    "redflags:emergency_confirm": [Route(OWNER, lambda w: {"pk": w.emergency.pk}, ("POST",))],
    # The banner's "I have read this" (issue 11): the owner's open urgent alert.
    "redflags:warning_read": [Route(OWNER, lambda w: {"pk": w.alert.pk}, ("POST",))],
    # Dashboard.
    "dashboard:caseload": [Route(CLINICIANS)],
    "dashboard:clinic": [Route(ADMINS)],
    "dashboard:patient_overview": [Route(OWNER_CARE, owner_pk)],
    "dashboard:patient_summary_print": [Route(OWNER_CARE, owner_pk)],
    "dashboard:export_entries_csv": [Route(OWNER_CARE, owner_pk)],
    "dashboard:export_logs_csv": [Route(OWNER_CARE, owner_pk)],
    "dashboard:export_alerts_csv": [Route(OWNER_CARE, owner_pk)],
    # Outcome measures (issue 16): the patient's progress and PSFS ratings are theirs; their
    # therapist and clinic admin name the activities with them and ask for a re-rating.
    "care:progress": [Route(PATIENTS)],
    "outcomes:psfs_setup": [Route(OWNER_AND_CARE, owner_patient_pk, GET_POST)],
    "outcomes:psfs_rate": [Route(PATIENTS, methods=GET_POST)],
    "outcomes:psfs_request": [Route(OWNER_CARE, owner_patient_pk, ("POST",))],
    "dashboard:patient_report": [Route(OWNER_CARE, owner_pk)],
    "dashboard:patient_report_pdf": [Route(OWNER_CARE, owner_pk)],
    # Counts across the clinic, naming no patient: every clinician of their own clinic.
    "dashboard:clinic_flares": [Route(CLINICIANS)],
    # FHIR: one patient's Bundle for their carers, and a patient's own.
    "fhir_export:patient_bundle": [Route(OWNER_CARE, owner_pk)],
    "fhir_export:own_bundle": [Route(PATIENTS)],
    # The audit log: the patient's clinic admin only.
    "audit:patient_log": [Route(frozenset({CLINIC_ADMIN}), owner_patient_pk)],
    "audit:patient_log_csv": [Route(frozenset({CLINIC_ADMIN}), owner_patient_pk)],
    # Reminders.
    "reminders:preferences": [Route(PATIENTS, methods=GET_POST)],
    "reminders:push_subscription": [Route(PATIENTS, methods=("POST",))],
    "reminders:patient_reminders": [Route(OWNER_CARE, owner_pk)],
}

# Pages that need no login, and why. Each is checked below for answering without a login
# redirect and without a 500; their token checks are tested in the named files.
PUBLIC: dict[str, str] = {
    "healthz": "load balancer liveness check (tests/test_smoke.py)",
    "readyz": "readiness for monitoring: no patient data (tests/ops/test_readyz.py)",
    "metrics": "Prometheus, with a token or from loopback only (tests/ops/test_metrics.py)",
    "favicon": "redirects to the static icon browsers ask every site for (tests/test_icons.py)",
    "manifest": "the web app manifest: names, icons, colours (tests/test_pwa.py)",
    "service_worker": "the service worker's code, the same for everyone (tests/test_pwa.py)",
    "offline": "the page shown offline, naming nobody (tests/test_pwa.py)",
    "set_language": "the language switch: changes only the caller's own language",
    "accounts:login": "the login page (tests/accounts/test_login.py)",
    "accounts:logout": "logging out ends whatever session there is (tests/accounts/test_login.py)",
    "accounts:password_reset": "asking for a reset link (tests/accounts/test_login.py)",
    "accounts:password_reset_done": "the 'link sent' page, shows no account data",
    "accounts:password_reset_confirm": "signed reset token (Django's PasswordResetConfirmView)",
    "accounts:password_reset_complete": "the 'password changed' page, shows no account data",
    "accounts:invitation_accept": "single-use token (tests/accounts/test_invitations.py)",
    "rights:account_closed": "the page shown after closing an account (already logged out)",
    "care:quick_log": "single-use quick-log token (tests/reminders/test_quick_log.py)",
    "care:quick_log_done": "this browser's session after a quick-log save (same file)",
    "care:quick_log_emergency_confirm": "same browser session as quick_log_done",
    "reminders:unsubscribe": "signed unsubscribe token (tests/reminders/test_unsubscribe.py)",
}

# Arguments for the public pages: tokens nobody was given.
PUBLIC_KWARGS: dict[str, dict] = {
    "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "abc-123"},
    "accounts:invitation_accept": {"token": "not-a-real-invitation-token"},
    "reminders:unsubscribe": {"token": "not-a-real-unsubscribe-token"},
}
PUBLIC_POST_ONLY = frozenset(
    {"accounts:logout", "care:quick_log_emergency_confirm", "set_language"}
)
# 503 is /readyz's answer while background work is stale (no worker beats in this world).
PUBLIC_UNAVAILABLE = frozenset({"readyz"})


def url_names(patterns=None, namespace: str = "") -> Iterator[str]:
    """Every URL pattern's name in the project's URL configuration (the admin site excepted:
    Django's own, staff-only, with its own permission checks)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>"


def matrix_cases() -> Iterator:
    for name, routes in ROUTES.items():
        for route in routes:
            for method in route.methods:
                for role in ROLES:
                    label = f"{name}[{route.label}]" if route.label else name
                    yield pytest.param(name, route, method, role, id=f"{label}-{method}-{role}")


def login_url() -> str:
    return reverse("accounts:login")


def _request(world: World, name: str, route: Route, method: str, role: str):
    url = reverse(name, kwargs=route.kwargs(world))
    client = world.client(role)
    if method == "GET":
        return client.get(url)
    return client.post(url, route.data)


def test_every_url_pattern_is_in_the_matrix():
    names = list(url_names())
    covered = set(ROUTES) | set(PUBLIC)
    missing = sorted(set(names) - covered)
    assert not missing, (
        f"URL patterns missing from the authorization matrix: {missing}. Add each to ROUTES "
        "(who may use it) or PUBLIC (why it needs no login) in this file."
    )
    stale = sorted(covered - set(names))
    assert not stale, f"The matrix names URL patterns that no longer exist: {stale}"
    assert len(names) == len(set(names)), "Two URL patterns share a name."


def test_the_matrix_and_the_public_list_do_not_overlap():
    assert not set(ROUTES) & set(PUBLIC)


@pytest.mark.parametrize(("name", "route", "method", "role"), list(matrix_cases()))
def test_matrix(world, name, route, method, role):
    response = _request(world, name, route, method, role)
    status = response.status_code
    where = f"{method} {name} as {role}"
    if role == ANONYMOUS:
        assert status == 302, f"{where}: {status}, expected the login redirect"
        assert response["Location"].startswith(login_url()), f"{where}: {response['Location']}"
    elif role in route.allowed:
        assert status < 500, f"{where}: {status}"
        assert status not in (403, 404, 405), f"{where}: {status}, expected access"
        location = response.get("Location", "")
        assert not location.startswith(login_url()), f"{where}: sent to log in ({location})"
    else:
        assert status == 404, f"{where}: {status}, expected 404"
        body = b"" if response.streaming else response.content
        assert OWNER_NAME.encode() not in body, f"{where}: the 404 shows the owner's name"


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_pages_answer_without_login_and_without_error(world, name):
    client = world.client(ANONYMOUS)
    url = reverse(name, kwargs=PUBLIC_KWARGS.get(name, {}))
    response = client.post(url) if name in PUBLIC_POST_ONLY else client.get(url)
    assert response.status_code < 500 or (
        name in PUBLIC_UNAVAILABLE and response.status_code == 503
    )
    if name != "accounts:logout":
        assert not response.get("Location", "").startswith(login_url() + "?next")
    assert OWNER_NAME.encode() not in response.content


@pytest.mark.parametrize(
    "name",
    ["accounts:invitation_accept", "reminders:unsubscribe", "care:quick_log"],
)
def test_public_token_pages_refuse_a_token_nobody_was_given(world, name):
    response = world.client(ANONYMOUS).get(
        reverse(name, kwargs=PUBLIC_KWARGS.get(name, {})) + "?t=forged.token"
    )
    assert response.status_code in (404, 410)


# --- The owner's neighbour: the same pages with the other patient's records --------------------

CROSS_OBJECT_CASES = {
    "entry of another patient": (
        "care:entry_detail",
        "GET",
        lambda w: {"pk": w.other_patient_entry.pk},
    ),
    "correcting another patient's entry": (
        "care:entry_edit",
        "POST",
        lambda w: {"pk": w.other_patient_entry.pk},
    ),
    "deleting another patient's entry": (
        "care:entry_delete",
        "POST",
        lambda w: {"pk": w.other_patient_entry.pk},
    ),
    "logging a dose of another patient's plan": (
        "care:dose_log",
        "POST",
        lambda w: {"item_pk": w.other_patient_item.pk},
    ),
    "another patient's plan": (
        "exercises:plan_history",
        "GET",
        lambda w: {"patient_pk": w.other_patient.pk},
    ),
    "another patient's emergency page": (
        "redflags:emergency",
        "GET",
        lambda w: {"pk": w.other_patient_alert.pk},
    ),
}


@pytest.mark.parametrize("case", CROSS_OBJECT_CASES, ids=list(CROSS_OBJECT_CASES))
def test_the_owner_gets_404_for_the_other_patients_records(world, case):
    name, method, kwargs = CROSS_OBJECT_CASES[case]
    client = world.client(PATIENT)
    url = reverse(name, kwargs=kwargs(world))
    data = {"pain_during": "2", "difficulty": "ok", "idempotency_key": "k1", "confirm": "yes"}
    response = client.get(url) if method == "GET" else client.post(url, data)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("symptoms:session_edit", lambda w: {"pk": w.other_patient_session.pk}),
        ("redflags:alert_detail", lambda w: {"pk": w.other_patient_alert.pk}),
        ("dashboard:patient_overview", lambda w: {"pk": w.other_patient.pk}),
        ("exercises:exercise_detail", lambda w: {"pk": w.other_clinic_exercise.pk}),
    ],
    ids=["session", "alert", "overview", "other clinic's exercise"],
)
def test_the_therapist_gets_404_outside_their_caseload(world, name, kwargs):
    response = world.client(THERAPIST).get(reverse(name, kwargs=kwargs(world)))
    assert response.status_code == 404
