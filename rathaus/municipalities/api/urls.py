from django.urls import path

from . import views

urlpatterns = [
    path("municipality/", views.MunicipalityView.as_view(), name="municipality"),
    path("offices/", views.OrganisationalUnitList.as_view(), name="office-list"),
    path("offices/<slug:slug>/", views.OrganisationalUnitDetail.as_view(), name="office-detail"),
]
