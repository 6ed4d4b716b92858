"""Validation of Open311 input: the POST of a service request and the filters of GET requests.

Each check collects German messages for the client (the specification says the description of an
error "is meant to be seen by the user") together with the HTTP status the specification asks for.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from rathaus.reports.models import Category, Report
from rathaus.reports.questions import answers_clean

DESCRIPTION_LIMIT = 4000  # characters, as the specification limits description
# Characters of an address, as a report keeps it (Django's validator alone allows 320).
EMAIL_LIMIT = cast(int, Report._meta.get_field("reporter_email").max_length)
MAX_RESULTS = 1000
DEFAULT_WINDOW = timedelta(days=90)
# Times a search may name: reports exist only within these years, and no time zone is further than 14 hours from UTC.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
MAX_UTC_OFFSET = timedelta(hours=14)
_ATTRIBUTE_KEY = re.compile(r"^attribute\[(?P<code>[^\[\]]+)\](?P<many>\[\])?$")
_HTML = re.compile(r"<[a-zA-Z/!][^>]*>")


class Open311Error(Exception):
    """Input the specification says to refuse; ``errors`` holds (code, description) pairs."""

    def __init__(self, status: int, *errors: str) -> None:
        super().__init__(*errors)
        self.status = status
        self.errors = [(status, description) for description in errors]


def first_value(data: QueryDict, name: str) -> str:
    """A parameter, stripped; an empty one counts as missing ("Optional Arguments" in the specification)."""
    return (data.get(name) or "").strip()


# POST requests --------------------------------------------------------------------------------------


@dataclass
class ServiceRequestInput:
    """A service request as the client sent it, checked and ready for the reports service."""

    category: Category
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    address_id: str = ""
    description: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    email: str = ""
    name: str = ""
    phone: str = ""
    media_url: str = ""


def attribute_values(data: QueryDict) -> dict[str, list[str]]:
    """``attribute[code]=value`` and ``attribute[code][]=value`` pairs, by code."""
    values: dict[str, list[str]] = {}
    for key in data:
        match = _ATTRIBUTE_KEY.match(key)
        if match is None:
            continue
        given = [value.strip() for value in data.getlist(key) if value.strip()]
        values.setdefault(match["code"], []).extend(given)
    return values


def question_values(question: dict[str, Any]) -> list[tuple[str, str]]:
    """The options of a list question as (key, name); plain strings serve as both."""
    options = []
    for value in question.get("values") or []:
        if isinstance(value, dict):
            key = str(value.get("key", ""))
            options.append((key, str(value.get("name") or value.get("label") or key)))
        else:
            options.append((str(value), str(value)))
    return options


def _answers(category: Category, data: QueryDict, errors: list[str]) -> dict[str, Any]:
    """Answers to the extra questions, checked by the same rules as the web form."""
    given = attribute_values(data)
    raw: dict[str, Any] = {}
    labels: dict[str, str] = {}
    for question in category.questions or []:
        code = str(question.get("code", ""))
        labels[code] = str(question.get("label") or code)
        values = given.get(code, [])
        if question.get("datatype") == Category.Datatype.MULTI:
            raw[code] = values
        elif len(values) > 1:
            errors.append(_("attribute[%(code)s] nimmt nur einen Wert an.") % {"code": code})
        elif values:
            raw[code] = values[0]
    answers, problems = answers_clean(category, raw)
    for code, message in problems.items():
        errors.append(
            _("attribute[%(code)s] („%(label)s“): %(message)s")
            % {"code": code, "label": labels[code], "message": message}
        )
    return answers


def _coordinate(value: str, name: str, limit: int, errors: list[str]) -> float | None:
    try:
        number = float(value)
    except ValueError:
        errors.append(_("%(name)s muss eine Zahl sein (WGS84, Dezimalgrad).") % {"name": name})
        return None
    if not -limit <= number <= limit:
        errors.append(_("%(name)s liegt außerhalb von -%(limit)s bis %(limit)s.") % {"name": name, "limit": limit})
        return None
    return number


def _location(data: QueryDict, result: ServiceRequestInput, errors: list[str]) -> None:
    lat, lon = first_value(data, "lat"), first_value(data, "long")
    result.address = first_value(data, "address_string")[:300]
    result.address_id = first_value(data, "address_id")[:100]
    if lat or lon:
        if not (lat and lon):
            errors.append(_("lat und long müssen zusammen angegeben werden."))
            return
        result.lat = _coordinate(lat, "lat", 90, errors)
        result.lon = _coordinate(lon, "long", 180, errors)
    elif not (result.address or result.address_id):
        errors.append(
            _("Der Ort fehlt: Bitte lat und long, address_string oder address_id angeben (eines davon ist Pflicht).")
        )


def _contact(data: QueryDict, result: ServiceRequestInput, errors: list[str]) -> None:
    email = first_value(data, "email")
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            errors.append(_("email ist keine gültige E-Mail-Adresse."))
        else:
            if len(email) > EMAIL_LIMIT:
                errors.append(_("email darf höchstens %(limit)s Zeichen lang sein.") % {"limit": EMAIL_LIMIT})
            else:
                result.email = email
    result.name = " ".join(part for part in (first_value(data, "first_name"), first_value(data, "last_name")) if part)[
        :200
    ]
    result.phone = first_value(data, "phone")[:50]


def _text_and_media(data: QueryDict, result: ServiceRequestInput, errors: list[str]) -> None:
    description = (data.get("description") or "").strip()
    if len(description) > DESCRIPTION_LIMIT:
        errors.append(_("description darf höchstens 4.000 Zeichen lang sein."))
    elif _HTML.search(description):
        errors.append(_("description darf kein HTML enthalten."))
    else:
        result.description = description
    media_url = first_value(data, "media_url")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors.append(_("media_url ist keine gültige http- oder https-Adresse."))
        else:
            result.media_url = media_url


def service_request_input(*, category: Category, data: QueryDict) -> ServiceRequestInput:
    """The checked service request, or ``Open311Error`` (400) naming every problem at once."""
    errors: list[str] = []
    result = ServiceRequestInput(category=category)
    _location(data, result, errors)
    _text_and_media(data, result, errors)
    _contact(data, result, errors)
    result.answers = _answers(category, data, errors)
    if errors:
        raise Open311Error(400, *errors)
    return result


# GET requests ---------------------------------------------------------------------------------------


@dataclass
class RequestQuery:
    """The filters of ``GET requests``; ``ids`` overrides every other filter, as the specification says."""

    ids: list[uuid.UUID] | None = None
    service_codes: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    statuses: set[str] = field(default_factory=set)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def parse_w3c_datetime(value: str, *, end_of_day: bool = False) -> datetime | None:
    """A W3C date and time (``2026-11-01T00:00:00Z``, ``...+01:00``, or just a date); ``None`` if unreadable.

    A date alone is the start of that day, or with ``end_of_day`` its last moment: ``end_date=2026-11-01``
    includes everything reported on the 1st. The result keeps the offset it was given; ``w3c_in_range``
    tells whether the service can search with it."""
    try:
        # A date alone first: parse_datetime would read it as midnight, losing the end of the day.
        day = parse_date(value) if "T" not in value and " " not in value.strip() else None
        parsed = datetime.combine(day, time.max if end_of_day else time.min) if day else parse_datetime(value)
    except ValueError:
        return None
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def w3c_in_range(value: datetime) -> bool:
    """Whether a parsed time lies within the years reports can have and has a real UTC offset.

    Python reads offsets of up to 23:59 and the years 1 to 9999; PostgreSQL refuses offsets above 15:59,
    and the 90-day window or the conversion to UTC would leave the calendar at its ends."""
    offset = value.utcoffset()
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR and (offset is None or abs(offset) <= MAX_UTC_OFFSET)


def service_request_ids(value: str) -> list[uuid.UUID]:
    """The ids of a comma list that can be ids at all; others simply match nothing."""
    ids = []
    for part in _split(value):
        try:
            ids.append(uuid.UUID(part))
        except ValueError:
            continue
    return ids


def request_query(*, data: QueryDict, now: datetime) -> RequestQuery:
    """The checked filters, or ``Open311Error`` (400)."""
    if first_value(data, "service_request_id"):
        return RequestQuery(ids=service_request_ids(first_value(data, "service_request_id")))
    errors: list[str] = []
    query = RequestQuery(service_codes=_split(first_value(data, "service_code")))
    parsed: dict[str, datetime | None] = {}
    for name in ("start_date", "end_date"):
        raw = first_value(data, name)
        if not raw:
            parsed[name] = None
            continue
        value = parse_w3c_datetime(raw, end_of_day=name == "end_date")
        if value is None:
            errors.append(_("%(name)s ist kein Zeitpunkt im W3C-Format (z. B. 2026-11-01T00:00:00Z).") % {"name": name})
        elif not w3c_in_range(value):
            errors.append(
                _(
                    "%(name)s muss zwischen den Jahren %(first)s und %(last)s liegen, mit höchstens 14 Stunden Zeitzonen-Versatz."
                )
                % {"name": name, "first": EARLIEST_YEAR, "last": LATEST_YEAR}
            )
        else:
            parsed[name] = value.astimezone(UTC)
    statuses = {status.lower() for status in _split(first_value(data, "status"))}
    if statuses - {"open", "closed"}:
        errors.append(_("status kennt nur die Werte open und closed."))
    if errors:
        raise Open311Error(400, *errors)
    start, end = parsed["start_date"], parsed["end_date"]
    end_text = first_value(data, "end_date")
    if start is None and end is None:
        end = now
    if start is None:
        assert end is not None
        start = end - DEFAULT_WINDOW
    if end is None:
        end = start + DEFAULT_WINDOW
    if end < start:
        raise Open311Error(400, _("end_date liegt vor start_date."))
    # A date-only end_date reaches to the end of its day; that day does not count against the 90 days.
    allowed = DEFAULT_WINDOW + timedelta(days=1) if end_text and "T" not in end_text else DEFAULT_WINDOW
    if end - start > allowed:
        raise Open311Error(400, _("Der Zeitraum von start_date bis end_date darf höchstens 90 Tage umfassen."))
    query.start, query.end, query.statuses = start, end, statuses
    return query


def status_filter(statuses: set[str]) -> set[str]:
    """Our report statuses that the Open311 statuses ``open``/``closed`` stand for."""
    closed = {str(status) for status in Report.CLOSED_STATUSES}
    wanted: set[str] = set()
    if "closed" in statuses:
        wanted |= closed
    if "open" in statuses:
        wanted |= {str(status) for status in Report.Status} - closed
    return wanted
