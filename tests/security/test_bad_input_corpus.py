"""The bad-input corpus: every form and endpoint that takes input, fed what it should refuse.

Each case is one request by a role that may use the form (so the input, not the access check, is
under test; other people's ids are the exception). For every case:

- no response is a 500 (redirects are followed, so the page after a save counts too);
- nothing invalid is stored: a case marked `refused` must change no row of the watched tables,
  and a case whose input is acceptable as text (HTML in a note) may store rows only if each
  passes the model's own validation (`full_clean`);
- no payload comes back unescaped: no `<script>`, `<img onerror>`, `<svg onload>` or
  `href="javascript:` from the input appears in any response body.

Missing CSRF tokens are refused with 403 on every POST form, with nothing written.

The figures (cases, 500s, invalid rows, unescaped reflections) are printed at the end of the
run (tests/security/conftest.py) and recorded in docs/security.md, "Matrix and corpus".
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from exercises.models import Exercise

from . import corpus_clinic, corpus_people, corpus_records  # noqa: F401  (they add the cases)
from .corpus import CASES, IGNORED_FIELDS, IMG, SCRIPT, SVG, UNESCAPED_MARKERS, WATCHED, Case
from .corpus_clinic import session_data, session_edit_url, triage_url
from .corpus_figures import FIGURES_PROPERTY
from .corpus_records import entry_data, entry_url, plan_data, plan_url
from .world import (
    CLINIC_ADMIN,
    OTHER_CLINIC_ADMIN,
    PATIENT,
    THERAPIST,
    World,
)

pytestmark = pytest.mark.django_db


# --- Running a case ------------------------------------------------------------------------------


def snapshot() -> dict[type, dict[int, dict]]:
    """Every watched row, as plain values (one query per table; the world is small)."""
    rows = {}
    for model in WATCHED:
        fields = [f for f in model._meta.concrete_fields if f.name not in IGNORED_FIELDS]
        names = [f.attname for f in fields]
        rows[model] = {
            values[0]: dict(zip([f.name for f in fields], values, strict=True))
            for values in model.objects.values_list(*names)
        }
    return rows


@dataclass(frozen=True)
class Written:
    """A row the request added (`changed` is None), changed (the fields) or removed."""

    model: type
    pk: int
    changed: frozenset[str] | None = None
    removed: bool = False

    def __str__(self) -> str:
        what = "removed" if self.removed else "added" if self.changed is None else "changed"
        return f"{self.model.__name__} {self.pk} {what}"


def written(before: dict, after: dict) -> list[Written]:
    changes = []
    for model in WATCHED:
        old, new = before[model], after[model]
        for pk, values in new.items():
            if pk not in old:
                changes.append(Written(model, pk))
            elif old[pk] != values:
                changed = frozenset(name for name in values if values[name] != old[pk][name])
                changes.append(Written(model, pk, changed))
        changes += [Written(model, pk, removed=True) for pk in old if pk not in new]
    return changes


def invalid_rows(changes: list[Written]) -> list[str]:
    """Rows written that fail the model's validation, judged on the fields the request wrote
    (fields it left alone are not its doing). A removal is never acceptable here."""
    problems = []
    for change in changes:
        if change.removed:
            problems.append(str(change))
            continue
        row = change.model.objects.get(pk=change.pk)
        exclude = None
        if change.changed is not None:
            exclude = [f.name for f in change.model._meta.fields if f.name not in change.changed]
        try:
            row.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as error:
            problems.append(f"{change}: {error.messages}")
    return problems


def unescaped(body: bytes) -> list[str]:
    text = body.decode("utf-8", errors="replace")
    return [marker for marker in UNESCAPED_MARKERS if marker in text]


def send(world: World, case: Case):
    client = world.client(case.role, enforce_csrf_checks=case.csrf)
    url = case.url(world)
    headers = {"HX-Request": "true"} if case.htmx else {}
    if case.method == "GET":
        return client.get(url, headers=headers, follow=True)
    data = case.data(world)
    if case.content_type:
        return client.post(url, data, content_type=case.content_type, headers=headers)
    return client.post(url, data, headers=headers, follow=not case.csrf)


def case_id(case: Case) -> str:
    return f"{case.form}: {case.what}"


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_bad_input(world, case, record_property):
    before = snapshot()
    response = send(world, case)
    changes = written(before, snapshot())

    statuses = [status for _url, status in getattr(response, "redirect_chain", [])]
    statuses.append(response.status_code)
    body = b"" if response.streaming else response.content
    bad_rows = (
        [f"{model.__name__} {pk}" for model, pk in changes]
        if case.refused
        else invalid_rows(changes)
    )
    reflections = unescaped(body)
    # Reported to the run's summary (tests/conftest.py), also from pytest-xdist workers.
    record_property(
        FIGURES_PROPERTY,
        {
            "server_error": any(status >= 500 for status in statuses),
            "invalid_rows": len(bad_rows),
            "reflections": len(reflections),
            "csrf": case.csrf,
        },
    )

    assert all(status < 500 for status in statuses), f"statuses {statuses}"
    assert not bad_rows, f"stored: {bad_rows}"
    assert not reflections, f"unescaped in the response: {reflections}"
    if case.status:
        assert response.status_code in case.status
    if case.csrf:
        assert response.status_code == 403
    if not case.refused:
        assert changes, "an acceptable text input should have been saved"


def test_the_corpus_has_at_least_100_cases_across_every_form():
    forms = {case.form for case in CASES}
    assert len(CASES) >= 100
    expected = {
        "entry create",
        "entry correct",
        "dose log",
        "plan builder",
        "exercise create",
        "session create",
        "session edit",
        "intake edit",
        "patient add",
        "triage",
        "rule set",
        "replay upload",
        "reminder preferences",
        "quick-log",
        "my details",
        "login",
        "password reset",
        "invitation accept",
    }
    assert expected <= forms, expected - forms


STORED_PAGES = {
    # Where text a user typed is shown to someone else: each must escape it.
    "entry, to the therapist": (
        THERAPIST,
        lambda w: reverse("care:entry_detail", args=[w.entry.pk]),
    ),
    "patient overview": (
        THERAPIST,
        lambda w: reverse("dashboard:patient_overview", args=[w.patient.pk]),
    ),
    "printable summary": (
        THERAPIST,
        lambda w: reverse("dashboard:patient_summary_print", args=[w.patient.pk]),
    ),
    "caseload": (CLINIC_ADMIN, lambda w: reverse("dashboard:caseload")),
    "sessions": (THERAPIST, lambda w: reverse("symptoms:patient_sessions", args=[w.patient.pk])),
    "alert page": (THERAPIST, lambda w: reverse("redflags:alert_detail", args=[w.alert.pk])),
    "inbox": (THERAPIST, lambda w: reverse("redflags:inbox")),
    "plan print, to the patient": (
        PATIENT,
        lambda w: reverse("exercises:plan_print", args=[w.patient.pk]),
    ),
    "Today, to the patient": (PATIENT, lambda w: reverse("care:today")),
    "diary, to the patient": (PATIENT, lambda w: reverse("care:diary")),
    "exercise page": (OTHER_CLINIC_ADMIN, lambda w: reverse("exercises:library")),
    "audit log": (CLINIC_ADMIN, lambda w: reverse("audit:patient_log", args=[w.patient.pk])),
}


def test_html_stored_in_every_text_field_is_shown_escaped_everywhere(world):
    # Store the payloads the way a bad actor would have to: through the forms.
    patient_client, therapist_client = world.client(PATIENT), world.client(THERAPIST)
    name = f"{SCRIPT}{IMG}"
    User.objects.filter(pk=world.users[PATIENT].pk).update(full_name=name)
    assert (
        patient_client.post(
            entry_url(world), entry_data(idempotency_key=None, notes=SCRIPT + IMG + SVG)(world)
        ).status_code
        == 302
    )
    assert (
        therapist_client.post(
            session_edit_url(world),
            session_data(notes=SCRIPT + IMG, interventions=["education"])(world),
        ).status_code
        == 302
    )
    assert (
        therapist_client.post(
            triage_url("acknowledge")(world), {"ack-note": SCRIPT + IMG}
        ).status_code
        == 302
    )
    assert (
        therapist_client.post(
            plan_url(world),
            plan_data(**{"items-0-instructions": SCRIPT, "note_to_patient": IMG})(world),
        ).status_code
        == 302
    )
    Exercise.objects.filter(pk=world.clinic_exercise.pk).update(name=SCRIPT, movement=IMG)
    assert (
        patient_client.post(
            reverse("accounts:my_details"),
            {
                "phone": "07700 900123",
                "best_time_to_call": SCRIPT,
                "emergency_contact_name": SCRIPT + IMG,
                "emergency_contact_phone": "07700 900456",
            },
        ).status_code
        == 302
    )

    for page, (role, url) in STORED_PAGES.items():
        response = world.client(role).get(url(world), follow=True)
        assert response.status_code == 200, page
        assert not unescaped(response.content), page


def test_the_checks_catch_what_they_look_for(world):
    # The corpus passes only because the application refuses; these show the checks would see
    # a reflection, a write and an invalid row if it did not.
    assert unescaped(f"<p>{SCRIPT}</p>".encode()) == ["<script>alert(1)"]
    assert unescaped(b"<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>") == []
    before = snapshot()
    Exercise.objects.filter(pk=world.clinic_exercise.pk).update(name="", body_area="leg")
    changes = written(before, snapshot())
    assert [str(change) for change in changes] == [f"Exercise {world.clinic_exercise.pk} changed"]
    assert changes[0].changed == {"name", "body_area"}
    assert len(invalid_rows(changes)) == 1


def test_the_language_switch_never_sends_anyone_off_the_site(world):
    response = world.client(PATIENT).post(
        reverse("set_language"), {"language": "es", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert not response["Location"].startswith(("http:", "https:", "//"))
