"""Back-office pages of online applications: the form editor under /verwaltung/formulare/."""

from django.urls import URLPattern, path

from . import editor_page_views, editor_views

FORM = "<int:form_id>/"
PAGE = FORM + "seiten/<slug:page_key>/"
FIELD = PAGE + "felder/<slug:field_key>/"

urlpatterns: list[URLPattern] = [
    path("", editor_views.form_list, name="staff_form_list"),
    path(FORM, editor_views.form_edit, name="staff_form_edit"),
    path(FORM + "entwurf/", editor_views.form_draft_create, name="staff_form_draft_create"),
    path(FORM + "einstellungen/", editor_views.form_settings, name="staff_form_settings"),
    path(FORM + "vorschau/", editor_views.form_preview, name="staff_form_preview"),
    path(FORM + "vorschau/<slug:page_key>/", editor_views.form_preview, name="staff_form_preview"),
    path(FORM + "veroeffentlichen/", editor_views.form_publish, name="staff_form_publish"),
    path(FORM + "export.json", editor_views.form_export, name="staff_form_export"),
    path(FORM + "import/", editor_views.form_import, name="staff_form_import"),
    path(FORM + "seiten/neu/", editor_page_views.page_add, name="staff_page_add"),
    path(PAGE, editor_page_views.page_edit, name="staff_page_edit"),
    path(PAGE + "verschieben/", editor_page_views.page_move, name="staff_page_move"),
    path(PAGE + "entfernen/", editor_page_views.page_remove, name="staff_page_remove"),
    path(PAGE + "felder/neu/", editor_page_views.field_add, name="staff_field_add"),
    path(FIELD, editor_page_views.field_edit, name="staff_field_edit"),
    path(FIELD + "verschieben/", editor_page_views.field_move, name="staff_field_move"),
    path(FIELD + "entfernen/", editor_page_views.field_remove, name="staff_field_remove"),
]
