"""Services of the Mängelmelder: reporting, confirming, status changes with the case, notes, merging, reopening."""

import re
from datetime import date

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from rathaus.audit.models import AuditEntry
from rathaus.cases.models import Case
from rathaus.reports import selectors, services
from rathaus.reports.models import Report, ReportSubscription, ReportUpdate
from rathaus.reports.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

Status = Report.Status


def report_in(municipality, category, **values):
    values.setdefault("description", "Tiefes Schlagloch vor der Bushaltestelle.")
    values.setdefault("lat", 48.742)
    values.setdefault("lon", 9.308)
    if "reporter" not in values and "reporter_email" not in values:
        # Filed as by a trusted channel (staff, an Open311 client), so it counts without an e-mail link.
        values.setdefault("needs_confirmation", False)
    return services.report_create(municipality=municipality, category=category, **values)


def link_in(message, path_part: str) -> str:
    match = re.search(r"https?://\S*" + re.escape(path_part) + r"\S*", message.body)
    assert match, message.body
    return match.group(0)


def test_a_report_from_a_trusted_channel_counts_at_once_and_opens_a_case_in_the_office_inbox(esslingen, road_damage):
    report = report_in(esslingen, road_damage)

    assert report.confirmed_at is not None
    case = Case.objects.get(report=report)
    assert case.unit == road_damage.office
    assert case.state == Status.REPORTED
    assert case.reference.startswith("ES-")
    assert case.due_date is not None
    assert case.case_type.service.slug == "maengelmeldung"
    assert mail.outbox == []


def test_an_anonymous_report_with_email_waits_for_confirmation(esslingen, road_damage):
    report = report_in(
        esslingen, road_damage, reporter_email="Anna@Example.org", portal_url="http://esslingen.localhost"
    )

    assert report.confirmed_at is None
    assert report.case is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@example.org"]
    assert "/maengelmelder/bestaetigen/" in link_in(mail.outbox[0], "/maengelmelder/bestaetigen/")
    assert ReportSubscription.objects.get(report=report).confirmed_at is None


def test_an_anonymous_report_without_email_is_refused_and_nothing_is_stored(esslingen, road_damage):
    with pytest.raises(services.ReportRefused, match="E-Mail-Adresse"):
        report_in(esslingen, road_damage, needs_confirmation=None)

    assert not Report.objects.exists()
    assert not Case.objects.exists()
    assert mail.outbox == []


def test_an_anonymous_report_neither_opens_a_case_nor_shows_publicly_before_confirmation(esslingen, road_damage):
    report = report_in(esslingen, road_damage, reporter_email="anna@example.org", reporter_name="Anna")

    assert report.confirmed_at is None
    assert not Case.objects.filter(report=report).exists()
    assert not selectors.reports_public(municipality=esslingen).filter(pk=report.pk).exists()
    services.report_confirm(report=report)
    assert selectors.reports_public(municipality=esslingen).filter(pk=report.pk).exists()


def test_a_signed_in_reporter_whose_address_is_not_verified_confirms_by_link(esslingen, road_damage, citizen):
    EmailAddress.objects.filter(user=citizen).update(verified=False)

    report = report_in(esslingen, road_damage, reporter=citizen)

    assert report.confirmed_at is None
    assert report.case is None
    assert mail.outbox[0].subject == "Bitte bestätigen Sie Ihre Meldung"


def test_confirming_opens_the_case_and_confirms_the_reporters_subscription_once(esslingen, road_damage):
    report = report_in(esslingen, road_damage, reporter_email="anna@example.org")

    confirmed = services.report_confirm(report=report)
    again = services.report_confirm(report=report)

    assert confirmed.case is not None
    assert again.case_id == confirmed.case_id
    assert Case.objects.filter(report=report).count() == 1
    assert ReportSubscription.objects.get(report=report).confirmed_at is not None


