"""Writes of the Mängelmelder. Every service owns its transaction, records an audit entry and queues e-mails
only once the transaction has committed."""

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.accounts.models import User
from rathaus.audit.services import audit_record
from rathaus.municipalities.models import Municipality, OrganisationalUnit

from . import casework, geo, questions, routing, selectors
from .models import Area, Category, Report, ReportPhoto, ReportSubscription, ReportUpdate
from .photos import MAX_PHOTOS, CleanPhoto

Status = Report.Status


class ReportRefused(Exception):
    """The change is not possible as things stand; the message says why, for the person who tried."""


def _audit(report: Report, action: str, actor: User | None, **details: Any) -> None:
    audit_record(
        municipality_id=report.municipality_id,
        actor=actor,
        action=action,
        object_type="report",
        object_id=report.pk,
        details=details,
    )


def _on_commit_notify(update: ReportUpdate) -> None:
    from . import tasks

    update_id = update.pk
    transaction.on_commit(lambda: tasks.report_notify_subscribers.enqueue(update_id=update_id))


# Categories and areas ---------------------------------------------------------------------------


def _check_office(municipality: Municipality, office: OrganisationalUnit) -> None:
    if office.municipality_id != municipality.pk:
        raise ReportRefused(_("Diese Stelle gehört nicht zu dieser Kommune."))


def category_save(
    *, municipality: Municipality, actor: User | None, values: dict[str, Any], category: Category | None = None
) -> Category:
    """Create a category or change one; the service code stays as it was once the category exists."""
    errors = questions.question_errors(values.get("questions", category.questions if category else []))
    if errors:
        raise ReportRefused(" ".join(errors))
    if "office" in values:
        _check_office(municipality, values["office"])
    with transaction.atomic():
        if category is None:
            code = values.get("service_code", "")
            if not code:
                raise ReportRefused(_("Bitte geben Sie eine Kennung an."))
            if Category.objects.filter(municipality=municipality, service_code=code).exists():
                raise ReportRefused(_("Diese Kennung gibt es schon."))
            category = Category.objects.create(municipality=municipality, **values)
            action = "report_category.created"
        else:
            if category.municipality_id != municipality.pk:
                raise ReportRefused(_("Diese Kategorie gehört nicht zu dieser Kommune."))
            changes = {name: value for name, value in values.items() if name != "service_code"}
            for name, value in changes.items():
                setattr(category, name, value)
            category.save(update_fields=[*changes.keys(), "updated_at"])
            action = "report_category.updated"
        audit_record(
            municipality_id=municipality.pk,
            actor=actor,
            action=action,
            object_type="report_category",
            object_id=category.pk,
            details={"fields": sorted(values.keys())},
        )
        return category


def area_save(
    *,
    municipality: Municipality,
    actor: User | None,
    name: str,
    office: OrganisationalUnit,
    polygon: Any,
    priority: int = 0,
    categories: Sequence[Category] = (),
    area: Area | None = None,
) -> Area:
    """Create or change a routing area; the polygon must be valid GeoJSON, its bounding box is stored with it."""
    _check_office(municipality, office)
    if any(category.municipality_id != municipality.pk for category in categories):
        raise ReportRefused(_("Diese Kategorie gehört nicht zu dieser Kommune."))
    if not name.strip():
        raise ReportRefused(_("Bitte geben Sie einen Namen an."))
    try:
        box = geo.bounding_box(geo.polygons_of(polygon))
    except geo.GeometryError as error:
        raise ReportRefused(str(error)) from error
    fields = {
        "name": name.strip(),
        "office": office,
        "polygon": polygon,
        "priority": priority,
        "min_lat": box.min_lat,
        "max_lat": box.max_lat,
        "min_lon": box.min_lon,
        "max_lon": box.max_lon,
    }
    with transaction.atomic():
        if area is None:
            area = Area.objects.create(municipality=municipality, **fields)
            action = "report_area.created"
        else:
            if area.municipality_id != municipality.pk:
                raise ReportRefused(_("Dieses Gebiet gehört nicht zu dieser Kommune."))
            for field_name, value in fields.items():
                setattr(area, field_name, value)
            area.save(update_fields=[*fields.keys(), "updated_at"])
            action = "report_area.updated"
        area.categories.set(categories)
        audit_record(
            municipality_id=municipality.pk,
            actor=actor,
            action=action,
            object_type="report_area",
            object_id=area.pk,
            details={"office": office.pk, "priority": priority},
        )
        return area


