from django.urls import path

from . import views

app_name = "exercises"

urlpatterns = [
    path("library/", views.library, name="library"),
    path("library/new/", views.exercise_new, name="exercise_new"),
    path("library/<int:pk>/", views.exercise_detail, name="exercise_detail"),
    path("library/<int:pk>/edit/", views.exercise_edit, name="exercise_edit"),
    path("patients/<int:patient_pk>/plan/", views.plan_builder, name="plan_builder"),
    path("patients/<int:patient_pk>/plan/history/", views.plan_history_view, name="plan_history"),
    path("patients/<int:patient_pk>/plan/print/", views.plan_print, name="plan_print"),
]