def test_a_signed_in_reporter_needs_no_confirmation(esslingen, road_damage, citizen):
    report = report_in(esslingen, road_damage, reporter=citizen)

    assert report.confirmed_at is not None
    assert report.reporter_email == citizen.email
    assert mail.outbox[0].subject == "Ihre Meldung ist eingegangen"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"description": "  "}, "beschreiben"),
        ({"lat": None, "lon": None}, "wo der Mangel ist"),
        ({"lat": 48.7, "lon": None}, "zusammen"),
        ({"lat": 123.0, "lon": 9.3}, "ungültig"),
        ({"answers": {"groesse": "riesig"}}, "angebotenen Werten"),
    ],
)
def test_incomplete_reports_are_refused_and_nothing_is_stored(esslingen, road_damage, values, message):
    with pytest.raises(services.ReportRefused, match=message):
        report_in(esslingen, road_damage, **values)
    assert not Report.objects.exists()
    assert not Case.objects.exists()


def test_an_address_alone_is_enough(esslingen, road_damage):
    report = report_in(esslingen, road_damage, lat=None, lon=None, address="Marktplatz 1")
    assert report.office == road_damage.office


def test_a_category_of_another_municipality_is_refused(esslingen, musterhausen, musterhausen_office):
    foreign = CategoryFactory(municipality=musterhausen, office=musterhausen_office)
    with pytest.raises(services.ReportRefused):
        report_in(esslingen, foreign)


def test_status_changes_move_the_case_and_tell_confirmed_subscribers(esslingen, road_damage, tiefbau_clerk):
    report = report_in(esslingen, road_damage, reporter_email="anna@example.org")
    services.report_confirm(report=report)
    ReportSubscription.objects.create(report=report, email="unbestaetigt@example.org")
    mail.outbox.clear()

    services.report_status_change(
        report=report, status=Status.PLANNED, actor=tiefbau_clerk, planned_for=date(2026, 6, 1), public_text="Kommt."
    )

    report.refresh_from_db()
    assert report.status == Status.PLANNED
    assert report.planned_for == date(2026, 6, 1)
    assert report.case.state == Status.PLANNED
    assert [message.to for message in mail.outbox] == [["anna@example.org"]]
    assert "Kommt." in mail.outbox[0].body
    assert "geplant" in mail.outbox[0].body


def test_closing_sends_a_reopen_link_and_closes_the_case(esslingen, road_damage, tiefbau_clerk):
    report = report_in(esslingen, road_damage, reporter_email="anna@example.org")
    services.report_confirm(report=report)
    mail.outbox.clear()

    services.report_status_change(report=report, status=Status.DONE, actor=tiefbau_clerk)

    report.refresh_from_db()
    assert report.closed_at is not None
    assert report.case.closed_at is not None
    assert "/nicht-behoben/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Status.PLANNED, "wann"),
        (Status.DONE_WITHOUT_ACTION, "begründen"),
        (Status.FORWARDED, "an wen"),
        ("erfunden", "gibt es nicht"),
    ],
)
def test_status_changes_without_their_extra_data_are_refused(esslingen, road_damage, tiefbau_clerk, status, message):
    report = report_in(esslingen, road_damage)
    with pytest.raises(services.ReportRefused, match=message):
        services.report_status_change(report=report, status=status, actor=tiefbau_clerk)
    report.refresh_from_db()
    assert report.status == Status.REPORTED


def test_forwarding_and_closing_without_action_keep_their_details(esslingen, road_damage, tiefbau_clerk):
    report = report_in(esslingen, road_damage)
    services.report_status_change(
        report=report, status=Status.FORWARDED, actor=tiefbau_clerk, forwarded_to="Deutsche Bahn"
    )
    report.refresh_from_db()
    assert report.forwarded_to == "Deutsche Bahn"
    services.report_status_change(
        report=report, status=Status.DONE_WITHOUT_ACTION, actor=tiefbau_clerk, reason="Privatgrund."
    )
    report.refresh_from_db()
    assert (report.forwarded_to, report.closing_reason) == ("", "Privatgrund.")
    assert report.case.state == Status.DONE_WITHOUT_ACTION


