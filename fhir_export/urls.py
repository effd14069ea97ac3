from django.urls import path

from . import views

app_name = "fhir_export"

urlpatterns = [
    path("patients/<int:pk>/bundle.json", views.patient_bundle, name="patient_bundle"),
    path("my-record/bundle.json", views.own_bundle, name="own_bundle"),
]
