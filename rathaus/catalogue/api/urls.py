from django.urls import path

from . import views

urlpatterns = [
    path("services/", views.ServiceList.as_view(), name="service-list"),
    path("services/<slug:slug>/", views.ServiceDetail.as_view(), name="service-detail"),
    path("life-situations/", views.LifeSituationList.as_view(), name="life-situation-list"),
    path("search/", views.ServiceSearch.as_view(), name="service-search"),
]
