from django.urls import path

from . import audit_views as views

app_name = "audit"

urlpatterns = [
    path("patients/<int:patient_pk>/", views.patient_log, name="patient_log"),
    path("patients/<int:patient_pk>/export.csv", views.patient_log_csv, name="patient_log_csv"),
]
