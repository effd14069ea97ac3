from django.contrib import admin
from django.urls import include, path

from accounts import language
from ops import views as ops_views

from . import pwa, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("metrics", ops_views.metrics, name="metrics"),
    path("favicon.ico", views.favicon, name="favicon"),
    # The installable app: manifest, service worker (scope /), the offline page.
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    # Django's set_language, which also keeps a logged-in person's choice on their account.
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("accounts/2fa/", include("accounts.otp_urls")),
    path("accounts/my-data/", include("care.rights_urls")),
    path("", include("care.urls")),
    path("accounts/", include("accounts.urls")),
    path("symptoms/", include("symptoms.urls")),
    path("exercises/", include("exercises.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("fhir/", include("fhir_export.urls")),
    path("alerts/", include("redflags.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("audit/", include("accounts.audit_urls")),
    path("reminders/", include("reminders.urls")),
    path("status/", include("ops.urls")),
    path("admin/", admin.site.urls),
]
