from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("daten/", views.profile, name="profile"),
    path("daten-herunterladen/", views.data_export, name="data_export"),
    path("loeschen/", views.delete, name="delete"),
    path("geloescht/", views.deleted, name="deleted"),
]
