from django.contrib import admin

from .models import Exercise, ExerciseLog, Plan, PlanItem, PlanVersion


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["name", "body_area", "clinic"]
    list_filter = ["body_area", "clinic"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0
    raw_id_fields = ["exercise"]


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    # Versions are history: change them through the plan builder, which saves a new one.
    list_display = ["plan", "number", "start_date", "end_date", "created_at"]
    inlines = [PlanItemInline]
    readonly_fields = ["plan", "number", "created_by", "created_at"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["patient", "created_at"]
    raw_id_fields = ["patient"]


@admin.register(ExerciseLog)
class ExerciseLogAdmin(admin.ModelAdmin):
    list_display = ["patient", "exercise", "day", "pain_during", "difficulty"]
    list_filter = ["difficulty"]
    raw_id_fields = ["patient", "exercise", "plan_item"]
    date_hierarchy = "day"
