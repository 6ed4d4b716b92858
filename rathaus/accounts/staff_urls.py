from django.urls import path

from . import staff_views

app_name = "staff_members"

urlpatterns = [
    path("", staff_views.staff_list, name="list"),
    path("neu/", staff_views.staff_invite, name="invite"),
    path("<int:membership_id>/", staff_views.staff_edit, name="edit"),
]
