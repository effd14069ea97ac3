from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from accounts.types import AuthenticatedRequest


@require_GET
@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Send each role to where its work starts."""
    if request.user.is_patient:
        return redirect("care:today")
    return redirect("dashboard:caseload")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and the load test."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


@require_GET
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask every site for /favicon.ico, whatever the page says: send them to the
    static icon (pages name theirs in base.html), so that no page logs a missing file."""
    return HttpResponseRedirect(static("icons/favicon.ico"))
