from django.urls import path

from .views import rights as rights_views

app_name = "rights"

urlpatterns = [
    path("", rights_views.my_data, name="my_data"),
    path("download.json", rights_views.export_json, name="export_json"),
    path("download.zip", rights_views.export_zip, name="export_zip"),
    path("close/", rights_views.account_close, name="account_close"),
    path("closed/", rights_views.account_closed, name="account_closed"),
]