def test_reopening_puts_the_case_back_in_the_inbox_marked_for_attention(esslingen, road_damage, tiefbau_clerk):
    report = report_in(esslingen, road_damage)
    services.report_status_change(report=report, status=Status.DONE, actor=tiefbau_clerk)

    services.report_reopen(report=report, text="Das Loch ist immer noch da, Herr Meier ist gestürzt.")

    report.refresh_from_db()
    case = Case.objects.get(pk=report.case_id)
    assert report.status == Status.REOPENED
    assert report.closed_at is None
    assert case.state == Status.REOPENED
    assert case.needs_attention
    assert case.closed_at is None
    # The citizen's words stay internal; the public only learns that it was reopened.
    assert (
        ReportUpdate.objects.filter(report=report, kind="wieder_eroeffnet", public=False).get().text.startswith("Das")
    )
    assert ReportUpdate.objects.filter(report=report, kind="wieder_eroeffnet", public=True).get().text == ""


def test_an_open_report_cannot_be_reopened(esslingen, road_damage):
    report = report_in(esslingen, road_damage)
    with pytest.raises(services.ReportRefused, match="noch in Bearbeitung"):
        services.report_reopen(report=report)


def test_staff_can_reopen_a_closed_report_by_status(esslingen, road_damage, tiefbau_clerk):
    report = report_in(esslingen, road_damage)
    services.report_status_change(report=report, status=Status.DONE, actor=tiefbau_clerk)
    services.report_status_change(report=report, status=Status.IN_PROGRESS, actor=tiefbau_clerk)
    report.refresh_from_db()
    assert report.closed_at is None
    assert Case.objects.get(pk=report.case_id).closed_at is None


def test_merging_keeps_the_subscribers_of_both_and_closes_the_duplicate(esslingen, road_damage, tiefbau_clerk):
    master = report_in(esslingen, road_damage, reporter_email="anna@example.org")
    services.report_confirm(report=master)
    duplicate = report_in(esslingen, road_damage, reporter_email="ben@example.org")
    services.report_confirm(report=duplicate)
    ReportSubscription.objects.create(report=duplicate, email="anna@example.org")

    services.report_merge(duplicate=duplicate, master=master, actor=tiefbau_clerk)

    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == master
    assert duplicate.status == Status.DONE_WITHOUT_ACTION
    assert Case.objects.get(pk=duplicate.case_id).state == Status.DONE_WITHOUT_ACTION
    assert sorted(master.subscriptions.values_list("email", flat=True)) == ["anna@example.org", "ben@example.org"]
    assert master.subscriptions.get(email="ben@example.org").confirmed_at is not None


def test_merging_into_itself_or_into_a_merged_report_is_refused(esslingen, road_damage, tiefbau_clerk):
    master = report_in(esslingen, road_damage)
    duplicate = report_in(esslingen, road_damage)
    with pytest.raises(services.ReportRefused, match="sich selbst"):
        services.report_merge(duplicate=master, master=master, actor=tiefbau_clerk)
    services.report_merge(duplicate=duplicate, master=master, actor=tiefbau_clerk)
    third = report_in(esslingen, road_damage)
    with pytest.raises(services.ReportRefused, match="Hauptmeldung"):
        services.report_merge(duplicate=third, master=duplicate, actor=tiefbau_clerk)


def test_subscribing_with_the_accounts_address_counts_at_once_others_confirm_by_link(esslingen, road_damage, citizen):
    report = report_in(esslingen, road_damage)

    own = services.report_subscribe(report=report, email=citizen.email, user=citizen)
    other = services.report_subscribe(report=report, email="fremd@example.org", user=citizen)
    twice = services.report_subscribe(report=report, email="FREMD@example.org")

    assert own.confirmed_at is not None
    assert other.confirmed_at is None
    assert twice.pk == other.pk
    assert [message.to for message in mail.outbox] == [["fremd@example.org"], ["fremd@example.org"]]
    services.subscription_confirm(subscription=other)
    other.refresh_from_db()
    assert other.confirmed_at is not None


