"""The clinic admin's rule set: every threshold with its meaning and default; R8-R14 may be
switched off, R1-R7 never; every change makes a new version."""

import pytest
from django.urls import reverse

from redflags.engine.params import MANDATORY_RULES, RuleParams
from redflags.explain import PARAMS
from redflags.models import RuleSetVersion
from redflags.rule_sets import current_rule_set

URL = reverse("redflags:rule_set")


def _form_data(**changes) -> dict:
    """What the page posts when nothing is changed, with `changes` applied."""
    defaults = RuleParams()
    data = {}
    for name, info in PARAMS.items():
        value = getattr(defaults, name)
        data[name] = str(value * 100) if info.is_fraction else str(value)
    for rule in ("R8", "R9", "R10", "R11", "R12", "R13", "R14"):
        data[f"enable_{rule}"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_every_threshold_has_words_for_the_page():
    names = {name for name in RuleParams.__dataclass_fields__ if name != "enabled"}
    assert set(PARAMS) == names


def test_the_page_shows_thresholds_with_meaning_and_defaults(clinic_admin_client):
    response = clinic_admin_client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "R7 worst pain at least" in body
    assert 'name="r7_min_pain_worst"' in body and 'value="7"' in body
    assert "Meaningful rise: percentage of baseline" in body
    assert (
        'name="rise_min_fraction" id="id_rise_min_fraction"\n                     value="30"'
        in body
    )
    assert '<span class="input-group-text">%</span>' in body
    assert "30%" in body  # the default, as a clinician reads it
    assert "A safety rule: it always runs." in body


def test_the_page_speaks_the_clinic_s_language(clinic_admin_client, clinic):
    """Issue 12: units in words, shares as percentages, no developers' documents."""
    current_rule_set(clinic)
    body = clinic_admin_client.get(URL).content.decode()
    assert "CLINICAL" + ".md" not in body and "spec.md" not in body and ">fraction<" not in body
    assert "0.3" not in body and "3/10" not in body
    assert '<span class="input-group-text">days</span>' in body
    assert "The recommended starting values" in body


def test_the_rule_set_is_in_the_clinic_admin_s_menu(clinic_admin_client, therapist_client):
    nav = f'class="nav-link" href="{URL}"'
    assert nav in clinic_admin_client.get(reverse("dashboard:caseload")).content.decode()
    assert nav not in therapist_client.get(reverse("dashboard:caseload")).content.decode()


def test_safety_rules_are_shown_on_and_cannot_be_changed(clinic_admin_client):
    body = clinic_admin_client.get(URL).content.decode()
    for rule in sorted(MANDATORY_RULES):
        tag = next(t for t in body.split("<input") if f'name="enable_{rule}"' in t)
        assert "checked" in tag and "disabled" in tag


def test_saving_a_change_makes_a_new_version(clinic_admin_client, clinic, clinic_admin):
    before = current_rule_set(clinic).number
    response = clinic_admin_client.post(
        URL, _form_data(r7_min_pain_worst="8", rise_min_fraction="25", note="Stricter R7")
    )
    assert response.status_code == 302
    version = current_rule_set(clinic)
    assert version.number == before + 1
    params = version.rule_params()
    assert params.r7_min_pain_worst == 8
    assert str(params.rise_min_fraction) == "1/4"
    assert (version.note, version.created_by) == ("Stricter R7", clinic_admin)
    page = clinic_admin_client.get(URL).content.decode()
    assert f"Rule set saved as version {version.number}." in page
    assert "R7 worst pain at least: 7 → 8" in page


@pytest.mark.parametrize("typed", ["40", "40%", " 40 % ", "40.0", "40,0"])
def test_a_share_is_typed_as_a_percentage(clinic_admin_client, clinic, typed):
    clinic_admin_client.post(URL, _form_data(r13_min_fraction=typed))
    assert str(current_rule_set(clinic).rule_params().r13_min_fraction) == "2/5"


def test_an_exact_share_left_as_shown_keeps_its_value(clinic_admin_client, clinic):
    clinic_admin_client.post(URL, _form_data(r13_min_fraction="100/3"))
    assert str(current_rule_set(clinic).rule_params().r13_min_fraction) == "1/3"
    body = clinic_admin_client.get(URL).content.decode()
    assert 'value="33.3"' in body
    clinic_admin_client.post(URL, _form_data(r13_min_fraction="33.3", r2_window_days="20"))
    assert str(current_rule_set(clinic).rule_params().r13_min_fraction) == "1/3"


def test_review_rules_may_be_switched_off_but_safety_rules_stay_on(clinic_admin_client, clinic):
    data = _form_data(enable_R13=None, enable_R14=None)
    data["enable_R1"] = ""  # a forged "off" for a safety rule is ignored
    response = clinic_admin_client.post(URL, data)
    assert response.status_code == 302
    params = current_rule_set(clinic).rule_params()
    assert not params.is_enabled("R13")
    assert not params.is_enabled("R14")
    assert params.is_enabled("R1")
    assert params.enabled >= MANDATORY_RULES


def test_saving_without_a_change_makes_no_version(clinic_admin_client, clinic):
    current_rule_set(clinic)
    before = RuleSetVersion.objects.filter(clinic=clinic).count()
    response = clinic_admin_client.post(URL, _form_data(), follow=True)
    assert "Nothing changed" in response.content.decode()
    assert RuleSetVersion.objects.filter(clinic=clinic).count() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("r2_window_days", "0", "greater than or equal to 1"),
        ("r2_window_days", "61", "less than or equal to 60"),
        ("r7_min_pain_worst", "11", "less than or equal to 10"),
        ("r7_min_pain_worst", "seven", "Enter a whole number"),
        ("rise_min_fraction", "150", "a percentage from 0 to 100"),
        ("rise_min_fraction", "abc", "a percentage from 0 to 100"),
        ("rise_min_fraction", "1/0", "a percentage from 0 to 100"),
        ("r3_rising_entries", "1", "greater than or equal to 2"),
        ("r10_red_pain_above", "", "This field is required"),
    ],
)
def test_bad_values_are_shown_and_nothing_is_saved(
    clinic_admin_client, clinic, field, value, message
):
    before = current_rule_set(clinic).number
    response = clinic_admin_client.post(URL, _form_data(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert current_rule_set(clinic).number == before


def test_thresholds_that_cross_are_refused(clinic_admin_client, clinic):
    response = clinic_admin_client.post(
        URL, _form_data(exercise_green_max_pain="6", r10_red_pain_above="5")
    )
    assert response.status_code == 400
    assert "Green must end at or below the red zone." in response.content.decode()


def test_versions_are_listed_newest_first_with_who_saved_them(
    clinic_admin_client, clinic, clinic_admin
):
    clinic_admin_client.post(URL, _form_data(r2_window_days="21", note="Longer look-back"))
    clinic_admin_client.post(URL, _form_data(r2_window_days="21", enable_R13=None))
    body = clinic_admin_client.get(URL).content.decode()
    newest = body.index("R13 Disengaged: on → off")
    older = body.index("R2 look-back: 14 → 21")
    assert newest < older
    assert "Longer look-back" in body
    assert clinic_admin.full_name in body


def test_another_clinics_version_is_not_touched(clinic_admin_client, clinic, other_clinic):
    other_before = current_rule_set(other_clinic).rule_params()
    clinic_admin_client.post(URL, _form_data(r7_min_pain_worst="9"))
    assert current_rule_set(other_clinic).rule_params() == other_before


@pytest.mark.parametrize("client_name", ["therapist_client", "patient_client"])
def test_therapists_and_patients_get_404(request, client_name, clinic):
    client = request.getfixturevalue(client_name)
    assert client.get(URL).status_code == 404
    before = RuleSetVersion.objects.filter(clinic=clinic).count()
    assert client.post(URL, _form_data(r7_min_pain_worst="9")).status_code == 404
    assert RuleSetVersion.objects.filter(clinic=clinic).count() == before


def test_put_is_405(clinic_admin_client):
    assert clinic_admin_client.put(URL).status_code == 405
