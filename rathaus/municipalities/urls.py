from django.urls import path

from . import staff_views, views

app_name = "municipalities"

urlpatterns = [
    path("aemter/", views.unit_list, name="unit_list"),
    path("aemter/<slug:slug>/", views.unit_detail, name="unit_detail"),
    path("verwaltung/aemter/", staff_views.unit_list, name="staff_unit_list"),
    path("verwaltung/aemter/<slug:slug>/", staff_views.unit_edit, name="staff_unit_edit"),
    path("verwaltung/einstellungen/", staff_views.municipality_settings, name="staff_settings"),
]
