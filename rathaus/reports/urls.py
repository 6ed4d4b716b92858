"""Mängelmelder: citizens under /maengelmelder/, staff under /verwaltung/maengel/."""

from django.urls import URLPattern, URLResolver, path

from . import staff_views, views

app_name = "reports"

citizen_patterns: list[URLPattern | URLResolver] = [
    path("maengelmelder/", views.start, name="start"),
    path("maengelmelder/melden/", views.new, name="new"),
    path("maengelmelder/melden/angaben/", views.new_questions, name="new_questions"),
    path("maengelmelder/melden/ort/", views.new_location, name="new_location"),
    path("maengelmelder/melden/aehnliche-meldungen/", views.new_duplicates, name="new_duplicates"),
    path("maengelmelder/melden/beschreibung/", views.new_description, name="new_description"),
    path("maengelmelder/melden/kontakt/", views.new_contact, name="new_contact"),
    path("maengelmelder/melden/pruefen/", views.new_check, name="new_check"),
    path("maengelmelder/melden/gesendet/", views.new_done, name="new_done"),
    path("maengelmelder/meldungen/", views.report_list, name="list"),
    path("maengelmelder/meldungen.geojson", views.report_geojson, name="geojson"),
    path("maengelmelder/meldungen/<uuid:report_id>/", views.report_detail, name="report"),
    path("maengelmelder/meldungen/<uuid:report_id>/fotos/<int:photo_id>/", views.photo, name="photo"),
    path(
        "maengelmelder/meldungen/<uuid:report_id>/fotos/<int:photo_id>/vorschau/",
        views.photo_thumbnail,
        name="photo_thumbnail",
    ),
    path("maengelmelder/meldungen/<uuid:report_id>/verfolgen/", views.subscribe, name="subscribe"),
    path("maengelmelder/meldungen/<uuid:report_id>/nicht-behoben/<str:token>/", views.reopen, name="reopen"),
    path("maengelmelder/bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("maengelmelder/benachrichtigung/<str:token>/", views.subscription_confirm, name="subscription_confirm"),
    path("maengelmelder/abbestellen/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

staff_patterns: list[URLPattern | URLResolver] = [
    path("verwaltung/maengel/", staff_views.report_list, name="staff_list"),
    path("verwaltung/maengel/kategorien/", staff_views.category_list, name="staff_category_list"),
    path("verwaltung/maengel/kategorien/neu/", staff_views.category_edit, name="staff_category_new"),
    path("verwaltung/maengel/kategorien/<int:category_id>/", staff_views.category_edit, name="staff_category"),
    path("verwaltung/maengel/gebiete/", staff_views.area_list, name="staff_area_list"),
    path("verwaltung/maengel/gebiete/neu/", staff_views.area_edit, name="staff_area_new"),
    path("verwaltung/maengel/gebiete/<int:area_id>/", staff_views.area_edit, name="staff_area"),
    path("verwaltung/maengel/<uuid:report_id>/", staff_views.report_detail, name="staff_report"),
    path("verwaltung/maengel/<uuid:report_id>/stand/", staff_views.report_status, name="staff_status"),
    path("verwaltung/maengel/<uuid:report_id>/notiz/", staff_views.report_note, name="staff_note"),
    path("verwaltung/maengel/<uuid:report_id>/moderation/", staff_views.report_moderate, name="staff_moderate"),
    path(
        "verwaltung/maengel/<uuid:report_id>/fotos/<int:photo_id>/",
        staff_views.photo_visibility,
        name="staff_photo_visibility",
    ),
    path("verwaltung/maengel/<uuid:report_id>/fotos/<int:photo_id>/datei/", staff_views.photo_file, name="staff_photo"),
    path("verwaltung/maengel/<uuid:report_id>/zustaendigkeit/", staff_views.report_route, name="staff_route"),
    path("verwaltung/maengel/<uuid:report_id>/zusammenfuehren/", staff_views.report_merge, name="staff_merge"),
]

urlpatterns: list[URLPattern | URLResolver] = [*citizen_patterns, *staff_patterns]
