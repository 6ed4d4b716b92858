from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from .models import StaffMembership, User
from .selectors import user_has_mfa

# The platform administration logs in like everyone else (allauth: rate limits, second factor)
# and is open only to operators who have a second factor set up.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
_django_has_permission = admin.site.has_permission


def _operator_with_second_factor(request: HttpRequest) -> bool:
    return _django_has_permission(request) and user_has_mfa(user=request.user)  # type: ignore[arg-type]


admin.site.has_permission = _operator_with_second_factor  # type: ignore[method-assign]
admin.site.site_header = "Rathaus – Plattformbetrieb"
admin.site.site_title = "Rathaus"


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
