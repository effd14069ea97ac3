from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    # Patient: which reminders, when.
    path("preferences/", views.preferences, name="preferences"),
    # Clinician: what is on for a patient (read-only).
    path("patients/<int:pk>/", views.patient_reminders, name="patient_reminders"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
