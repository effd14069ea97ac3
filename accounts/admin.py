"""Django admin for accounts: for operators; the clinic's daily work has its own pages."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import Clinic, Invitation, Patient, User


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "role", "clinic")
        field_classes = {"email": forms.EmailField}

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("Someone already has an account with this email address.")
            )
        return email


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"email": forms.EmailField}


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ("name", "time_zone", "emergency_number", "retention_years", "created_at")
    search_fields = ("name",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ("email",)
    list_display = ("email", "full_name", "role", "clinic", "is_active", "is_staff", "last_login")
    list_filter = ("role", "clinic", "is_active", "is_staff")
    list_select_related = ("clinic",)
    search_fields = ("email", "full_name")
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "role", "clinic", "preferred_language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "role",
                    "clinic",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ("user", "clinic", "time_zone", "created_at", "closed_at")
    list_filter = ("clinic",)
    list_select_related = ("user", "clinic")
    search_fields = ("user__full_name", "user__email")
    autocomplete_fields = ("user",)
    filter_horizontal = ("therapists",)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "therapists":
            kwargs["queryset"] = User.objects.filter(role=User.Role.THERAPIST).order_by("full_name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: links are issued from the app, which emails the token it never stores."""

    list_display = ("user", "created_by", "created_at", "expires_at", "used_at")
    list_select_related = ("user", "created_by")
    search_fields = ("user__email", "user__full_name")
    exclude = ("token_hash",)
    readonly_fields = ("user", "created_by", "created_at", "expires_at", "used_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
