"""Staff pages of decision letters under /verwaltung/vorgaenge/."""

from django.urls import URLPattern, URLResolver, path

from . import decision_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("freigaben/", decision_views.decision_approvals, name="decision_approvals"),
    path("<uuid:case_id>/bescheid/", decision_views.decision_edit, name="decision_edit"),
    path("<uuid:case_id>/bescheid/vorschau/", decision_views.decision_preview, name="decision_preview"),
    path("<uuid:case_id>/bescheid/zur-freigabe/", decision_views.decision_submit, name="decision_submit"),
    path("<uuid:case_id>/bescheid/freigabe/", decision_views.decision_approve, name="decision_approve"),
    path("<uuid:case_id>/bescheid/zurueckgeben/", decision_views.decision_return, name="decision_return"),
    path("<uuid:case_id>/bescheid/versenden/", decision_views.decision_send, name="decision_send"),
]
