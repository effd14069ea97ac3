"""The care pages. Their paths are those they had before they moved here (bookmarks and the
links in reminder emails already sent keep working)."""

from django.urls import path

from .views import entries, offline, patients, progress, quick_log, replay, today

app_name = "care"

urlpatterns = [
    # Patient: log, see, correct and delete entries; the diary.
    path("symptoms/log/", entries.entry_create, name="entry_create"),
    path("symptoms/entries/<int:pk>/", entries.entry_detail, name="entry_detail"),
    path("symptoms/entries/<int:pk>/edit/", entries.entry_edit, name="entry_edit"),
    path("symptoms/entries/<int:pk>/delete/", entries.entry_delete, name="entry_delete"),
    path("symptoms/diary/", entries.diary, name="diary"),
    # Patient: entries saved on the phone offline, and the advice kept there (issue 17).
    path("offline/session/", offline.offline_session, name="offline_session"),
    path("offline/entries/", offline.offline_sync, name="offline_sync"),
    path("offline/emergency/", offline.offline_emergency, name="offline_emergency"),
    # Patient: Today, and logging a dose from it.
    path("exercises/today/", today.today, name="today"),
    path("exercises/today/items/<int:item_pk>/log/", today.dose_log, name="dose_log"),
    # Patient: their progress on the outcome measures, in plain words.
    path("progress/", progress.progress, name="progress"),
    # From a reminder email, without logging in.
    path("reminders/log/", quick_log.quick_log, name="quick_log"),
    path("reminders/log/done/", quick_log.quick_log_done, name="quick_log_done"),
    path(
        "reminders/log/done/confirm/",
        quick_log.quick_log_emergency_confirm,
        name="quick_log_emergency_confirm",
    ),
    # Clinic admin: replay a clinical-safety case against the rule set.
    path("alerts/replay/", replay.replay, name="replay"),
    # Clinician: add a patient with their intake.
    path("accounts/patients/add/", patients.patient_add, name="patient_add"),
]
