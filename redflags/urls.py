from django.urls import path

from . import views

app_name = "redflags"

urlpatterns = [
    # Clinicians: the inbox, one alert and its triage actions.
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.alert_page, name="alert_detail"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/contact/", views.contact, name="contact"),
    path("<int:pk>/resolve/", views.resolve, name="resolve"),
    path("<int:pk>/escalate/", views.escalate, name="escalate"),
    # Clinic admins: the rule set and case replay.
    path("rule-set/", views.rule_set, name="rule_set"),
    # Patients: emergency advice first.
    path("emergency/<int:pk>/", views.emergency, name="emergency"),
    path("emergency/<int:pk>/confirm/", views.emergency_confirm, name="emergency_confirm"),
    # Patients: "I have read this" on the banner of an open urgent or emergency alert.
    path("warnings/<int:pk>/read/", views.warning_read, name="warning_read"),
]
