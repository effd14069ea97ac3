from django.urls import path

from . import views

app_name = "symptoms"

urlpatterns = [
    # Clinician: a patient's sessions (past and scheduled) and intake (symptoms/views.py).
    path(
        "clinic/patients/<int:patient_pk>/sessions/",
        views.patient_sessions,
        name="patient_sessions",
    ),
    path(
        "clinic/patients/<int:patient_pk>/sessions/new/",
        views.session_create,
        name="session_create",
    ),
    path("clinic/sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("clinic/patients/<int:patient_pk>/intake/", views.intake_edit, name="intake_edit"),
]
