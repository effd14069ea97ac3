from django.urls import path

from . import clinic_views, views

app_name = "symptoms"

urlpatterns = [
    # Patient: log, see, correct and delete entries; the diary.
    path("log/", views.entry_create, name="entry_create"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("diary/", views.diary, name="diary"),
    # Clinician: a patient's sessions (past and scheduled) and intake (symptoms/clinic_views.py).
    path(
        "clinic/patients/<int:patient_pk>/sessions/",
        clinic_views.patient_sessions,
        name="patient_sessions",
    ),
    path(
        "clinic/patients/<int:patient_pk>/sessions/new/",
        clinic_views.session_create,
        name="session_create",
    ),
    path("clinic/sessions/<int:pk>/edit/", clinic_views.session_edit, name="session_edit"),
    path("clinic/patients/<int:patient_pk>/intake/", clinic_views.intake_edit, name="intake_edit"),
]