# Reporting ---------------------------------------------------------------------------------------


def _check_location(lat: float | None, lon: float | None, address: str, location_description: str) -> None:
    if (lat is None) != (lon is None):
        raise ReportRefused(_("Bitte geben Sie Breiten- und Längengrad zusammen an."))
    if lat is not None and lon is not None:
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise ReportRefused(_("Die Koordinaten sind ungültig."))
    elif not address.strip() and not location_description.strip():
        raise ReportRefused(_("Bitte sagen Sie uns, wo der Mangel ist: auf der Karte, mit Adresse oder mit Worten."))


def _photo_store(report: Report, photo: CleanPhoto, order: int) -> ReportPhoto:
    stored = ReportPhoto(report=report, width=photo.width, height=photo.height, order=order)
    stored.image.save(f"{report.pk}-{order}.jpg", ContentFile(photo.image), save=False)
    stored.thumbnail.save(f"{report.pk}-{order}.jpg", ContentFile(photo.thumbnail), save=False)
    stored.save()
    return stored


def report_create(
    *,
    municipality: Municipality,
    category: Category,
    description: str,
    lat: float | None = None,
    lon: float | None = None,
    address: str = "",
    location_description: str = "",
    answers: dict[str, Any] | None = None,
    photos: Sequence[CleanPhoto] = (),
    reporter: User | None = None,
    reporter_name: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
    source: str = Report.Source.WEB,
    api_client: Any = None,
    portal_url: str = "",
    needs_confirmation: bool | None = None,
) -> Report:
    """File a report, routed to its office. It counts (case, public map) at once only for a signed-in citizen
    with a verified address; anyone else must give an e-mail address and confirm by its link first.
    ``needs_confirmation=False`` is for channels trusted otherwise (Open311 clients by key, staff, demo data)."""
    if category.municipality_id != municipality.pk:
        raise ReportRefused(_("Diese Kategorie gibt es hier nicht."))
    if not description.strip():
        raise ReportRefused(_("Bitte beschreiben Sie den Mangel."))
    if len(photos) > MAX_PHOTOS:
        raise ReportRefused(_("Sie können höchstens drei Fotos anhängen."))
    _check_location(lat, lon, address, location_description)
    clean_answers, answer_errors = questions.answers_clean(category, answers or {})
    if answer_errors:
        raise ReportRefused(" ".join(answer_errors.values()))
    reporter_email = reporter_email.strip().lower()
    if reporter is not None and not reporter_email:
        reporter_email = reporter.email.lower()
    if needs_confirmation is None:
        needs_confirmation = not selectors.account_email_verified(user=reporter, email=reporter_email)
    if needs_confirmation and not reporter_email:
        raise ReportRefused(
            _("Bitte geben Sie Ihre E-Mail-Adresse an. Wir brauchen sie, um die Meldung zu bestätigen.")
        )
    now = timezone.now()
    with transaction.atomic():
        routed = routing.route(municipality=municipality, category=category, lat=lat, lon=lon)
        report = Report.objects.create(
            municipality=municipality,
            category=category,
            office=routed.office,
            area=routed.area,
            source=source,
            api_client=api_client,
            lat=lat,
            lon=lon,
            address=address.strip(),
            location_description=location_description.strip(),
            description=description.strip(),
            answers=clean_answers,
            reporter=reporter,
            reporter_name=reporter_name.strip(),
            reporter_email=reporter_email,
            reporter_phone=reporter_phone.strip(),
            confirmed_at=None if needs_confirmation else now,
            portal_url=portal_url,
            created_at=now,
        )
        for order, photo in enumerate(photos):
            _photo_store(report, photo, order)
        if reporter_email:
            ReportSubscription.objects.create(
                report=report,
                email=reporter_email,
                user=reporter,
                confirmed_at=None if needs_confirmation else now,
            )
        ReportUpdate.objects.create(
            report=report, kind=ReportUpdate.Kind.CREATED, public=True, status_to=report.status, created_at=now
        )
        if not needs_confirmation:
            casework.case_for_report(report=report)
        _audit(
            report,
            "report.created",
            reporter,
            category=category.service_code,
            office=routed.office.pk,
            area=routed.area.pk if routed.area else None,
            source=source,
        )
        report_id = str(report.pk)
        from . import tasks

        if needs_confirmation:
            transaction.on_commit(lambda: tasks.report_send_confirmation.enqueue(report_id=report_id))
        elif reporter_email:
            transaction.on_commit(lambda: tasks.report_send_receipt.enqueue(report_id=report_id))
        return report


