"""A stand-in for the alert page's URL, so the email's link can be checked on its own."""

from django.http import HttpResponse
from django.urls import include, path

alert_patterns = (
    [path("alerts/<int:pk>/", lambda request, pk: HttpResponse(), name="alert_detail")],
    "redflags",
)
urlpatterns = [path("clinic/", include(alert_patterns))]
