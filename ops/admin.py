from django.contrib import admin

from .models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    """Read-only: heartbeats are written by the processes themselves (ops/heartbeats.py)."""

    list_display = ["component", "node", "last_seen", "detail"]
    list_filter = ["component"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
