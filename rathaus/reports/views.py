"""Citizen side of the Mängelmelder: the public map and list, reporting step by step, following and reopening."""

from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from rathaus.municipalities.http import MunicipalityRequest

from . import draft as drafts
from . import links, questions, selectors, services
from .forms import (
    CategoryForm,
    ContactForm,
    DescriptionForm,
    LocationForm,
    PublicFilterForm,
    QuestionsForm,
    ReopenForm,
    SubscribeForm,
)
from .models import Category, Report
from .photos import MAX_PHOTOS, PhotoRefused, photo_clean

DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_ATTRIBUTION = "© OpenStreetMap-Mitwirkende"
PAGE_SIZE = 50


def map_settings() -> dict[str, Any]:
    """Tile server and view of the map; set ``RATHAUS_MAP_TILE_URL`` to use another (own) tile server."""
    return {
        "tile_url": getattr(settings, "RATHAUS_MAP_TILE_URL", DEFAULT_TILE_URL),
        "attribution": getattr(settings, "RATHAUS_MAP_ATTRIBUTION", DEFAULT_ATTRIBUTION),
        "center": getattr(settings, "RATHAUS_MAP_CENTER", (48.7420, 9.3080)),
        "zoom": getattr(settings, "RATHAUS_MAP_ZOOM", 14),
    }


def tile_origin(tile_url: str) -> str:
    """The origin the tiles come from, ``{s}`` subdomains as a wildcard (for the CSP)."""
    parts = urlsplit(tile_url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _allow_tiles(response: HttpResponse) -> HttpResponse:
    """Let the map load tiles from the configured server; every other page keeps images to 'self'."""
    origin = tile_origin(map_settings()["tile_url"])
    if origin:
        response._csp_update = {"img-src": [origin]}  # type: ignore[attr-defined]
    return response


def _over_limit(request: HttpRequest, group: str, setting: str, default: str, key: Any = "ip") -> bool:
    """Count one attempt; limits are settings (``RATHAUS_REPORT_*_RATE``) so a town can widen them for events."""
    rate = getattr(settings, setting, default)
    return bool(is_ratelimited(request, group=group, key=key, rate=rate, increment=True))


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/too_many.html", status=429)


def _render_map_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return _allow_tiles(render(request, template, {"map": map_settings(), **context}))


# Public map and list -------------------------------------------------------------------------------


@require_GET
def start(request: MunicipalityRequest) -> HttpResponse:
    municipality = request.municipality
    recent = selectors.reports_public_filtered(municipality=municipality)[:10]
    return _render_map_page(
        request,
        "reports/start.html",
        {"recent": recent, "categories": selectors.categories_public(municipality=municipality)},
    )


def _filtered(request: MunicipalityRequest) -> tuple[PublicFilterForm, Any]:
    municipality = request.municipality
    categories = list(selectors.categories_public(municipality=municipality))
    areas = list(selectors.areas_all(municipality=municipality))
    form = PublicFilterForm(request.GET or None, categories=categories, areas=areas)
    reports = selectors.reports_public_filtered(municipality=municipality)
    if form.is_valid():
        category = next((item for item in categories if item.service_code == form.cleaned_data["kategorie"]), None)
        area = next((item for item in areas if str(item.pk) == form.cleaned_data["gebiet"]), None)
        reports = selectors.reports_public_filtered(
            municipality=municipality,
            category=category,
            status=form.cleaned_data["stand"],
            area=area,
            bbox=form.cleaned_data["bbox"],
        )
    return form, reports


@require_GET
def report_list(request: MunicipalityRequest) -> HttpResponse:
    form, reports = _filtered(request)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    return _render_map_page(
        request,
        "reports/report_list.html",
        {"form": form, "page": page, "querystring": query.urlencode(), "filtered": bool(request.GET)},
    )


@require_GET
def report_geojson(request: MunicipalityRequest) -> JsonResponse:
    """The public reports in the bounding box ``bbox=min_lon,min_lat,max_lon,max_lat`` as GeoJSON."""
    municipality = request.municipality
    raw_bbox = request.GET.get("bbox", "")
    bbox = selectors.geo.parse_bbox(raw_bbox) if raw_bbox else None
    if raw_bbox and bbox is None:
        return JsonResponse({"error": _("bbox muss min_lon,min_lat,max_lon,max_lat sein.")}, status=400)
    category = None
    if request.GET.get("kategorie"):
        category = selectors.category_for_code(municipality=municipality, service_code=request.GET["kategorie"])
        if category is None:
            return JsonResponse({"type": "FeatureCollection", "features": []})
    data = selectors.reports_geojson(
        municipality=municipality, bbox=bbox, category=category, status=request.GET.get("stand", "")
    )
    # One reverse() for all pins: with 500 pins per answer, reversing each would cost more than the query.
    placeholder = "00000000-0000-0000-0000-000000000000"
    url_pattern = reverse("reports:report", args=[placeholder])
    for feature in data["features"]:
        feature["properties"]["url"] = url_pattern.replace(placeholder, feature["id"])
    response = JsonResponse(data, content_type="application/geo+json")
    # Not cached: someone who has just reported expects to see the new pin at once.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def report_detail(request: MunicipalityRequest, report_id: UUID) -> HttpResponse:
    report = selectors.report_public(municipality=request.municipality, report_id=report_id)
    if report is None:
        raise Http404
    return _render_map_page(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "subscribe_form": SubscribeForm(initial={"email": getattr(request.user, "email", "")}),
        },
    )


