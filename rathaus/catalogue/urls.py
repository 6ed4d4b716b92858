from django.urls import include, path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("leistungen/", views.service_index, name="service_index"),
    path("leistungen/suche/", views.service_search, name="service_search"),
    path("leistungen/<slug:slug>/", views.service_detail, name="service_detail"),
    path("lebenslagen/", views.life_situation_list, name="life_situation_list"),
    path("lebenslagen/<slug:slug>/", views.life_situation_detail, name="life_situation_detail"),
    path("verwaltung/leistungen/", include("rathaus.catalogue.staff_urls")),
]
