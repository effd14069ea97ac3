"""Small response helpers shared by every app."""

from __future__ import annotations

from django.http import HttpResponse


def private_page(response: HttpResponse) -> HttpResponse:
    """A page reached by an emailed link: never cached, never indexed. (The site's same-origin
    referrer policy already keeps the link from other sites; "no-referrer" would make browsers
    send `Origin: null` with the page's own forms, which the CSRF check refuses.)"""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