def _photo_response(request: MunicipalityRequest, report_id: UUID, photo_id: int, thumbnail: bool) -> FileResponse:
    photo = selectors.photo_public(municipality=request.municipality, report_id=report_id, photo_id=photo_id)
    if photo is None:
        raise Http404
    stored = photo.thumbnail if thumbnail and photo.thumbnail else photo.image
    response = FileResponse(stored.open("rb"), content_type="image/jpeg")
    # Staff may hide a photo at any time: shared caches must not keep serving it afterwards.
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
def photo(request: MunicipalityRequest, report_id: UUID, photo_id: int) -> FileResponse:
    return _photo_response(request, report_id, photo_id, thumbnail=False)


@require_GET
def photo_thumbnail(request: MunicipalityRequest, report_id: UUID, photo_id: int) -> FileResponse:
    return _photo_response(request, report_id, photo_id, thumbnail=True)


# Following a report ---------------------------------------------------------------------------------


@require_POST
def subscribe(request: MunicipalityRequest, report_id: UUID) -> HttpResponse:
    """ "Betrifft mich auch": follow a report instead of reporting the same defect again."""
    report = selectors.report_public(municipality=request.municipality, report_id=report_id)
    if report is None:
        raise Http404
    form = SubscribeForm(request.POST)
    if _over_limit(request, "reports.subscribe-ip", "RATHAUS_REPORT_SUBSCRIBE_RATE", "20/h"):
        return _too_many(request)
    if not form.is_valid():
        return _render_map_page(request, "reports/report_detail.html", {"report": report, "subscribe_form": form})
    email = form.cleaned_data["email"].strip().lower()
    if _over_limit(
        request,
        "reports.subscribe-email",
        "RATHAUS_REPORT_SUBSCRIBE_EMAIL_RATE",
        "5/h",
        key=lambda group, request: email,
    ):
        return _too_many(request)
    user = request.user if request.user.is_authenticated else None
    try:
        subscription = services.report_subscribe(report=report, email=form.cleaned_data["email"], user=user)  # type: ignore[arg-type]
    except services.ReportRefused as error:
        form.add_error("email", str(error))
        return _render_map_page(request, "reports/report_detail.html", {"report": report, "subscribe_form": form})
    if request.POST.get("aus_meldung"):
        # Subscribed instead of reporting: the half-written report is no longer needed.
        drafts.draft_clear(request, drafts.draft_load(request, request.municipality.pk))
    return render(request, "reports/subscribed.html", {"report": report, "subscription": subscription})


