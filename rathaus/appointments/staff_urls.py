"""Staff pages under /verwaltung/termine/: locations, counters, opening hours, closures, services, phone booking."""

from django.urls import URLPattern, URLResolver, path

from . import staff_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("standorte/", staff_views.location_list, name="staff_location_list"),
    path("standorte/neu/", staff_views.location_create, name="staff_location_create"),
    path("standorte/<int:location_id>/", staff_views.location_edit, name="staff_location_edit"),
    path("standorte/<int:location_id>/oeffnungszeiten/", staff_views.opening_hours, name="staff_opening_hours"),
    path("standorte/<int:location_id>/schliesstage/", staff_views.closures, name="staff_closures"),
    path(
        "standorte/<int:location_id>/schliesstage/<int:closure_id>/loeschen/",
        staff_views.closure_delete,
        name="staff_closure_delete",
    ),
    path("standorte/<int:location_id>/schalter/", staff_views.counters, name="staff_counters"),
    path("standorte/<int:location_id>/schalter/<int:counter_id>/", staff_views.counter_edit, name="staff_counter_edit"),
    path("leistungen/", staff_views.service_list, name="staff_service_list"),
    path("leistungen/neu/", staff_views.service_create, name="staff_service_create"),
    path("leistungen/<int:service_id>/", staff_views.service_edit, name="staff_service_edit"),
    path("regeln/", staff_views.policy_edit, name="staff_policy"),
    path("losverfahren/", staff_views.lottery_list, name="staff_lottery_list"),
    path("telefon/", staff_views.phone_booking, name="staff_phone_booking"),
    path("tagesliste/", staff_views.day_list, name="staff_day_list"),
    path("termin/<uuid:appointment_id>/stornieren/", staff_views.appointment_cancel, name="staff_appointment_cancel"),
]
