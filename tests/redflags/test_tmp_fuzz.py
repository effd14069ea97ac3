import pytest
from hypothesis import HealthCheck, given, settings
from redflags.replay import replay_case
from redflags.replay_pure import simulate_case
from tests.redflags.test_replay_command import random_cases

pytestmark = pytest.mark.django_db

@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=random_cases())
def test_fuzz(case):
    assert replay_case(case).as_dict() == simulate_case(case)
