from django.urls import include, path

from . import views

app_name = "applications"

urlpatterns = [
    path("leistungen/<slug:slug>/antrag/", views.application_start, name="start"),
    path("antraege/fortsetzen/<str:token>/", views.application_resume, name="resume"),
    path("antraege/<uuid:draft_id>/weiter/", views.application_continue, name="resume_own"),
    path("antraege/<uuid:draft_id>/pruefen/", views.application_check, name="check"),
    path("antraege/<uuid:draft_id>/speichern/", views.application_save, name="save"),
    path("antraege/<uuid:draft_id>/verwerfen/", views.application_discard, name="discard"),
    path("antraege/<uuid:draft_id>/<slug:page_key>/", views.application_page, name="page"),
    path("antraege/eingereicht/<uuid:submission_id>/", views.submission_confirmation, name="confirmation"),
    path(
        "antraege/eingereicht/<uuid:submission_id>/empfangsbestaetigung.pdf",
        views.submission_receipt,
        name="receipt",
    ),
    path("mein-konto/antraege/", views.my_applications, name="my_applications"),
    path("verwaltung/antraege/uebergaben/", include("rathaus.applications.handoff_urls")),
    path("verwaltung/formulare/", include("rathaus.applications.editor_urls")),
]
