from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("patients/<int:patient_pk>/psfs/", views.psfs_setup, name="psfs_setup"),
    path("patients/<int:patient_pk>/psfs/ask/", views.psfs_request, name="psfs_request"),
    path("psfs/rate/", views.psfs_rate, name="psfs_rate"),
]
