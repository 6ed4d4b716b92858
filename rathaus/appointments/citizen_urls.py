"""Citizen pages under /termine/: booking, confirmation, cancel and move by link, waitlist, fair release."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.start, name="start"),
    path("standort/", views.locations, name="locations"),
    path("erster-freier-termin/", views.first_free, name="first_free"),
    path("standort/<slug:slug>/", views.month, name="month"),
    path("standort/<slug:slug>/kontakt/", views.contact, name="contact"),
    path("standort/<slug:slug>/<str:day>/", views.day, name="day"),
    path("reserviert/<uuid:appointment_uuid>/", views.held, name="held"),
    path("bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("verwalten/<str:token>/", views.manage, name="manage"),
    path("verwalten/<str:token>/termin.ics", views.ics, name="ics"),
    path("verwalten/<str:token>/absagen/", views.cancel, name="cancel"),
    path("verwalten/<str:token>/verschieben/", views.move_month, name="move"),
    path("verwalten/<str:token>/verschieben/<str:day>/", views.move_day, name="move_day"),
    path("warteliste/", views.waitlist, name="waitlist"),
    path("losverfahren/<uuid:window_uuid>/", views.lottery, name="lottery"),
    path("meine/", views.mine, name="mine"),
    path("altcha/", views.altcha_challenge, name="altcha"),
]
