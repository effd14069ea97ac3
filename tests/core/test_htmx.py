"""core.htmx: what an htmx request gets, decided in one place."""

import pytest
from django.http import HttpResponse
from django_htmx.middleware import HtmxMiddleware

from core.htmx import navigate, wants_fragment


def _request(rf, **headers):
    request = rf.get("/somewhere/", headers=headers)
    HtmxMiddleware(lambda r: HttpResponse())(request)
    return request


@pytest.mark.parametrize(
    ("headers", "fragment"),
    [
        ({}, False),
        ({"HX-Request": "true"}, True),
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, False),
        ({"HX-Request": "true", "HX-Boosted": "true"}, False),
    ],
    ids=["plain", "htmx-swap", "history-restore", "boosted-link"],
)
def test_only_an_htmx_swap_wants_a_fragment(rf, headers, fragment):
    assert wants_fragment(_request(rf, **headers)) is fragment


def test_navigate_redirects_a_plain_request(rf):
    response = navigate(_request(rf), "/next/")
    assert (response.status_code, response["Location"]) == (302, "/next/")


def test_navigate_tells_htmx_to_load_the_next_page_rather_than_swap_it(rf):
    response = navigate(_request(rf, **{"HX-Request": "true"}), "healthz")
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/healthz"
