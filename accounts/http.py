"""Responses for forms that work with and without htmx (STYLE.md, "htmx and templates")."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django_htmx.http import HttpResponseClientRedirect


def render_form_page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """The whole page, or only its `form` partial when htmx asks (status 200 so it swaps)."""
    if request.htmx:
        return render(request, f"{template}#form", context)
    return render(request, template, context)


def redirect_after_post(request: HttpRequest, to: str, *args, **kwargs) -> HttpResponse:
    """POST/redirect/GET; htmx is told to navigate instead of swapping the next page in."""
    url = resolve_url(to, *args, **kwargs)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
