"""Every address of the appointments app in one namespace: citizens under /termine/, staff configuration under
/verwaltung/termine/."""

from django.urls import include, path

from . import citizen_urls, staff_urls

app_name = "appointments"

urlpatterns = [
    path("termine/", include(citizen_urls.urlpatterns)),
    path("verwaltung/termine/", include(staff_urls.urlpatterns)),
]