def report_confirm(*, report: Report) -> Report:
    """The reporter followed the e-mail link: the report counts from now on. Safe to call twice."""
    with transaction.atomic():
        locked = Report.objects.select_for_update().select_related("category", "municipality").get(pk=report.pk)
        if locked.confirmed_at is not None:
            return locked
        now = timezone.now()
        locked.confirmed_at = now
        locked.save(update_fields=["confirmed_at", "updated_at"])
        ReportSubscription.objects.filter(report=locked, email=locked.reporter_email, confirmed_at=None).update(
            confirmed_at=now
        )
        casework.case_for_report(report=locked)
        _audit(locked, "report.confirmed", None)
        return locked


# Staff work ----------------------------------------------------------------------------------------


def _lock(report: Report) -> Report:
    return Report.objects.select_for_update(of=("self",)).select_related("category", "municipality").get(pk=report.pk)


def report_status_change(
    *,
    report: Report,
    status: str,
    actor: User | None,
    role: str = "clerk",
    public_text: str = "",
    planned_for: date | None = None,
    reason: str = "",
    forwarded_to: str = "",
) -> Report:
    """Give the report a new status with what that status needs (a date, a reason, the body it went to);
    subscribers hear of it."""
    if status not in Status.values:
        raise ReportRefused(_("Diesen Stand gibt es nicht."))
    if status == Status.PLANNED and planned_for is None:
        raise ReportRefused(_("Bitte geben Sie an, wann die Arbeiten geplant sind."))
    if status == Status.DONE_WITHOUT_ACTION and not reason.strip():
        raise ReportRefused(_("Bitte begründen Sie, warum nichts getan wird."))
    if status == Status.FORWARDED and not forwarded_to.strip():
        raise ReportRefused(_("Bitte geben Sie an, an wen die Meldung weitergeleitet wurde."))
    with transaction.atomic():
        locked = _lock(report)
        if locked.confirmed_at is None:
            raise ReportRefused(_("Die Meldung ist noch nicht bestätigt."))
        if locked.duplicate_of_id is not None:
            raise ReportRefused(_("Diese Meldung ist mit einer anderen zusammengeführt; bearbeiten Sie bitte diese."))
        if locked.status == status and status != Status.PLANNED:
            raise ReportRefused(_("Die Meldung hat diesen Stand schon."))
        previous = locked.status
        locked.status = status
        locked.planned_for = planned_for if status == Status.PLANNED else None
        locked.closing_reason = reason.strip() if status == Status.DONE_WITHOUT_ACTION else ""
        locked.forwarded_to = forwarded_to.strip() if status == Status.FORWARDED else ""
        if not locked.is_open:
            locked.closed_at = timezone.now()
        else:
            locked.closed_at = None
        locked.save(
            update_fields=["status", "planned_for", "closing_reason", "forwarded_to", "closed_at", "updated_at"]
        )
        casework.case_follow_status(report=locked, actor=actor, role=role)
        update = ReportUpdate.objects.create(
            report=locked,
            kind=ReportUpdate.Kind.STATUS,
            public=True,
            status_from=previous,
            status_to=status,
            text=public_text.strip(),
            author=actor,
        )
        _audit(locked, "report.status_changed", actor, source=previous, target=status)
        _on_commit_notify(update)
        return locked


