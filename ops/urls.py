from django.urls import path

from . import status_views

app_name = "ops"

urlpatterns = [
    path("", status_views.status, name="status"),
    path("mail/<int:pk>/retry/", status_views.mail_retry, name="mail_retry"),
    path("mail/<int:pk>/discard/", status_views.mail_discard, name="mail_discard"),
]
