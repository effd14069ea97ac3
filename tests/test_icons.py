"""The favicon and app icons (issue 12): /favicon.ico answers on every site, every page names
its icons and has a description, and the icon files are there."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

ICONS = (
    "icons/favicon.ico",
    "icons/favicon.svg",
    "icons/favicon-32.png",
    "icons/apple-touch-icon.png",
    "icons/icon-192.png",
    "icons/icon-512.png",
)


def test_the_icon_files_are_static_files():
    for name in ICONS:
        assert finders.find(name), name


@pytest.mark.django_db
def test_favicon_ico_answers_for_anyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("icons/favicon.ico")
    assert "max-age=86400" in response["Cache-Control"]


@pytest.mark.django_db
def test_public_pages_name_their_icons_and_describe_themselves(client):
    for url in (reverse("accounts:login"), reverse("accounts:password_reset")):
        html = client.get(url).content.decode()
        assert f'<link rel="icon" href="{static("icons/favicon.svg")}"' in html
        assert static("icons/apple-touch-icon.png") in html
        assert '<meta name="description" content="PT Tracker: log your nerve pain' in html


@pytest.mark.django_db
def test_the_description_is_in_the_reader_s_language(client):
    html = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<meta name="description" content="PT Tracker: ' in html
    assert "log your nerve pain" not in html