def report_route(*, report: Report, office: OrganisationalUnit, actor: User, note: str = "") -> Report:
    """Give the report (and its case) to another office, when the routing by category and area got it wrong."""
    if office.municipality_id != report.municipality_id:
        raise ReportRefused(_("Diese Stelle gehört nicht zu dieser Kommune."))
    with transaction.atomic():
        locked = _lock(report)
        if locked.office_id == office.pk:
            raise ReportRefused(_("Die Meldung liegt schon bei dieser Stelle."))
        previous = locked.office_id
        # The area stays: it says where the defect is, which a change of office does not alter.
        locked.office = office
        locked.save(update_fields=["office", "updated_at"])
        casework.case_move(report=locked, office=office, actor=actor)
        text = _("Zuständig ist jetzt: %(office)s.") % {"office": office.name}
        ReportUpdate.objects.create(
            report=locked,
            kind=ReportUpdate.Kind.INTERNAL_NOTE,
            text=f"{text} {note.strip()}".strip(),
            author=actor,
        )
        _audit(locked, "report.routed", actor, source=previous, target=office.pk)
        return locked


def report_note_add(*, report: Report, actor: User, text: str, public: bool) -> ReportUpdate:
    """A note: public ones appear on the report's page and reach subscribers, internal ones only staff see."""
    text = text.strip()
    if not text:
        raise ReportRefused(_("Bitte schreiben Sie einen Text."))
    with transaction.atomic():
        update = ReportUpdate.objects.create(
            report=report,
            kind=ReportUpdate.Kind.PUBLIC_NOTE if public else ReportUpdate.Kind.INTERNAL_NOTE,
            public=public,
            text=text,
            author=actor,
        )
        _audit(report, "report.note_added", actor, public=public, update=update.pk)
        if public:
            _on_commit_notify(update)
        return update


def report_moderate(
    *, report: Report, actor: User, public_description: str, is_public: bool, public_location: str = ""
) -> Report:
    """Staff decide what the public sees: the redacted text, the checked location (street or square), and
    whether the report is shown at all."""
    with transaction.atomic():
        locked = _lock(report)
        locked.public_description = public_description.strip()
        locked.public_location = " ".join(public_location.split())[:300]
        locked.is_public = is_public
        locked.save(update_fields=["public_description", "public_location", "is_public", "updated_at"])
        ReportUpdate.objects.create(report=locked, kind=ReportUpdate.Kind.MODERATED, author=actor)
        _audit(locked, "report.moderated", actor, is_public=is_public)
        return locked


def photo_set_hidden(*, photo: ReportPhoto, actor: User, hidden: bool) -> ReportPhoto:
    """Hide a photo from the public (faces, number plates) or show it again; staff always see it."""
    with transaction.atomic():
        ReportPhoto.objects.filter(pk=photo.pk).update(hidden=hidden)
        photo.hidden = hidden
        _audit(photo.report, "report.photo_hidden" if hidden else "report.photo_shown", actor, photo=photo.pk)
        return photo


def report_merge(*, duplicate: Report, master: Report, actor: User) -> Report:
    """Close ``duplicate`` as a copy of ``master``: its subscribers (and reporter) follow the master from now on."""
    if duplicate.pk == master.pk:
        raise ReportRefused(_("Eine Meldung kann nicht mit sich selbst zusammengeführt werden."))
    if duplicate.municipality_id != master.municipality_id:
        raise ReportRefused(_("Diese Meldung gibt es hier nicht."))
    with transaction.atomic():
        locked_master = _lock(master)
        locked = _lock(duplicate)
        if locked_master.duplicate_of_id is not None:
            raise ReportRefused(_("Die Zielmeldung ist selbst schon zusammengeführt; wählen Sie deren Hauptmeldung."))
        if locked.duplicate_of_id is not None:
            raise ReportRefused(_("Diese Meldung ist schon zusammengeführt."))
        if locked.confirmed_at is None:
            raise ReportRefused(_("Die Meldung ist noch nicht bestätigt."))
        known = set(ReportSubscription.objects.filter(report=locked_master).values_list("email", flat=True))
        for subscription in ReportSubscription.objects.filter(report=locked):
            if subscription.email not in known:
                ReportSubscription.objects.create(
                    report=locked_master,
                    email=subscription.email,
                    user=subscription.user,
                    confirmed_at=subscription.confirmed_at,
                )
                known.add(subscription.email)
        Report.objects.filter(duplicate_of=locked).update(duplicate_of=locked_master)
        previous = locked.status
        locked.duplicate_of = locked_master
        locked.status = Status.DONE_WITHOUT_ACTION
        locked.closing_reason = _("Doppelte Meldung: wird mit einer anderen Meldung gemeinsam bearbeitet.")
        locked.closed_at = timezone.now()
        locked.save(update_fields=["duplicate_of", "status", "closing_reason", "closed_at", "updated_at"])
        casework.case_follow_status(report=locked, actor=actor, role="clerk")
        ReportUpdate.objects.create(
            report=locked,
            kind=ReportUpdate.Kind.MERGED,
            public=True,
            status_from=previous,
            status_to=locked.status,
            text=_("Diese Meldung wird zusammen mit einer gleichen Meldung bearbeitet."),
            author=actor,
        )
        ReportUpdate.objects.create(
            report=locked_master, kind=ReportUpdate.Kind.MERGED, text=str(locked.pk), author=actor
        )
        _audit(locked, "report.merged", actor, master=str(locked_master.pk))
        return locked


