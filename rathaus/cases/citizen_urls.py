from django.urls import URLPattern, URLResolver, path

from . import citizen_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("<uuid:case_id>/", citizen_views.citizen_case, name="citizen_case"),
    path("<uuid:case_id>/zurueckziehen/", citizen_views.citizen_withdraw, name="citizen_withdraw"),
]
