from django.urls import path

from . import views

app_name = "symptoms"

urlpatterns = [
    path("log/", views.entry_create, name="entry_create"),
    path("diary/", views.diary, name="diary"),
]
