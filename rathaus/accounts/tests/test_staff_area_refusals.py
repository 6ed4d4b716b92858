"""Every view of the staff area refuses the wrong people. A new staff URL without an entry here fails."""

import importlib

import pytest
from django.urls import get_resolver, reverse

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for

NO_ID = "00000000-0000-0000-0000-000000000000"

# url name -> (args, minimum role that may use it)
STAFF_VIEWS = {
    "portal:staff_dashboard": ((), "clerk"),
    "portal:staff_feedback_list": ((), "clerk"),
    "portal:staff_feedback_detail": ((1,), "clerk"),
    "municipalities:staff_unit_list": ((), "clerk"),
    "municipalities:staff_unit_edit": (("buergeramt",), "office_lead"),
    "municipalities:staff_settings": ((), "municipality_admin"),
    "staff_members:list": ((), "municipality_admin"),
    "staff_members:invite": ((), "municipality_admin"),
    "staff_members:edit": ((1,), "municipality_admin"),
    # Refusal comes before any lookup, so these objects need not exist.
    "catalogue:staff_service_list": ((), "municipality_admin"),
    "catalogue:staff_service_create": ((), "municipality_admin"),
    "catalogue:staff_service_edit": (("wohnsitz-anmelden",), "municipality_admin"),
    "catalogue:staff_service_reset": (("wohnsitz-anmelden",), "municipality_admin"),
    "catalogue:staff_online_service_list": ((), "municipality_admin"),
    "catalogue:staff_online_service_toggle": ((1,), "municipality_admin"),
    "catalogue:staff_import_list": ((), "municipality_admin"),
    "catalogue:staff_import_detail": ((1,), "municipality_admin"),
    "applications:staff_handoff_list": ((), "clerk"),
    "applications:staff_handoff_resend": (("00000000-0000-0000-0000-000000000000",), "office_lead"),
    "applications:staff_form_list": ((), "municipality_admin"),
    "applications:staff_form_edit": ((1,), "municipality_admin"),
    "applications:staff_form_draft_create": ((1,), "municipality_admin"),
    "applications:staff_form_settings": ((1,), "municipality_admin"),
    "applications:staff_form_preview": ((1,), "municipality_admin"),
    "applications:staff_form_publish": ((1,), "municipality_admin"),
    "applications:staff_form_export": ((1,), "municipality_admin"),
    "applications:staff_form_import": ((1,), "municipality_admin"),
    "applications:staff_page_add": ((1,), "municipality_admin"),
    "applications:staff_page_edit": ((1, "seite"), "municipality_admin"),
    "applications:staff_page_move": ((1, "seite"), "municipality_admin"),
    "applications:staff_page_remove": ((1, "seite"), "municipality_admin"),
    "applications:staff_field_add": ((1, "seite"), "municipality_admin"),
    "applications:staff_field_edit": ((1, "seite", "feld"), "municipality_admin"),
    "applications:staff_field_move": ((1, "seite", "feld"), "municipality_admin"),
    "applications:staff_field_remove": ((1, "seite", "feld"), "municipality_admin"),
    "cases:inbox": ((), "clerk"),
    "cases:bulk_assign": ((), "clerk"),
    "cases:case_open": ((), "clerk"),
    "cases:assisted_start": ((), "clerk"),
    "cases:case": ((NO_ID,), "clerk"),
    "cases:case_note": ((NO_ID,), "clerk"),
    "cases:case_assign": ((NO_ID,), "clerk"),
    "cases:case_transition": ((NO_ID,), "clerk"),
    "cases:case_file": ((NO_ID, NO_ID), "clerk"),
    "cases:case_receipt": ((NO_ID,), "clerk"),
    "postbox:staff_message": ((NO_ID,), "clerk"),
    "postbox:staff_request": ((NO_ID,), "clerk"),
    "postbox:staff_attachment": ((NO_ID, NO_ID), "clerk"),
    "cases:decision_approvals": ((), "clerk"),
    "cases:decision_edit": ((NO_ID,), "clerk"),
    "cases:decision_preview": ((NO_ID,), "clerk"),
    "cases:decision_submit": ((NO_ID,), "clerk"),
    "cases:decision_approve": ((NO_ID,), "clerk"),
    "cases:decision_return": ((NO_ID,), "clerk"),
    "cases:decision_send": ((NO_ID,), "clerk"),
    "cases:case_type_list": ((), "municipality_admin"),
    "cases:case_type_edit": ((1,), "municipality_admin"),
    "cases:dashboard": ((), "office_lead"),
    "cases:dashboard_csv": ((), "office_lead"),
}

