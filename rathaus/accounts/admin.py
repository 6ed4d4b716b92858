from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import StaffMembership, User


class StaffMembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    filter_horizontal = ["units"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "given_name", "family_name", "is_platform_operator", "is_active"]
    search_fields = ["email", "given_name", "family_name"]
    inlines = [StaffMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            "Profil",
            {"fields": ("given_name", "family_name", "date_of_birth", "street", "postal_code", "city", "phone")},
        ),
        ("Rechte", {"fields": ("is_active", "is_staff", "is_platform_operator", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
