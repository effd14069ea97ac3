from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    # Patient: which reminders, when.
    path("preferences/", views.preferences, name="preferences"),
    # Clinician: what is on for a patient (read-only).
    path("patients/<int:pk>/", views.patient_reminders, name="patient_reminders"),
    # From a reminder email, without logging in.
    path("log/", views.quick_log, name="quick_log"),
    path("log/done/", views.quick_log_done, name="quick_log_done"),
    path(
        "log/done/confirm/", views.quick_log_emergency_confirm, name="quick_log_emergency_confirm"
    ),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
