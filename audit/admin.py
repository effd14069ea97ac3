"""The audit log in the Django admin: read-only, for operators."""

from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "actor_role", "action", "outcome", "patient_id", "path"]
    list_filter = ["action", "outcome", "actor_role"]
    search_fields = ["actor__email", "path", "detail"]
    date_hierarchy = "at"
    list_select_related = ["actor"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