@require_http_methods(["GET", "POST"])
def subscription_confirm(request: MunicipalityRequest, token: str) -> HttpResponse:
    """The link shows a button; only pressing it confirms, so mail scanners that open links confirm nothing."""
    subscription_token = links.subscription_token_from_confirm_token(token)
    subscription = (
        selectors.subscription_by_token(municipality=request.municipality, token=subscription_token)
        if subscription_token
        else None
    )
    if subscription is None:
        return render(request, "reports/link_invalid.html", status=404)
    if request.method == "GET" and not subscription.confirmed:
        return render(request, "reports/confirm_subscription.html", {"subscription": subscription})
    services.subscription_confirm(subscription=subscription)
    messages.success(request, _("Danke, Ihre E-Mail-Adresse ist bestätigt. Wir schreiben Ihnen, wenn sich etwas tut."))
    return redirect("reports:report", subscription.report_id)


@require_http_methods(["GET", "POST"])
def unsubscribe(request: MunicipalityRequest, token: str) -> HttpResponse:
    subscription = selectors.subscription_by_token(municipality=request.municipality, token=token)
    if subscription is None:
        return render(request, "reports/link_invalid.html", status=404)
    if request.method == "POST":
        services.subscription_cancel(subscription=subscription)
        return render(request, "reports/unsubscribed.html")
    return render(request, "reports/unsubscribe.html", {"subscription": subscription})


@require_http_methods(["GET", "POST"])
def confirm(request: MunicipalityRequest, token: str) -> HttpResponse:
    """The link shows a button; only pressing it confirms, so mail scanners that open links confirm nothing."""
    report_id = links.report_id_from_confirm_token(token)
    report = selectors.report_by_id(municipality=request.municipality, report_id=report_id) if report_id else None
    if report is None:
        return render(request, "reports/link_invalid.html", status=404)
    if request.method == "GET" and not report.is_confirmed:
        return render(request, "reports/confirm_report.html", {"report": report})
    report = services.report_confirm(report=report)
    return render(request, "reports/confirmed.html", {"report": report})


@require_http_methods(["GET", "POST"])
def reopen(request: MunicipalityRequest, report_id: UUID, token: str) -> HttpResponse:
    """ "Nicht behoben": whoever got the closure e-mail can reopen the report through its signed link."""
    signed_id = links.report_id_from_reopen_token(token)
    report = selectors.report_by_id(municipality=request.municipality, report_id=report_id)
    if report is None or signed_id != str(report.pk):
        return render(request, "reports/link_invalid.html", status=404)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_reopen(report=report, text=form.cleaned_data["text"])
        except services.ReportRefused as error:
            messages.info(request, str(error))
            return redirect("reports:report", report.pk)
        messages.success(request, _("Danke. Die Meldung ist wieder offen, wir sehen uns die Stelle noch einmal an."))
        return redirect("reports:report", report.pk)
    return render(request, "reports/reopen.html", {"report": report, "form": form})


# Reporting, step by step ------------------------------------------------------------------------------


def _draft(request: MunicipalityRequest) -> drafts.Draft:
    return drafts.draft_load(request, request.municipality.pk)


def _category(request: MunicipalityRequest, draft: drafts.Draft) -> Category | None:
    if not draft.category:
        return None
    return selectors.category_for_code(municipality=request.municipality, service_code=draft.category)


def _steps(category: Category | None) -> list[tuple[str, str]]:
    steps = [("reports:new", _("Kategorie"))]
    if category is not None and category.questions:
        steps.append(("reports:new_questions", _("Angaben")))
    steps += [
        ("reports:new_location", pgettext("Ort eines Termins oder Mangels", "Ort")),
        ("reports:new_description", _("Beschreibung und Fotos")),
        ("reports:new_contact", _("Kontakt")),
        ("reports:new_check", _("Prüfen und senden")),
    ]
    return steps


def _step_page(request: MunicipalityRequest, template: str, current: str, context: dict[str, Any]) -> HttpResponse:
    category = context.get("category")
    steps = _steps(category)
    names = [name for name, _label in steps]
    return _render_map_page(
        request,
        template,
        {
            "steps": steps,
            "current_step": current,
            "step_number": names.index(current) + 1 if current in names else 0,
            "step_total": len(steps),
            **context,
        },
    )


