from django.urls import path

from . import report_views, views

app_name = "dashboard"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("clinic/", views.clinic, name="clinic"),
    path("patients/<int:pk>/", views.patient_overview, name="patient_overview"),
    path("patients/<int:pk>/summary/", views.patient_summary_print, name="patient_summary_print"),
    path("patients/<int:pk>/entries.csv", views.export_entries_csv, name="export_entries_csv"),
    path("patients/<int:pk>/exercise-logs.csv", views.export_logs_csv, name="export_logs_csv"),
    path("patients/<int:pk>/alerts.csv", views.export_alerts_csv, name="export_alerts_csv"),
    path("patients/<int:pk>/report/", report_views.patient_report, name="patient_report"),
    path(
        "patients/<int:pk>/report.pdf", report_views.patient_report_pdf, name="patient_report_pdf"
    ),
    path("flare-ups/", report_views.clinic_flares, name="clinic_flares"),
]
