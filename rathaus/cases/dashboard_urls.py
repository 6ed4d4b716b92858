from django.urls import URLPattern, URLResolver, path

from . import dashboard_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", dashboard_views.dashboard, name="dashboard"),
    path("csv/", dashboard_views.dashboard_csv, name="dashboard_csv"),
]
