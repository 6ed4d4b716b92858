from django.contrib import admin

from .models import HostName, Municipality, OpeningHours, OrganisationalUnit


class HostNameInline(admin.TabularInline):
    model = HostName
    extra = 1


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "ags", "ars", "is_active"]
    search_fields = ["name", "ags", "ars"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [HostNameInline]


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(OrganisationalUnit)
class OrganisationalUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "kind"]
    list_filter = ["municipality", "kind"]
    search_fields = ["name"]
    inlines = [OpeningHoursInline]
