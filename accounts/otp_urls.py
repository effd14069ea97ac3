from django.urls import path

from . import otp_views

app_name = "twofactor"

urlpatterns = [
    path("", otp_views.security, name="security"),
    path("setup/", otp_views.setup, name="setup"),
    path("verify/", otp_views.verify, name="verify"),
    path("recovery-codes/", otp_views.recovery_codes, name="recovery_codes"),
    path("recovery-codes/new/", otp_views.recovery_codes_new, name="recovery_codes_new"),
    path("turn-off/", otp_views.disable, name="disable"),
]