# Citizens after reporting ----------------------------------------------------------------------------


def report_reopen(*, report: Report, text: str = "") -> Report:
    """Someone told of the closure says "nicht behoben": the report is open again and back with staff."""
    with transaction.atomic():
        locked = _lock(report)
        if locked.is_open:
            raise ReportRefused(_("Die Meldung ist noch in Bearbeitung."))
        if locked.duplicate_of_id is not None:
            raise ReportRefused(_("Diese Meldung wird mit einer anderen bearbeitet."))
        previous = locked.status
        locked.status = Status.REOPENED
        locked.closed_at = None
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        casework.case_reopen(report=locked)
        update = ReportUpdate.objects.create(
            report=locked,
            kind=ReportUpdate.Kind.REOPENED,
            public=True,
            status_from=previous,
            status_to=locked.status,
            text=text.strip()[:2000],
        )
        # The reason stays internal: the citizen may name people or places that are not for the public.
        if text.strip():
            update.public = False
            update.save(update_fields=["public"])
            ReportUpdate.objects.create(
                report=locked,
                kind=ReportUpdate.Kind.REOPENED,
                public=True,
                status_from=previous,
                status_to=locked.status,
            )
        _audit(locked, "report.reopened", None, source=previous)
        return locked


def report_subscribe(*, report: Report, email: str, user: User | None = None) -> ReportSubscription:
    """ "Betrifft mich auch": follow a report's progress by e-mail. An address of the signed-in account counts
    at once, any other is confirmed by a link first."""
    email = email.strip().lower()
    if not email:
        raise ReportRefused(_("Bitte geben Sie Ihre E-Mail-Adresse an."))
    if report.confirmed_at is None or not report.is_public:
        raise ReportRefused(_("Diese Meldung gibt es nicht."))
    trusted = user is not None and user.is_authenticated and user.email.lower() == email
    with transaction.atomic():
        subscription, created = ReportSubscription.objects.get_or_create(
            report=report,
            email=email,
            defaults={"user": user if trusted else None, "confirmed_at": timezone.now() if trusted else None},
        )
        if trusted and subscription.confirmed_at is None:
            subscription.confirmed_at = timezone.now()
            subscription.save(update_fields=["confirmed_at"])
        if created:
            _audit(report, "report.subscribed", user if trusted else None, subscription=subscription.pk)
        if subscription.confirmed_at is None:
            from . import tasks

            subscription_id = subscription.pk
            transaction.on_commit(lambda: tasks.subscription_send_confirmation.enqueue(subscription_id=subscription_id))
        return subscription


def subscription_confirm(*, subscription: ReportSubscription) -> ReportSubscription:
    """The address is confirmed through the e-mail link; safe to call twice."""
    ReportSubscription.objects.filter(pk=subscription.pk, confirmed_at=None).update(confirmed_at=timezone.now())
    subscription.refresh_from_db()
    return subscription


def subscription_cancel(*, subscription: ReportSubscription) -> None:
    """No more e-mails about this report to this address."""
    with transaction.atomic():
        report = subscription.report
        subscription.delete()
        _audit(report, "report.unsubscribed", None)
