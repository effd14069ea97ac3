"""Responses for pages that work with and without htmx (STYLE.md, "htmx and templates").

One place decides what an htmx request gets: a fragment for a swap, the whole page for a
history restore (htmx asks, but needs the page), and a client-side redirect instead of a 302
that htmx would follow and swap in.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails


class HtmxRequest(HttpRequest):
    """A request that went through django-htmx's middleware (every request here does): for
    type checking only, as django-htmx's documentation suggests."""

    htmx: HtmxDetails


def wants_fragment(request: HttpRequest) -> bool:
    """htmx swapping part of the page: not a plain request, a boosted link or a history
    restore, which all need the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    fragment: str,
    status: int = 200,
) -> HttpResponse:
    """The whole page, or only its `fragment` partial when htmx swaps part of it."""
    if wants_fragment(request):
        template = f"{template}#{fragment}"
    return render(request, template, context, status=status)


def render_form_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """A form page, or only its `form` partial for htmx (status 200 by default, so it swaps)."""
    return render_page(request, template, context, fragment="form", status=status)


def navigate(request: HttpRequest, to: str, *args: Any, **kwargs: Any) -> HttpResponse:
    """Send the browser to `to` (a URL or a URL name with its arguments): a redirect, or for
    htmx an HX-Redirect, so the next page is loaded rather than swapped in."""
    url = resolve_url(to, *args, **kwargs)
    if getattr(request, "htmx", None):
        return HttpResponseClientRedirect(url)
    return redirect(url)
