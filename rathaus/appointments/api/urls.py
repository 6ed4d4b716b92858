from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("appointments/locations/", views.LocationList.as_view(), name="appointment-location-list"),
    path("appointments/services/", views.ServiceList.as_view(), name="appointment-service-list"),
    path("appointments/availability/days/", views.AvailableDays.as_view(), name="appointment-availability-days"),
    path("appointments/availability/times/", views.AvailableTimes.as_view(), name="appointment-availability-times"),
    path("appointments/holds/", views.HoldCreate.as_view(), name="appointment-hold"),
    path("appointments/cancel/", views.Cancel.as_view(), name="appointment-cancel"),
    path("appointments/altcha/", views.Challenge.as_view(), name="appointment-altcha"),
]