# Newer apps keep their table beside their own tests, in tests/refusals.py (same shape as above).
for _module_name in ("appointments", "visits", "reports", "reports.tests.refusals_open311", "roadmap"):
    if "." not in _module_name:
        _module_name = f"{_module_name}.tests.refusals"
    try:
        _module = importlib.import_module(f"rathaus.{_module_name}")
    except ModuleNotFoundError:
        continue
    STAFF_VIEWS.update(_module.STAFF_VIEWS)


def _staff_url_names() -> set[str]:
    names = set()
    for namespace, (prefix, resolver) in get_resolver().namespace_dict.items():
        for name, (possibilities, *_rest) in resolver.reverse_dict.items():
            if isinstance(name, str) and (prefix + possibilities[0][0]).startswith("verwaltung/"):
                names.add(f"{namespace}:{name}")
    return names


def test_every_staff_url_has_a_refusal_test():
    staff_urls = _staff_url_names()

    assert "portal:staff_dashboard" in staff_urls, "the URL walk itself is broken"
    assert staff_urls == set(STAFF_VIEWS), f"staff views without refusal test: {staff_urls - set(STAFF_VIEWS)}"


@pytest.mark.parametrize("url_name", STAFF_VIEWS)
def test_anonymous_visitor_is_sent_to_login(url_name, esslingen):
    args, _role = STAFF_VIEWS[url_name]
    response = client_for(ESSLINGEN_HOST).get(reverse(url_name, args=args))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url_name", STAFF_VIEWS)
def test_citizen_is_refused(url_name, citizen, citizens_office):
    args, _role = STAFF_VIEWS[url_name]
    response = client_for(ESSLINGEN_HOST, citizen).get(reverse(url_name, args=args))

    assert response.status_code == 403
    assert "Verwaltung vorbehalten" in response.content.decode()


@pytest.mark.parametrize("url_name", STAFF_VIEWS)
def test_staff_of_another_municipality_is_refused(url_name, musterhausen_admin, esslingen, citizens_office):
    args, _role = STAFF_VIEWS[url_name]
    response = client_for(ESSLINGEN_HOST, musterhausen_admin).get(reverse(url_name, args=args))

    assert response.status_code == 403


@pytest.mark.parametrize("url_name", STAFF_VIEWS)
def test_staff_without_mfa_is_sent_to_set_up_totp(url_name, staff_without_mfa):
    args, _role = STAFF_VIEWS[url_name]
    response = client_for(ESSLINGEN_HOST, staff_without_mfa).get(reverse(url_name, args=args))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("url_name", [name for name, (_args, role) in STAFF_VIEWS.items() if role != "clerk"])
def test_clerk_is_refused_where_a_higher_role_is_needed(url_name, clerk):
    args, _role = STAFF_VIEWS[url_name]
    response = client_for(ESSLINGEN_HOST, clerk).get(reverse(url_name, args=args))

    assert response.status_code == 403
    assert "nötige Rolle" in response.content.decode()


def test_office_lead_may_not_edit_another_office(office_lead, civil_works_office):
    response = client_for(ESSLINGEN_HOST, office_lead).get(
        reverse("municipalities:staff_unit_edit", args=[civil_works_office.slug])
    )

    assert response.status_code == 403


def test_staff_area_refuses_people_on_the_other_municipalitys_host(clerk, musterhausen):
    response = client_for(MUSTERHAUSEN_HOST, clerk).get(reverse("portal:staff_dashboard"))

    assert response.status_code == 403


def test_staff_with_a_security_key_instead_of_an_app_code_may_enter(staff_without_mfa):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=staff_without_mfa, type=Authenticator.Type.WEBAUTHN, data={"name": "Schlüssel"})

    response = client_for(ESSLINGEN_HOST, staff_without_mfa).get(reverse("portal:staff_dashboard"))

    assert response.status_code == 200
