"""Every address of the cases app, staff and citizen side, in one namespace."""

from django.urls import include, path

from . import casetype_urls, citizen_urls, dashboard_urls, decision_urls, staff_urls

app_name = "cases"

urlpatterns = [
    path("verwaltung/vorgaenge/", include(staff_urls.urlpatterns)),
    path("verwaltung/vorgaenge/", include(decision_urls.urlpatterns)),
    path("verwaltung/vorgangsarten/", include(casetype_urls.urlpatterns)),
    path("verwaltung/auswertung/", include(dashboard_urls.urlpatterns)),
    path("mein-konto/antraege/", include(citizen_urls.urlpatterns)),
]
