"""Django admin: reminder preferences and what was sent, read-only (the patient changes their
preferences on their reminders page; dispatch rows are the exactly-once record)."""

from django.contrib import admin

from .models import PushDelivery, PushSubscription, ReminderDispatch, ReminderPreference


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(ReadOnlyAdmin):
    list_display = (
        "patient",
        "after_session_enabled",
        "next_morning_enabled",
        "daily_enabled",
        "exercise_enabled",
    )
    list_select_related = ("patient__user",)


@admin.register(ReminderDispatch)
class ReminderDispatchAdmin(ReadOnlyAdmin):
    list_display = ("patient", "kind", "local_date", "state", "due_at", "sent_at")
    list_filter = ("state", "kind")
    list_select_related = ("patient__user",)
    date_hierarchy = "due_at"


@admin.register(PushSubscription)
class PushSubscriptionAdmin(ReadOnlyAdmin):
    # The endpoint and keys are the browser's secrets: not listed.
    list_display = ("patient", "created_at")
    list_select_related = ("patient__user",)


@admin.register(PushDelivery)
class PushDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("dispatch", "state", "attempts", "sent_at", "error")
    list_filter = ("state",)
    list_select_related = ("dispatch__patient__user",)