@require_http_methods(["GET", "POST"])
def new(request: MunicipalityRequest) -> HttpResponse:
    draft = _draft(request)
    categories = selectors.categories_public(municipality=request.municipality)
    form = CategoryForm(
        request.POST or None,
        categories=categories,
        initial={"kategorie": draft.category} if draft.category else None,
    )
    if request.method == "POST" and form.is_valid():
        category = form.cleaned_data["kategorie"]
        if category.service_code != draft.category:
            draft.answers = {}
        draft.category = category.service_code
        drafts.draft_save(request, draft)
        return redirect("reports:new_questions" if category.questions else "reports:new_location")
    return _step_page(request, "reports/new_category.html", "reports:new", {"form": form})


@require_http_methods(["GET", "POST"])
def new_questions(request: MunicipalityRequest) -> HttpResponse:
    draft = _draft(request)
    category = _category(request, draft)
    if category is None:
        return redirect("reports:new")
    if not category.questions:
        return redirect("reports:new_location")
    form = QuestionsForm(request.POST or None, category=category, initial=draft.answers)
    if request.method == "POST" and form.is_valid():
        draft.answers = form.answers()
        drafts.draft_save(request, draft)
        return redirect("reports:new_location")
    return _step_page(
        request, "reports/new_questions.html", "reports:new_questions", {"form": form, "category": category}
    )


@require_http_methods(["GET", "POST"])
def new_location(request: MunicipalityRequest) -> HttpResponse:
    draft = _draft(request)
    category = _category(request, draft)
    if category is None:
        return redirect("reports:new")
    initial = {
        "lat": draft.lat,
        "lon": draft.lon,
        "address": draft.address,
        "location_description": draft.location_description,
    }
    form = LocationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        draft.lat = form.cleaned_data["lat"]
        draft.lon = form.cleaned_data["lon"]
        draft.address = form.cleaned_data["address"].strip()
        draft.location_description = form.cleaned_data["location_description"].strip()
        draft.location_done = True
        draft.duplicates_done = False
        drafts.draft_save(request, draft)
        return redirect("reports:new_duplicates")
    return _step_page(
        request, "reports/new_location.html", "reports:new_location", {"form": form, "category": category}
    )


@require_http_methods(["GET", "POST"])
def new_duplicates(request: MunicipalityRequest) -> HttpResponse:
    """Open reports of the same kind nearby, before the citizen writes the same one again."""
    draft = _draft(request)
    category = _category(request, draft)
    if category is None or not draft.location_done:
        return redirect("reports:new_location" if category else "reports:new")
    nearby = selectors.reports_nearby_open(
        municipality=request.municipality, category=category, lat=draft.lat, lon=draft.lon, address=draft.address
    )
    if request.method == "POST" or not nearby:
        draft.duplicates_done = True
        drafts.draft_save(request, draft)
        return redirect("reports:new_description")
    return _step_page(
        request,
        "reports/new_duplicates.html",
        "reports:new_location",
        {
            "category": category,
            "nearby": nearby,
            "subscribe_form": SubscribeForm(initial={"email": getattr(request.user, "email", "")}),
        },
    )


@require_http_methods(["GET", "POST"])
def new_description(request: MunicipalityRequest) -> HttpResponse:
    draft = _draft(request)
    category = _category(request, draft)
    if category is None or not draft.location_done:
        return redirect("reports:new_location" if category else "reports:new")
    if request.method == "POST" and request.POST.get("foto_entfernen"):
        kept = [photo for photo in draft.photos if photo["image"] != request.POST["foto_entfernen"]]
        for photo in draft.photos:
            if photo not in kept:
                drafts.photo_discard(photo)
        draft.photos = kept
        drafts.draft_save(request, draft)
        return redirect("reports:new_description")
    free_slots = MAX_PHOTOS - len(draft.photos)
    form = DescriptionForm(
        request.POST or None, request.FILES or None, free_slots=free_slots, initial={"description": draft.description}
    )
    if request.method == "POST" and form.is_valid():
        cleaned = []
        for number in range(1, free_slots + 1):
            upload = form.cleaned_data.get(f"foto_{number}")
            if not upload:
                continue
            try:
                cleaned.append(photo_clean(upload.read()))
            except PhotoRefused as error:
                form.add_error(f"foto_{number}", str(error))
        draft.description = form.cleaned_data["description"].strip()
        # All or nothing: after an error the citizen chooses again, and nothing is kept twice.
        if not form.errors:
            draft.photos += [drafts.photo_keep(photo) for photo in cleaned]
        drafts.draft_save(request, draft)
        if not form.errors:
            return redirect("reports:new_contact")
    return _step_page(
        request,
        "reports/new_description.html",
        "reports:new_description",
        {"form": form, "category": category, "photos": draft.photos},
    )


