from django.urls import URLPattern, URLResolver, path

from . import staff_views, views

app_name = "roadmap"

urlpatterns: list[URLPattern | URLResolver] = [
    path("rathaus-in-zahlen/", views.public_figures, name="public_figures"),
    path("rathaus-in-zahlen/csv/", views.public_figures_csv, name="public_figures_csv"),
    path("roadmap/", views.public_roadmap, name="public_roadmap"),
    path("verwaltung/kennzahlen/", staff_views.figures_dashboard, name="figures"),
    path("verwaltung/kennzahlen/csv/", staff_views.figures_csv, name="figures_csv"),
    path("verwaltung/roadmap/", staff_views.overview, name="overview"),
    path("verwaltung/roadmap/rangfolge.csv", staff_views.ranking_csv, name="ranking_csv"),
    path("verwaltung/roadmap/gewichte/", staff_views.weights_save, name="weights_save"),
    path("verwaltung/roadmap/einstellungen/", staff_views.settings_view, name="settings"),
    path("verwaltung/roadmap/fallzahlen/", staff_views.volumes, name="volumes"),
    path("verwaltung/roadmap/fallzahlen/<int:service_id>/", staff_views.volume_save, name="volume_save"),
    path("verwaltung/roadmap/vorschlaege/<int:service_id>/", staff_views.suggestion_create, name="suggestion_create"),
    path("verwaltung/roadmap/projekte/neu/", staff_views.project_create, name="project_create"),
    path("verwaltung/roadmap/projekte/<int:project_id>/", staff_views.project_edit, name="project_edit"),
    path("verwaltung/roadmap/projekte/<int:project_id>/loeschen/", staff_views.project_delete, name="project_delete"),
    path("verwaltung/roadmap/projekte/<int:project_id>/meilensteine/", staff_views.milestone_add, name="milestone_add"),
    path(
        "verwaltung/roadmap/projekte/<int:project_id>/meilensteine/<int:milestone_id>/loeschen/",
        staff_views.milestone_delete,
        name="milestone_delete",
    ),
    path("verwaltung/roadmap/projekte/<int:project_id>/phasen/", staff_views.phase_add, name="phase_add"),
    path(
        "verwaltung/roadmap/projekte/<int:project_id>/phasen/<int:phase_id>/loeschen/",
        staff_views.phase_delete,
        name="phase_delete",
    ),
    path("verwaltung/roadmap/zeitplan/", staff_views.timeline, name="timeline"),
    path("verwaltung/roadmap/zeitplan.csv", staff_views.timeline_csv, name="timeline_csv"),
    path("verwaltung/roadmap/zeitplan.ics", staff_views.timeline_ical, name="timeline_ical"),
]
