"""Django admin for outcome records: read-only (they are the patient's record)."""

from django.contrib import admin

from .models import GROCResponse, PSFSActivity, PSFSAssessment, PSFSRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PSFSActivity)
class PSFSActivityAdmin(ReadOnlyAdmin):
    list_display = ("patient", "position", "name")
    list_select_related = ("patient__user",)


@admin.register(PSFSAssessment)
class PSFSAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("patient", "day", "kind")
    list_select_related = ("patient__user",)


@admin.register(PSFSRequest)
class PSFSRequestAdmin(ReadOnlyAdmin):
    list_display = ("patient", "kind", "requested_at", "answered_by")
    list_select_related = ("patient__user",)


@admin.register(GROCResponse)
class GROCResponseAdmin(ReadOnlyAdmin):
    list_display = ("patient", "day", "score")
    list_select_related = ("patient__user",)