@require_http_methods(["GET", "POST"])
def new_contact(request: MunicipalityRequest) -> HttpResponse:
    draft = _draft(request)
    category = _category(request, draft)
    if category is None or not draft.description:
        return redirect("reports:new_description" if category else "reports:new")
    user = request.user if request.user.is_authenticated else None
    initial = {"name": draft.name, "email": draft.email, "phone": draft.phone}
    if user is not None and not draft.contact_done:
        initial = {"name": user.get_full_name() if user.get_full_name() != user.email else "", "email": user.email}
    email_required = not selectors.account_email_verified(user=user)
    form = ContactForm(request.POST or None, initial=initial, email_required=email_required)
    if request.method == "POST" and form.is_valid():
        draft.name = form.cleaned_data["name"].strip()
        draft.email = form.cleaned_data["email"].strip().lower()
        draft.phone = form.cleaned_data["phone"].strip()
        draft.contact_done = True
        drafts.draft_save(request, draft)
        return redirect("reports:new_check")
    return _step_page(
        request,
        "reports/new_contact.html",
        "reports:new_contact",
        {"form": form, "category": category, "signed_in": user is not None, "email_required": email_required},
    )


@require_http_methods(["GET", "POST"])
def new_check(request: MunicipalityRequest) -> HttpResponse:
    draft = _draft(request)
    category = _category(request, draft)
    if category is None or not draft.contact_done:
        return redirect("reports:new_contact" if category else "reports:new")
    error = ""
    if request.method == "POST":
        if _over_limit(request, "reports.send-ip", "RATHAUS_REPORT_SEND_RATE", "10/h"):
            return _too_many(request)
        user = request.user if request.user.is_authenticated else None
        # Only the account's own verified address proves itself; another address is confirmed by link.
        trusted = user is not None and draft.email in ("", user.email.lower())  # type: ignore[union-attr]
        photos = [photo for photo in (drafts.photo_load(kept) for kept in draft.photos) if photo is not None]
        try:
            report = services.report_create(
                municipality=request.municipality,
                category=category,
                description=draft.description,
                lat=draft.lat,
                lon=draft.lon,
                address=draft.address,
                location_description=draft.location_description,
                answers=draft.answers,
                photos=photos,
                reporter=user if trusted else None,  # type: ignore[arg-type]
                reporter_name=draft.name,
                reporter_email=draft.email,
                reporter_phone=draft.phone,
                portal_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except services.ReportRefused as refused:
            error = str(refused)
        else:
            drafts.draft_clear(request, draft)
            request.session["reports_sent"] = str(report.pk)
            return redirect("reports:new_done")
    return _step_page(
        request,
        "reports/new_check.html",
        "reports:new_check",
        {
            "category": category,
            "draft": draft,
            "answers": questions.answers_display(category, draft.answers),
            "error": error,
        },
    )


@require_GET
def new_done(request: MunicipalityRequest) -> HttpResponse:
    report_id = request.session.get("reports_sent")
    report = selectors.report_by_id(municipality=request.municipality, report_id=report_id) if report_id else None
    if report is None:
        return redirect("reports:start")
    return render(request, "reports/new_done.html", {"report": report, "public": report.confirmed_at is not None})


def status_label(report: Report) -> str:
    return str(Report.Status(report.status).label)
