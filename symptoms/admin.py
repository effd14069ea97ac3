"""Django admin for clinical records: read-only.

Sessions and intakes are changed on the clinician pages (through the services, which link
entries and screen them); entries are the patient's record and alert evidence, so nobody edits
or deletes them here.
"""

from django.contrib import admin

from .models import DailySummary, Intake, PTSession, SymptomEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Intake)
class IntakeAdmin(ReadOnlyAdmin):
    list_display = ("patient", "baseline_pain", "cancer_history", "diabetes", "updated_at")
    list_select_related = ("patient__user",)
    search_fields = ("patient__user__full_name", "patient__user__email")


@admin.register(PTSession)
class PTSessionAdmin(ReadOnlyAdmin):
    list_display = ("patient", "date", "kind", "created_by")
    list_filter = ("kind", "patient__clinic")
    list_select_related = ("patient__user", "created_by")
    search_fields = ("patient__user__full_name", "patient__user__email")
    date_hierarchy = "date"


@admin.register(SymptomEntry)
class SymptomEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "patient",
        "recorded_at",
        "day",
        "context",
        "pain_now",
        "pain_worst",
        "is_flare",
    )
    list_filter = ("context", "is_flare", "patient__clinic")
    list_select_related = ("patient__user",)
    search_fields = ("patient__user__full_name", "patient__user__email")
    date_hierarchy = "day"


@admin.register(DailySummary)
class DailySummaryAdmin(ReadOnlyAdmin):
    list_display = ("patient", "day", "daily_pain", "flare_yes", "entry_count")
    list_select_related = ("patient__user",)
    search_fields = ("patient__user__full_name",)
