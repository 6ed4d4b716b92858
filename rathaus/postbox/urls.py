from django.urls import URLPattern, URLResolver, path

from . import staff_views, views

app_name = "postbox"

urlpatterns: list[URLPattern | URLResolver] = [
    path("mein-konto/postfach/", views.inbox, name="inbox"),
    path("mein-konto/postfach/anhang/<uuid:attachment_id>/", views.attachment_download, name="attachment"),
    path("mein-konto/postfach/<uuid:message_id>/", views.message_detail, name="message"),
    path("verwaltung/vorgaenge/<uuid:case_id>/nachricht/", staff_views.staff_message, name="staff_message"),
    path("verwaltung/vorgaenge/<uuid:case_id>/rueckfrage/", staff_views.staff_request, name="staff_request"),
    path(
        "verwaltung/vorgaenge/<uuid:case_id>/anhang/<uuid:attachment_id>/",
        staff_views.staff_attachment,
        name="staff_attachment",
    ),
]
