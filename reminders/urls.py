from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    # Patient: which reminders, when.
    path("preferences/", views.preferences, name="preferences"),
    # Patient: reminders as notifications in this browser (Web Push), on or off.
    path("push/", views.push_subscription, name="push_subscription"),
    # Clinician: what is on for a patient (read-only).
    path("patients/<int:pk>/", views.patient_reminders, name="patient_reminders"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
