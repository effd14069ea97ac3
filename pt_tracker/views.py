from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
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
