from django.urls import path

from . import staff_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("impressum/", views.imprint, name="imprint"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("barrierefreiheit/danke/", views.accessibility_thanks, name="accessibility_thanks"),
    path("suche/", views.search, name="search"),
    path("sprache/<str:language>/", views.switch_language, name="switch_language"),
    path("theme.css", views.theme_css, name="theme"),
    path("verwaltung/", staff_views.dashboard, name="staff_dashboard"),
    path("verwaltung/barrierefreiheit/", staff_views.feedback_list, name="staff_feedback_list"),
    path("verwaltung/barrierefreiheit/<int:feedback_id>/", staff_views.feedback_detail, name="staff_feedback_detail"),
]