def test_a_public_note_reaches_subscribers_once_an_internal_note_never(esslingen, road_damage, tiefbau_clerk):
    from rathaus.reports import notifications

    report = report_in(esslingen, road_damage, reporter_email="anna@example.org")
    services.report_confirm(report=report)
    mail.outbox.clear()

    services.report_note_add(report=report, actor=tiefbau_clerk, text="Intern: Firma Müller fragen.", public=False)
    public = services.report_note_add(report=report, actor=tiefbau_clerk, text="Wir schauen es uns an.", public=True)
    assert notifications.report_notify_subscribers(update_id=public.pk) == 0

    assert len(mail.outbox) == 1
    assert "Wir schauen es uns an." in mail.outbox[0].body
    assert "Firma Müller" not in mail.outbox[0].body


def test_audit_entries_carry_no_personal_data(esslingen, road_damage):
    report_in(esslingen, road_damage, reporter_email="anna@example.org", reporter_name="Anna Beispiel")
    entry = AuditEntry.objects.get(action="report.created")
    assert "anna" not in str(entry.details).lower()
    assert entry.details["category"] == "strassenschaden"


def test_merging_a_into_b_and_then_b_into_c_leaves_a_pointing_at_c_with_every_subscriber(
    esslingen, road_damage, tiefbau_clerk
):
    first, second, third = (
        report_in(esslingen, road_damage, reporter_email=f"{name}@example.org") for name in ("anna", "ben", "cem")
    )
    for report in (first, second, third):
        services.report_confirm(report=report)

    services.report_merge(duplicate=first, master=second, actor=tiefbau_clerk)
    services.report_merge(duplicate=second, master=third, actor=tiefbau_clerk)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.duplicate_of == third
    assert second.duplicate_of == third
    assert sorted(third.subscriptions.values_list("email", flat=True)) == [
        "anna@example.org",
        "ben@example.org",
        "cem@example.org",
    ]


def test_routing_to_another_office_keeps_the_reports_area(esslingen, road_damage, tiefbau_clerk, citizens_office):
    area = services.area_save(
        municipality=esslingen,
        actor=None,
        name="Altstadt",
        office=road_damage.office,
        polygon={
            "type": "Polygon",
            "coordinates": [[[9.30, 48.73], [9.32, 48.73], [9.32, 48.75], [9.30, 48.75], [9.30, 48.73]]],
        },
    )
    report = report_in(esslingen, road_damage)
    assert report.area == area

    services.report_route(report=report, office=citizens_office, actor=tiefbau_clerk)

    report.refresh_from_db()
    assert report.office == citizens_office
    assert report.area == area


def test_a_status_e_mail_names_the_status_it_announces_even_if_the_report_moved_on(
    esslingen, road_damage, tiefbau_clerk, monkeypatch
):
    from django.db import transaction

    report = report_in(esslingen, road_damage, reporter_email="anna@example.org")
    services.report_confirm(report=report)
    mail.outbox.clear()
    queued = []
    monkeypatch.setattr(transaction, "on_commit", lambda callback, using=None, robust=False: queued.append(callback))

    services.report_status_change(
        report=report, status=Status.PLANNED, actor=tiefbau_clerk, planned_for=date(2026, 6, 1)
    )
    services.report_status_change(report=report, status=Status.IN_PROGRESS, actor=tiefbau_clerk)
    for callback in queued:
        callback()

    first, second = mail.outbox
    assert "Stand: geplant" in first.body
    assert "in Bearbeitung" not in first.body
    assert "Stand: in Bearbeitung" in second.body


def test_staff_set_the_public_location_and_nothing_typed_is_public_before(esslingen, road_damage, tiefbau_clerk):
    report = report_in(
        esslingen, road_damage, address="Ritterstraße 5", location_description="vor dem Haus von Familie Beispiel"
    )
    assert report.public_location == ""

    services.report_moderate(
        report=report,
        actor=tiefbau_clerk,
        public_description="Schlagloch",
        public_location="  Ritterstraße  ",
        is_public=True,
    )

    report.refresh_from_db()
    assert report.public_location == "Ritterstraße"
    assert report.location_description == "vor dem Haus von Familie Beispiel"
