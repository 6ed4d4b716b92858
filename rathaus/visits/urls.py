"""Counter side (staff) and the public call display of a waiting room."""

from django.urls import URLPattern, URLResolver, include, path

from . import views

app_name = "visits"

staff_patterns: list[URLPattern | URLResolver] = [
    path("", views.counter_choose, name="choose"),
    path("standorte/<int:location_id>/", views.day_view, name="day"),
    path("standorte/<int:location_id>/wartenummer/", views.walk_in, name="walk_in"),
    path("termine/<int:appointment_id>/anmelden/", views.check_in, name="check_in"),
    path("termine/<int:appointment_id>/nicht-erschienen/", views.no_show, name="no_show"),
    path("schalter/<int:counter_id>/aufrufen/", views.call_next, name="call_next"),
    path("besuche/<int:visit_id>/wartenummer/", views.ticket, name="ticket"),
    path("besuche/<int:visit_id>/erneut-aufrufen/", views.recall, name="recall"),
    path("besuche/<int:visit_id>/bedienen/", views.start, name="start"),
    path("besuche/<int:visit_id>/erledigt/", views.finish, name="finish"),
    path("besuche/<int:visit_id>/gegangen/", views.left, name="left"),
    path("auswertung/", views.statistics, name="statistics"),
    path("auswertung/csv/", views.statistics_csv, name="statistics_csv"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("verwaltung/schalter/", include(staff_patterns)),
    path("aufruf/<slug:location_slug>/", views.display, name="display"),
    path("aufruf/<slug:location_slug>/inhalt/", views.display_fragment, name="display_fragment"),
]
