"""Staff pages of cases under /verwaltung/vorgaenge/: inbox, case page, manual and assisted cases."""

from django.urls import URLPattern, URLResolver, path

from . import staff_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff_views.inbox_view, name="inbox"),
    path("zuweisen/", staff_views.bulk_assign, name="bulk_assign"),
    path("neu/", staff_views.case_open, name="case_open"),
    path("schalter/", staff_views.assisted_start, name="assisted_start"),
    path("<uuid:case_id>/", staff_views.case_detail, name="case"),
    path("<uuid:case_id>/notiz/", staff_views.case_note, name="case_note"),
    path("<uuid:case_id>/zuweisung/", staff_views.case_assign, name="case_assign"),
    path("<uuid:case_id>/schritt/", staff_views.case_transition, name="case_transition"),
    path("<uuid:case_id>/dateien/<uuid:upload_id>/", staff_views.case_file, name="case_file"),
    path("<uuid:case_id>/eingangsbestaetigung/", staff_views.case_receipt, name="case_receipt"),
]
