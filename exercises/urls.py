from django.urls import path

from . import views

app_name = "exercises"

urlpatterns = [
    path("today/", views.today, name="today"),
]
