#!/usr/bin/env python3
"""The online-application journey over HTTP against a running gunicorn (run by ``scripts/bench.py``).

Runs in the environment of the benchmark's throwaway database (``DJANGO_SETTINGS_MODULE``,
``DATABASE_URL`` and the rest from the environment, as for ``manage.py``), while bench.py's gunicorn
serves ``--host`` on ``--port``:

1. gives Esslingen's service "Sondernutzung öffentlicher Verkehrsflächen" a six-page online
   application through ``services.form_create`` and ``services.form_publish``: applicant (text fields,
   e-mail, phone), address, kind of use (choice, text area), place and dates (a cross-field rule),
   area (number, yes/no) and a required upload (PDF, JPEG or PNG);
2. generates the upload deterministically: a one-page PDF of about 200 KB (a scanned site plan: one
   greyscale image, Flate-compressed) or, with ``--upload jpeg``, a photo-like JPEG of about 200 KB
   without metadata;
3. drives complete journeys with ``--processes`` load-generator processes of ``--threads`` threads
   each (one simulated citizen per thread, a fresh cookie jar per journey, ``http.client``), as a
   browser with JavaScript does (the default): GET the start page, POST "Antrag starten" as htmx does
   (``HX-Request``), answered by page 1 with its address in ``HX-Push-Url``, per page POST its answers
   as its form says (``aktion=weiter``; multipart on the upload page, with the file, urlencoded
   elsewhere), answered by the next page and after the last by the check page, POST the declaration,
   answered by the confirmation: 9 requests. With ``--without-javascript`` every POST is answered by a
   redirect that is followed with a GET: 17 requests. Every response is checked (status, redirect
   target or pushed address, content), the CSRF token is taken from each form page. After ``--warmup`` seconds, journeys
   and requests that finish within ``--duration`` seconds are counted; journeys running at the end
   are finished (not counted) so that the database holds only complete submissions;
4. checks that the database holds exactly one submission, with its file, per confirmed journey (no
   loss, no duplicates) and counts the drafts that failed journeys left without submission;
5. profiles ``--profile-journeys`` journeys one at a time: per step the latency and the CPU time the
   gunicorn workers and the PostgreSQL backends of this database spent on it (``/proc/<pid>/schedstat``),
   and, in this process with Django's test client, the number of SQL statements per step;
6. runs ``processing.submission_process_steps`` (receipt PDF, confirmation e-mail to the locmem
   backend, hand-offs) for ``--receipts`` queued submissions in this one process: receipts per second
   per worker process. No worker runs during the web measurement: submissions queue up in the
   database task backend, as the task of bench.py does not start ``db_worker``;
7. prints one line of JSON to stdout (progress goes to stderr).

Refuses to run on SQLite or on a database whose name does not start with ``rathaus_bench_``
(unless ``--any-database``): it adds a form and thousands of submissions and leaves them there.
"""

import argparse
import http.client
import io
import multiprocessing
import os
import random
import re
import resource
import statistics
import sys
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench_common import log as _log
from bench_common import nearest_rank as _percentile
from bench_common import require_bench_database, run_in_django

BASE_DIR = Path(__file__).resolve().parent.parent
BIND_HOST = "127.0.0.1"

MUNICIPALITY_SLUG = "esslingen"
SERVICE_SLUG = "sondernutzung-verkehrsflaeche"
HANDOFF_EMAIL = "sondernutzung@esslingen.example.org"
UPLOAD_TARGET_BYTES = 200 * 1024
REQUEST_TIMEOUT = 60
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) rathaus-bench-applications/1"

FORM_DEFINITION: dict[str, Any] = {
    "schema_version": 1,
    "title": {
        "de": "Sondernutzungserlaubnis für eine öffentliche Verkehrsfläche beantragen",
        "en": "Apply for a special use permit for a public traffic area",
    },
    "intro": {
        "de": "Für Container, Gerüste, Baustelleneinrichtungen, Umzüge oder Infostände auf Gehweg, Straße "
        "oder Platz brauchen Sie eine Sondernutzungserlaubnis. Halten Sie einen Lageplan als PDF oder Foto "
        "bereit. Das Ausfüllen dauert etwa 10 Minuten.",
        "en": "Containers, scaffolding, site equipment, removals or information stands on a pavement, road or "
        "square need a special use permit. Have a site plan ready as a PDF or photo.",
    },
    "pages": [
        {
            "key": "antragsteller",
            "title": {"de": "Angaben zu Ihrer Person", "en": "About you"},
            "fields": [
                {"key": "vorname", "type": "text", "label": "Vorname", "required": True, "max_length": 100},
                {"key": "nachname", "type": "text", "label": "Nachname", "required": True, "max_length": 100},
                {
                    "key": "email",
                    "type": "email",
                    "label": "E-Mail-Adresse",
                    "required": True,
                    "prefill": "email",
                    "help": "An diese Adresse schicken wir die Empfangsbestätigung.",
                },
                {"key": "telefon", "type": "phone", "label": "Telefonnummer", "prefill": "phone"},
            ],
        },
        {
            "key": "anschrift",
            "title": {"de": "Ihre Anschrift", "en": "Your address"},
            "fields": [
                {"key": "anschrift", "type": "address", "label": "Anschrift", "required": True, "prefill": "address"},
                {
                    "key": "firma",
                    "type": "text",
                    "label": "Firma",
                    "help": "Nur, wenn Sie für ein Unternehmen beantragen.",
                    "max_length": 200,
                },
            ],
        },
        {
            "key": "nutzung",
            "title": {"de": "Art der Nutzung", "en": "Kind of use"},
            "fields": [
                {
                    "key": "nutzungsart",
                    "type": "choice",
                    "label": "Wofür möchten Sie die Fläche nutzen?",
                    "required": True,
                    "widget": "radio",
                    "options": [
                        {"value": "container", "label": "Container oder Mulde"},
                        {"value": "geruest", "label": "Gerüst"},
                        {"value": "baustelle", "label": "Baustelleneinrichtung"},
                        {"value": "umzug", "label": "Umzug (Möbelwagen, Außenaufzug)"},
                        {"value": "infostand", "label": "Infostand"},
                        {"value": "sonstiges", "label": "Sonstiges"},
                    ],
                },
                {
                    "key": "beschreibung",
                    "type": "textarea",
                    "label": "Beschreiben Sie kurz, was Sie aufstellen",
                    "required": True,
                    "max_length": 2000,
                },
            ],
        },
        {
            "key": "ort_zeitraum",
            "title": {"de": "Ort und Zeitraum", "en": "Place and period"},
            "fields": [
                {
                    "key": "ort",
                    "type": "text",
                    "label": "Straße und Hausnummer der Fläche",
                    "required": True,
                    "max_length": 200,
                },
                {"key": "beginn", "type": "date", "label": "Beginn", "required": True, "min_days": 3, "max_days": 365},
                {"key": "ende", "type": "date", "label": "Ende", "required": True, "min_days": 3, "max_days": 730},
            ],
        },
        {
            "key": "flaeche",
            "title": {"de": "Größe der Fläche", "en": "Size of the area"},
            "fields": [
                {
                    "key": "flaeche_qm",
                    "type": "number",
                    "label": "Fläche in Quadratmetern",
                    "required": True,
                    "min": 1,
                    "max": 500,
                },
                {
                    "key": "gehweg_frei",
                    "type": "yesno",
                    "label": "Bleibt für Fußgänger ein Durchgang von mindestens 1,50 m frei?",
                    "required": True,
                },
            ],
        },
        {
            "key": "unterlagen",
            "title": {"de": "Lageplan", "en": "Site plan"},
            "fields": [
                {
                    "key": "lageplan",
                    "type": "file",
                    "label": "Lageplan mit eingezeichneter Fläche",
                    "required": True,
                    "accept": ["pdf", "jpeg", "png"],
                    "max_size_mb": 10,
                    "max_files": 1,
                }
            ],
        },
    ],
    "rules": [
        {
            "when": {"field": "ende", "op": "lt", "value": {"field": "beginn"}},
            "message": "Das Ende darf nicht vor dem Beginn liegen.",
            "page": "ort_zeitraum",
            "field": "ende",
        }
    ],
    "fees": [
        {"label": "Verwaltungsgebühr", "amount": "30.00"},
        {"label": "Sondernutzungsgebühr je Quadratmeter", "amount": "1.50", "per": "flaeche_qm"},
    ],
    "declaration": "Ich versichere, dass meine Angaben richtig und vollständig sind. Ich sichere die Fläche "
    "nach den Auflagen der Erlaubnis ab und stelle den früheren Zustand wieder her.",
    "next_steps": "Wir prüfen Ihren Antrag, in der Regel innerhalb von 10 Arbeitstagen, und schicken Ihnen "
    "die Erlaubnis mit den Auflagen und einen Gebührenbescheid.",
    "processing_days": 10,
}
PAGE_KEYS = [page["key"] for page in FORM_DEFINITION["pages"]]
UPLOAD_PAGE = "unterlagen"
UPLOAD_FIELD = "lageplan"

GIVEN_NAMES = ["Anna", "Mehmet", "Sophie", "Lukas", "Elif", "Jonas", "Marie", "Paul", "Zeynep", "Felix"]
FAMILY_NAMES = ["Müller", "Schmidt", "Yılmaz", "Weber", "Fischer", "Wagner", "Becker", "Hoffmann", "Kaya"]
STREETS = ["Pliensaustraße", "Obertorstraße", "Bahnhofstraße", "Ritterstraße", "Hafenmarkt", "Mettinger Straße"]
USES = ["container", "geruest", "baustelle", "umzug", "infostand", "sonstiges"]


# --- the upload ---------------------------------------------------------------------------------


def scanned_pdf(target_bytes: int = UPLOAD_TARGET_BYTES, seed: int = 20261125) -> bytes:
    """A one-page A4 PDF like a scanned site plan: one greyscale image, Flate-compressed, about ``target_bytes``.

    Written by hand (standard library only) and the same for the same arguments: paper-white
    background with scanner noise, dark lines of a plan, and enough fine noise that the compressed
    image reaches the size of a typical 150 dpi office scan.
    """
    rng = random.Random(seed)
    width, height = 1240, 1754  # A4 at 150 dpi
    # The compressed size grows with the noisy rows; find how many give the target size.
    quiet = bytes([0]) + bytes([246]) * width
    noisy_pool = [bytes([0]) + bytes(rng.randint(150, 255) for _ in range(width)) for _ in range(64)]
    line_row = bytes([0]) + bytes(40 if (x // 8) % 6 == 0 else 246 for x in range(width))
    low, high = 0, height
    while low < high:
        middle = (low + high) // 2
        size = len(zlib.compress(_image_rows(quiet, noisy_pool, line_row, height, middle), 6))
        if size < target_bytes - 3000:
            low = middle + 1
        else:
            high = middle
    image = zlib.compress(_image_rows(quiet, noisy_pool, line_row, height, low), 6)
    content = b"q 595.28 0 0 841.89 0 0 cm /Scan Do Q\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Resources << /XObject << /Scan 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors 1 /Columns %d >> /Length %d >>\nstream\n"
        % (width, height, width, len(image))
        + image
        + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
        b"<< /Producer (rathaus bench) /Title (Lageplan) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _image_rows(quiet: bytes, noisy_pool: list[bytes], line_row: bytes, height: int, noisy: int) -> bytes:
    """Rows of the scan with PNG filter byte 0: ``noisy`` noisy rows spread over the page, plan lines, paper."""
    step = height / noisy if noisy else 0
    noisy_at = {int(index * step) for index in range(noisy)} if noisy else set()
    rows = []
    for y in range(height):
        if y in noisy_at:
            rows.append(noisy_pool[y % len(noisy_pool)])
        elif y % 97 == 0:
            rows.append(line_row)
        else:
            rows.append(quiet)
    return b"".join(rows)


def photo_jpeg(target_bytes: int = UPLOAD_TARGET_BYTES, seed: int = 20261125) -> bytes:
    """A photo-like JPEG of about ``target_bytes`` without metadata (Pillow, deterministic for one Pillow)."""
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    width, height = 1600, 1200
    noise = Image.frombytes(
        "L", (width // 4, height // 4), bytes(rng.randrange(256) for _ in range(width * height // 16))
    )
    base = noise.resize((width, height), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(1.2))
    image = Image.merge("RGB", (base, base.point(lambda value: value * 0.9), base.point(lambda value: value * 0.7)))
    low, high = 20, 95
    best = b""
    while low <= high:
        quality = (low + high) // 2
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=quality)
        data = buffer.getvalue()
        if len(data) <= target_bytes:
            best, low = data, quality + 1
        else:
            high = quality - 1
    return best


def upload_file(kind: str) -> tuple[str, str, bytes]:
    """Name, content type and bytes of the file every journey uploads."""
    if kind == "jpeg":
        return "Lageplan.jpg", "image/jpeg", photo_jpeg()
    return "Lageplan.pdf", "application/pdf", scanned_pdf()


# --- the HTTP client -----------------------------------------------------------------------------

_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_DRAFT_PAGE = re.compile(r"^/antraege/([0-9a-f-]{36})/([a-z0-9_-]+)/$")
_MULTIPART_FORM = b'enctype="multipart/form-data"'
_CONFIRMATION = re.compile(r"^/antraege/eingereicht/([0-9a-f-]{36})/$")
_REFERENCE = re.compile(rb'id="aktenzeichen">([^<]+)<')
_ERROR_TEXT = re.compile(rb'class="kern-error[^"]*"[^>]*>(.*?)</', re.DOTALL)


class JourneyError(Exception):
    """A response that a browser would not have got on the happy path.

    ``kind`` names the step and what went wrong (``"POST submit: 500"``), for counting.
    """

    def __init__(self, message: str, kind: str = "") -> None:
        super().__init__(message)
        self.kind = kind or message.split(":", 1)[0]


@dataclass(frozen=True)
class Step:
    name: str
    method: str
    path: str  # with <slug>, <draft>, <submission> for the report


def journey_steps(slug: str, javascript: bool) -> list[Step]:
    """The requests of one journey. With JavaScript, htmx posts "Antrag starten" and each page's "Weiter" and gets
    the next page (or the check page) as the answer; without, each post is answered by a redirect and its GET."""
    steps = [
        Step("start page", "GET", f"/leistungen/{slug}/antrag/"),
        Step("start the application" + (" → page 1" if javascript else ""), "POST", f"/leistungen/{slug}/antrag/"),
    ]
    for number, key in enumerate(PAGE_KEYS, start=1):
        upload = " (upload)" if key == UPLOAD_PAGE else ""
        if javascript:
            after = f"page {number + 1}" if number < len(PAGE_KEYS) else "check answers"
            steps.append(Step(f"page {number} {key}: answers{upload} → {after}", "POST", f"/antraege/<draft>/{key}/"))
        else:
            steps.append(Step(f"page {number} {key}", "GET", f"/antraege/<draft>/{key}/"))
            steps.append(Step(f"page {number} {key}: answers{upload}", "POST", f"/antraege/<draft>/{key}/"))
    if javascript:
        return [*steps, Step("submit → confirmation", "POST", "/antraege/<draft>/pruefen/")]
    return [
        *steps,
        Step("check answers", "GET", "/antraege/<draft>/pruefen/"),
        Step("submit", "POST", "/antraege/<draft>/pruefen/"),
        Step("confirmation", "GET", "/antraege/eingereicht/<submission>/"),
    ]


class Browser:
    """One citizen's browser: a cookie jar and one connection (reopened when gunicorn closes it)."""

    def __init__(self, port: int, host: str, probe: "CpuProbe | None" = None, javascript: bool = True) -> None:
        self.port = port
        self.javascript = javascript
        self.host = host
        self.origin = f"https://{host}"
        self.connection = http.client.HTTPConnection(BIND_HOST, port, timeout=REQUEST_TIMEOUT)
        self.cookies: dict[str, str] = {}
        self.probe = probe
        self.timings: list[tuple[int, float, float]] = []  # step, start, end (time.monotonic)

    def reset(self) -> None:
        """A new citizen: no cookies."""
        self.cookies = {}

    def request(
        self, step: int, method: str, path: str, body: bytes = b"", content_type: str = "", htmx: bool = False
    ) -> tuple[int, str, bytes]:
        """Status, where to go next (``Location``; for htmx the address pushed or to load), body."""
        headers = {
            "Host": self.host,
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml",
            "Accept-Language": "de-DE,de;q=0.9",
            # As behind the TLS-terminating proxy of a production installation.
            "X-Forwarded-Proto": "https",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if method == "POST":
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
            headers["Content-Type"] = content_type
        if htmx:
            headers["HX-Request"] = "true"
            headers["HX-Current-URL"] = self.origin + path
        if self.probe is not None:
            self.probe.before()
        started = time.monotonic()
        try:
            self.connection.request(method, path, body=body if method == "POST" else None, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            raise JourneyError(
                f"{method} {path}: {type(error).__name__}: {error}", kind=f"{method} {path}: {type(error).__name__}"
            ) from error
        ended = time.monotonic()
        if self.probe is not None:
            self.probe.after(step)
        self.timings.append((step, started, ended))
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _equals, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""') or "max-age=0" in rest.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        location = response.getheader("Location") or ""
        if htmx and not location:
            # The next page came as the answer (its address pushed), or htmx is told to load another page whole.
            location = response.getheader("HX-Push-Url") or response.getheader("HX-Redirect") or ""
        return response.status, location, data


def _form_body(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    from urllib.parse import urlencode

    return urlencode(fields).encode(), "application/x-www-form-urlencoded"


def _multipart_body(fields: list[tuple[str, str]], files: list[tuple[str, str, str, bytes]]) -> tuple[bytes, str]:
    boundary = "----RathausBench7d9f2a61c0e34b58"
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, file_name, content_type, data in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def page_answers(number: int, today: date) -> dict[str, list[tuple[str, str]]]:
    """The answers of journey ``number``, per page, as a browser posts them (varied, always valid)."""
    given = GIVEN_NAMES[number % len(GIVEN_NAMES)]
    family = FAMILY_NAMES[(number // len(GIVEN_NAMES)) % len(FAMILY_NAMES)]
    street = STREETS[number % len(STREETS)]
    use = USES[number % len(USES)]
    start = today + timedelta(days=14 + number % 30)
    return {
        "antragsteller": [
            ("vorname", given),
            ("nachname", family),
            ("email", f"{given.lower()}.{number}@example.org"),
            ("telefon", f"0711 {310000 + number % 600000}"),
        ],
        "anschrift": [
            ("anschrift__street", street),
            ("anschrift__house_number", str(1 + number % 120)),
            ("anschrift__addition", ""),
            ("anschrift__postal_code", "73728"),
            ("anschrift__city", "Esslingen am Neckar"),
            ("firma", "" if number % 3 else f"Bau {family} GmbH"),
        ],
        "nutzung": [
            ("nutzungsart", use),
            (
                "beschreibung",
                f"{use.capitalize()} vor dem Haus, etwa {2 + number % 8} m lang; Zufahrt für Rettungsdienste bleibt frei.",
            ),
        ],
        "ort_zeitraum": [
            ("ort", f"{street} {1 + number % 120}"),
            ("beginn", start.isoformat()),
            ("ende", (start + timedelta(days=1 + number % 10)).isoformat()),
        ],
        "flaeche": [("flaeche_qm", str(4 + number % 40)), ("gehweg_frei", "ja")],
        UPLOAD_PAGE: [],
    }


def _error_hint(body: bytes) -> str:
    found = _ERROR_TEXT.search(body)
    text = found.group(1) if found else body[:300]
    return " ".join(re.sub(rb"<[^>]+>", b" ", text).decode("utf-8", "replace").split())[:300]


def _expect(status: int, wanted: int, step: Step, location: str, body: bytes) -> None:
    if status != wanted:
        where = f" → {location}" if location else ""
        raise JourneyError(
            f"{step.method} {step.name}: {status}{where} instead of {wanted}: {_error_hint(body)}",
            kind=f"{step.method} {step.name}: {status}",
        )


def _token(body: bytes, step: Step) -> str:
    found = _CSRF.search(body)
    if found is None:
        raise JourneyError(f"{step.method} {step.name}: no CSRF token in the page")
    return found.group(1).decode()


def run_journey(browser: Browser, slug: str, number: int, upload: tuple[str, str, bytes], today: date) -> str:
    """One complete journey; returns the submission id. Raises JourneyError at the first unexpected answer.

    With ``browser.javascript`` it posts as htmx does (``hx-post`` on "Antrag starten", on each page's "Weiter"
    and on "Antrag verbindlich absenden"): each answer is the next page, with its address in ``HX-Push-Url``."""
    javascript = browser.javascript
    steps = journey_steps(slug, javascript)
    answers = page_answers(number, today)
    browser.reset()
    start_path = f"/leistungen/{slug}/antrag/"
    status, location, body = browser.request(0, "GET", start_path)
    _expect(status, 200, steps[0], location, body)
    token = _token(body, steps[0])
    moved = 200 if javascript else 302
    status, location, body = browser.request(
        1, "POST", start_path, *_form_body([("csrfmiddlewaretoken", token)]), htmx=javascript
    )
    _expect(status, moved, steps[1], location, body)
    path = location
    step = 2
    if path.rstrip("/") == start_path.rstrip("/"):
        raise JourneyError(
            f"{steps[1].name}: sent back to the start page (the per-address limit, RATHAUS_APPLICATION_START_RATE?)",
            kind=f"POST {steps[1].name}: sent back",
        )
    for key in PAGE_KEYS:
        found = _DRAFT_PAGE.match(path)
        if found is None or found.group(2) != key:
            raise JourneyError(f"{steps[step - 1].name}: went to {path!r}, expected page {key!r}")
        if not javascript:
            status, location, body = browser.request(step, "GET", path)
            _expect(status, 200, steps[step], location, body)
            step += 1
        token = _token(body, steps[step - 1])
        fields = [("csrfmiddlewaretoken", token), *answers[key], ("aktion", "weiter")]
        # As a browser does: multipart where the page's form says so (pages that ask for a file), else urlencoded.
        multipart = _MULTIPART_FORM in body
        if key == UPLOAD_PAGE:
            if not multipart:
                raise JourneyError(f"{steps[step].name}: the upload page's form is not multipart/form-data")
            file_name, content_type, data = upload
            post = _multipart_body(fields, [(UPLOAD_FIELD, file_name, content_type, data)])
        else:
            post = _multipart_body(fields, []) if multipart else _form_body(fields)
        status, location, body = browser.request(step, "POST", path, *post, htmx=javascript)
        _expect(status, moved, steps[step], location, body)
        path = location
        step += 1
    draft_id = _DRAFT_PAGE.match(path)
    if draft_id is None or draft_id.group(2) != "pruefen":
        raise JourneyError(f"{steps[step - 1].name}: went to {path!r}, expected the check page")
    if not javascript:
        status, location, body = browser.request(step, "GET", path)
        _expect(status, 200, steps[step], location, body)
        step += 1
    if b'name="declaration"' not in body:
        raise JourneyError("check answers: no declaration in the page")
    token = _token(body, steps[step - 1])
    post = _form_body([("csrfmiddlewaretoken", token), ("declaration", "on")])
    status, location, body = browser.request(step, "POST", path, *post, htmx=javascript)
    _expect(status, moved, steps[step], location, body)
    confirmation = _CONFIRMATION.match(location)
    if confirmation is None:
        raise JourneyError(f"submit: went to {location!r}, expected the confirmation")
    if not javascript:
        status, location, body = browser.request(step + 1, "GET", confirmation.group(0))
        _expect(status, 200, steps[step + 1], location, body)
    if _REFERENCE.search(body) is None:
        raise JourneyError("confirmation: no reference (Aktenzeichen) in the page")
    return confirmation.group(1)


# --- the load generator (separate processes, standard library only) -----------------------------


@dataclass
class ClientResult:
    requests: list[tuple[int, float, float]] = field(default_factory=list)  # step, start, end
    journeys: list[tuple[float, float, str]] = field(default_factory=list)  # start, end, submission id
    errors: list[tuple[str, str]] = field(default_factory=list)  # kind, message
    cpu_seconds: float = 0.0  # of the whole process, within the measured window


def _user(
    port: int,
    host: str,
    slug: str,
    upload: tuple[str, str, bytes],
    first_number: int,
    stride: int,
    start_at: float,
    stop_at: float,
    result: ClientResult,
    lock: threading.Lock,
    javascript: bool,
) -> None:
    browser = Browser(port, host, javascript=javascript)
    today = date.today()
    number = first_number
    while time.monotonic() < start_at:
        time.sleep(0.005)
    while time.monotonic() < stop_at:
        browser.timings = []
        started = time.monotonic()
        try:
            submission_id = run_journey(browser, slug, number, upload, today)
        except JourneyError as error:
            with lock:
                result.errors.append((error.kind, str(error)))
                result.requests.extend(browser.timings)
            time.sleep(0.2)
            continue
        finally:
            number += stride
        with lock:
            result.requests.extend(browser.timings)
            result.journeys.append((started, time.monotonic(), submission_id))


def client_process(
    index: int,
    threads: int,
    processes: int,
    port: int,
    host: str,
    slug: str,
    upload_kind: str,
    start_at: float,
    measure_from: float,
    stop_at: float,
    queue: Any,
    javascript: bool,
) -> None:
    """One load-generator process: ``threads`` citizens one after another, results sent through ``queue``."""
    upload = upload_file(upload_kind)
    result = ClientResult()
    cpu: list[float] = []

    def own_cpu() -> None:
        for moment in (measure_from, stop_at):
            while time.monotonic() < moment:
                time.sleep(0.005)
            usage = resource.getrusage(resource.RUSAGE_SELF)
            cpu.append(usage.ru_utime + usage.ru_stime)

    sampler = threading.Thread(target=own_cpu, daemon=True)
    sampler.start()
    lock = threading.Lock()
    workers = [
        threading.Thread(
            target=_user,
            args=(
                port,
                host,
                slug,
                upload,
                index + processes * t,
                processes * threads,
                start_at,
                stop_at,
                result,
                lock,
                javascript,
            ),
            daemon=True,
        )
        for t in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    sampler.join()
    result.cpu_seconds = cpu[1] - cpu[0]
    queue.put((index, result))


# --- CPU accounting through /proc ------------------------------------------------------------------


def _schedstat_ns(pid: int) -> int:
    """Nanoseconds the threads of ``pid`` have run on a CPU (gthread workers have several); 0 if it is gone."""
    total = 0
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/schedstat", "rb") as file:
                total += int(file.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as file:
                fields = file.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def _postgres_pids() -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm", "rb") as file:
                    if file.read().strip() == b"postgres":
                        found.append(int(entry))
            except OSError:
                continue
    return found


def _machine_busy() -> tuple[int, int]:
    """Busy and total jiffies of all CPUs since boot."""
    with open("/proc/stat", "rb") as file:
        values = [int(value) for value in file.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])
    return total - idle, total


class CpuProbe:
    """CPU time of the gunicorn workers and of this database's PostgreSQL backends around each request."""

    def __init__(self, server_pid: int, backend_pids: Callable[[], list[int]]) -> None:
        self.server_pid = server_pid
        self.backend_pids = backend_pids
        self.web: list[int] = []
        self.db: list[int] = []
        self.samples: dict[int, list[tuple[float, float, float]]] = {}  # step: (web ms, db ms, client ms)
        self._before = (0, 0, 0.0)

    def refresh(self) -> None:
        self.web = [self.server_pid, *_children(self.server_pid)]
        self.db = self.backend_pids()

    def _now(self) -> tuple[int, int, float]:
        return (
            sum(_schedstat_ns(pid) for pid in self.web),
            sum(_schedstat_ns(pid) for pid in self.db),
            time.thread_time(),
        )

    def before(self) -> None:
        self._before = self._now()

    def after(self, step: int) -> None:
        web, db, client = self._now()
        self.samples.setdefault(step, []).append(
            ((web - self._before[0]) / 1e6, (db - self._before[1]) / 1e6, (client - self._before[2]) * 1000)
        )


# --- Django side -----------------------------------------------------------------------------------


def prepare_form() -> dict[str, Any]:
    """The six-page form on Esslingen's service, created and published through the services."""
    from rathaus.applications import services
    from rathaus.catalogue.models import Service

    service = (
        Service.objects.select_related("municipality")
        .filter(municipality__slug=MUNICIPALITY_SLUG, slug=SERVICE_SLUG, is_published=True)
        .first()
    )
    if service is None:
        raise SystemExit(
            f"bench_applications: {MUNICIPALITY_SLUG} has no published service {SERVICE_SLUG!r}; "
            "run load_demo_data first (or change SERVICE_SLUG)"
        )
    form = services.form_create(municipality=service.municipality, service=service, definition=FORM_DEFINITION)
    form.handoff_backends = ["email"]
    form.handoff_email = HANDOFF_EMAIL
    form.save(update_fields=["handoff_backends", "handoff_email"])
    version = services.form_publish(form=form)
    return {"slug": service.slug, "name": service.name, "version_id": version.pk, "form_id": form.pk}


def backend_pids() -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def verify(version_id: int, completed: list[str], failed: int) -> dict[str, Any]:
    """The database holds exactly the submissions the clients saw confirmed."""
    from rathaus.applications.models import Draft, Submission

    in_db = {str(pk) for pk in Submission.objects.filter(version_id=version_id).values_list("pk", flat=True)}
    seen = set(completed)
    drafts = Draft.objects.filter(version_id=version_id).count()
    open_drafts = Draft.objects.filter(version_id=version_id, submission__isnull=True).count()
    uploads = Submission.objects.filter(version_id=version_id, uploads__isnull=False).values("pk").distinct().count()
    return {
        "journeys_completed": len(completed),
        "submissions_in_db": len(in_db),
        "duplicate_confirmations": len(completed) - len(seen),
        "missing_in_db": len(seen - in_db),
        "unconfirmed_in_db": len(in_db - seen),
        "drafts": drafts,
        "drafts_without_submission": open_drafts,
        "submissions_with_upload": uploads,
        "journeys_failed": failed,
        # Every confirmed journey has its submission, with its file; nothing else was submitted.
        "ok": len(completed) == len(seen) == len(in_db) and seen == in_db and uploads == len(in_db),
    }


def query_counts(slug: str, host: str, upload: tuple[str, str, bytes], javascript: bool) -> list[int]:
    """SQL statements per step of one journey, in this process through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="https", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    counts = []
    answers = page_answers(999_999, date.today())

    def call(method: str, path: str, data: dict[str, Any] | None = None, htmx: bool = False) -> Any:
        headers = {"HX-Request": "true"} if htmx else {}
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path) if method == "GET" else client.post(path, data or {}, headers=headers)
        counts.append(len(queries))
        return response

    def went_to(response: Any) -> str:
        return str(response["HX-Push-Url"] if javascript else response["Location"])

    start = f"/leistungen/{slug}/antrag/"
    call("GET", start)
    path = went_to(call("POST", start, htmx=javascript))
    for key in PAGE_KEYS:
        if not javascript:
            call("GET", path)
        data: dict[str, Any] = dict(answers[key])
        data["aktion"] = "weiter"
        if key == UPLOAD_PAGE:
            file = io.BytesIO(upload[2])
            file.name = upload[0]
            data[UPLOAD_FIELD] = file
        response = call("POST", path, data, htmx=javascript)
        if response.status_code != (200 if javascript else 302):
            raise SystemExit(f"bench_applications: in-process journey stopped at {key}: {response.status_code}")
        path = went_to(response)
    if not javascript:
        call("GET", path)
    confirmation = went_to(call("POST", path, {"declaration": "on"}, htmx=javascript))
    if not javascript:
        call("GET", confirmation)
    return counts


def receipts(version_id: int, count: int, warmup: int) -> dict[str, Any]:
    """``submission_process_steps`` for queued submissions, one after another in this process."""
    from django.conf import settings
    from django.core import mail

    from rathaus.applications import processing, receipt
    from rathaus.applications.models import Submission

    # The confirmation e-mail carries the receipt; keep it in memory instead of printing it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    render_seconds: list[float] = []
    original = receipt.receipt_render

    def timed_render(**kwargs: Any) -> bytes:
        started = time.perf_counter()
        try:
            return original(**kwargs)
        finally:
            render_seconds.append(time.perf_counter() - started)

    receipt.receipt_render = timed_render  # type: ignore[assignment]
    ids = [
        str(pk)
        for pk in Submission.objects.filter(version_id=version_id, processed_at__isnull=True)
        .order_by("submitted_at")
        .values_list("pk", flat=True)[: count + warmup]
    ]
    if len(ids) < warmup + 1:
        raise SystemExit(f"bench_applications: only {len(ids)} queued submissions for the receipt timing")
    timings = []
    try:
        for position, submission_id in enumerate(ids):
            started = time.perf_counter()
            processing.submission_process_steps(submission_id=submission_id)
            elapsed = time.perf_counter() - started
            if position >= warmup:
                timings.append(elapsed)
            else:
                render_seconds.clear()
            mail.outbox = mail.outbox[-1:]
    finally:
        receipt.receipt_render = original  # type: ignore[assignment]
    done = Submission.objects.filter(pk__in=ids[warmup:], processed_at__isnull=False).exclude(receipt="")
    sizes = [submission.receipt.size for submission in done]
    total = sum(timings)
    return {
        "count": len(timings),
        "warmup": warmup,
        "seconds": round(total, 3),
        "per_second": round(len(timings) / total, 2) if total else 0.0,
        "p50_ms": round(_percentile([t * 1000 for t in timings], 50), 1),
        "p95_ms": round(_percentile([t * 1000 for t in timings], 95), 1),
        "render_mean_ms": round(statistics.mean(render_seconds) * 1000, 1) if render_seconds else 0.0,
        "render_share": round(sum(render_seconds) / total, 3) if total else 0.0,
        "processed": done.count(),
        "pdf_kilobytes_mean": round(statistics.mean(sizes) / 1000, 1) if sizes else 0.0,
        "emails_sent": Submission.objects.filter(pk__in=ids[warmup:], confirmation_sent_at__isnull=False).count(),
    }


# --- phases ------------------------------------------------------------------------------------------


def load(args: argparse.Namespace, slug: str, server_pid: int) -> tuple[dict[str, Any], list[str]]:
    """Drive journeys from separate processes; returns the load results and every confirmed submission id."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    start_at = time.monotonic() + 3.0  # time for the processes to start and build the upload
    measure_from = start_at + args.warmup
    measure_until = measure_from + args.duration
    processes = [
        context.Process(
            target=client_process,
            args=(
                index,
                args.threads,
                args.processes,
                args.port,
                args.host,
                slug,
                args.upload,
                start_at,
                measure_from,
                measure_until,
                queue,
                args.javascript,
            ),
            daemon=True,
        )
        for index in range(args.processes)
    ]
    for process in processes:
        process.start()
    web_pids = [server_pid, *_children(server_pid)]
    # CPU of the machine, of gunicorn and of PostgreSQL over the measured window.
    while time.monotonic() < measure_from:
        time.sleep(0.01)
    pg_pids = _postgres_pids()
    first = (_machine_busy(), sum(map(_schedstat_ns, web_pids)), {pid: _schedstat_ns(pid) for pid in pg_pids})
    while time.monotonic() < measure_until:
        time.sleep(0.01)
    pg_after = {pid: _schedstat_ns(pid) for pid in _postgres_pids()}
    last = (_machine_busy(), sum(map(_schedstat_ns, web_pids)))
    results: list[ClientResult] = []
    deadline = time.monotonic() + REQUEST_TIMEOUT * 3
    while len(results) < len(processes):
        try:
            results.append(queue.get(timeout=max(1.0, deadline - time.monotonic()))[1])
        except Exception as error:  # queue.Empty, or a process that died
            raise SystemExit(f"bench_applications: a load-generator process did not report: {error}") from error
    for process in processes:
        process.join(timeout=10)

    requests = [item for result in results for item in result.requests]
    journeys = [item for result in results for item in result.journeys]
    errors = [item for result in results for item in result.errors]
    in_window = [(step, end - start) for step, start, end in requests if measure_from <= end < measure_until]
    steps = journey_steps(slug, args.javascript)
    by_step: dict[int, list[float]] = {index: [] for index in range(len(steps))}
    for step, seconds in in_window:
        by_step[step].append(seconds * 1000)
    counted = [(start, end) for start, end, _id in journeys if measure_from <= end < measure_until]
    durations = [(end - start) * 1000 for start, end in counted]
    (busy_before, total_before), (busy_after, total_after) = first[0], last[0]
    window_jiffies = max(total_after - total_before, 1)
    cpus = os.cpu_count() or 1
    seconds = args.duration
    web_share = (last[1] - first[1]) / 1e9 / seconds / cpus
    pg_share = sum(max(pg_after.get(pid, 0) - before, 0) for pid, before in first[2].items()) / 1e9 / seconds / cpus
    client_share = sum(result.cpu_seconds for result in results) / seconds / cpus
    busy = (busy_after - busy_before) / window_jiffies
    summary = {
        "users": args.processes * args.threads,
        "processes": args.processes,
        "threads": args.threads,
        "warmup": args.warmup,
        "duration": args.duration,
        "journeys": len(counted),
        "journeys_per_second": round(len(counted) / seconds, 2),
        "requests": len(in_window),
        "requests_per_second": round(len(in_window) / seconds, 1),
        "requests_per_journey": len(steps),
        "journeys_total": len(journeys),
        "journey_p50_ms": round(_percentile(durations, 50), 1),
        "journey_p95_ms": round(_percentile(durations, 95), 1),
        "errors": len(errors),
        "error_kinds": dict(Counter(kind for kind, _message in errors).most_common()),
        "error_examples": list(dict.fromkeys(message for _kind, message in errors))[:5],
        "steps": [
            {
                "name": step.name,
                "method": step.method,
                "path": step.path,
                "count": len(by_step[index]),
                "p50_ms": round(_percentile(by_step[index], 50), 1),
                "p95_ms": round(_percentile(by_step[index], 95), 1),
                "p99_ms": round(_percentile(by_step[index], 99), 1),
                "mean_ms": round(statistics.mean(by_step[index]), 1) if by_step[index] else 0.0,
            }
            for index, step in enumerate(steps)
        ],
        "cpu": {
            "cpus": cpus,
            "busy": round(busy, 3),
            "gunicorn": round(web_share, 3),
            "postgresql": round(pg_share, 3),
            "load_generator": round(client_share, 3),
            # Everything else on the machine: the kernel's share of networking, other people's work.
            "other": round(max(busy - web_share - pg_share - client_share, 0.0), 3),
        },
    }
    return summary, [submission_id for _start, _end, submission_id in journeys]


def profile(args: argparse.Namespace, slug: str, server_pid: int) -> dict[str, Any]:
    """Journeys one at a time: latency and server CPU per step."""
    probe = CpuProbe(server_pid, backend_pids)
    browser = Browser(args.port, args.host, probe=probe, javascript=args.javascript)
    upload = upload_file(args.upload)
    today = date.today()
    try:
        for number in range(2):  # warm-up: connections, caches
            probe.refresh()
            run_journey(browser, slug, 10_000_000 + number, upload, today)
        probe.samples.clear()
        browser.timings = []
        for number in range(args.profile_journeys):
            probe.refresh()
            run_journey(browser, slug, 10_000_100 + number, upload, today)
    except JourneyError as error:
        raise SystemExit(f"bench_applications: a journey of the profile failed: {error}") from error
    latencies: dict[int, list[float]] = {}
    for step_index, started, ended in browser.timings:
        latencies.setdefault(step_index, []).append((ended - started) * 1000)
    counts = query_counts(slug, args.host, upload, args.javascript)
    steps = journey_steps(slug, args.javascript)
    rows: list[dict[str, Any]] = []
    for index, step in enumerate(steps):
        samples = probe.samples.get(index, [])
        rows.append(
            {
                "name": step.name,
                "method": step.method,
                "latency_ms": round(statistics.median(latencies.get(index, [0.0])), 2),
                "web_cpu_ms": round(statistics.median(s[0] for s in samples), 2) if samples else 0.0,
                "db_cpu_ms": round(statistics.median(s[1] for s in samples), 2) if samples else 0.0,
                "client_cpu_ms": round(statistics.median(s[2] for s in samples), 2) if samples else 0.0,
                "queries": counts[index] if index < len(counts) else None,
            }
        )
    web = sum(row["web_cpu_ms"] for row in rows)
    db = sum(row["db_cpu_ms"] for row in rows)
    client = sum(row["client_cpu_ms"] for row in rows)
    cpus = os.cpu_count() or 1
    return {
        "journeys": args.profile_journeys,
        "steps": rows,
        "web_cpu_ms": round(web, 1),
        "db_cpu_ms": round(db, 1),
        "client_cpu_ms": round(client, 1),
        "latency_ms": round(sum(row["latency_ms"] for row in rows), 1),
        "queries": sum(row["queries"] or 0 for row in rows),
        # What the CPUs could do if web and database work were all there is (no load generator).
        "cpu_bound_journeys_per_second": round(cpus * 1000 / (web + db), 1) if web + db else 0.0,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    require_bench_database(
        "bench_applications", any_database=args.any_database, leaves_behind="a form and thousands of submissions"
    )
    form = prepare_form()
    _log(f"form published on {form['slug']!r} (version {form['version_id']}), {len(PAGE_KEYS)} pages")
    name, content_type, data = upload_file(args.upload)
    _log(f"upload: {name} ({content_type}), {len(data):,} bytes")

    # Nothing of this process may hold a connection the forked-off clients could share (they are spawned anyway).
    connection.close()
    started = time.monotonic()
    summary, confirmed = load(args, form["slug"], args.server_pid)
    _log(
        f"load: {summary['journeys']} journeys in {args.duration} s ({summary['journeys_per_second']}/s), "
        f"{summary['requests_per_second']} req/s, {summary['errors']} errors, {time.monotonic() - started:.1f} s"
    )
    check = verify(form["version_id"], confirmed, summary["errors"])
    _log(f"verification: {check}")
    profiled = profile(args, form["slug"], args.server_pid)
    _log(
        f"profile: {profiled['web_cpu_ms']} ms gunicorn + {profiled['db_cpu_ms']} ms PostgreSQL CPU per journey, "
        f"{profiled['queries']} SQL statements"
    )
    receipt_timing = receipts(form["version_id"], args.receipts, warmup=2)
    _log(f"receipts: {receipt_timing}")
    return {
        "form": form,
        "javascript": args.javascript,
        "pages": len(PAGE_KEYS),
        "upload": {
            "kind": args.upload,
            "file_name": name,
            "content_type": content_type,
            "bytes": len(data),
        },
        **summary,
        "verification": check,
        "profile": profiled,
        "receipts": receipt_timing,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--port", type=int, required=True, help="port of the running gunicorn on 127.0.0.1")
    parser.add_argument("--host", default="esslingen.localhost", help="host name Esslingen is served under")
    parser.add_argument("--server-pid", type=int, required=True, help="pid of the gunicorn arbiter (for CPU times)")
    parser.add_argument("--processes", type=int, default=2, help="load-generator processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="citizens (threads) per process (default 4)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds before measuring (default 5)")
    parser.add_argument("--duration", type=int, default=30, help="seconds measured (default 30)")
    parser.add_argument(
        "--upload", choices=["pdf", "jpeg"], default="pdf", help="kind of the 200 KB file (default pdf)"
    )
    parser.add_argument("--profile-journeys", type=int, default=20, help="journeys profiled one at a time (default 20)")
    parser.add_argument("--receipts", type=int, default=30, help="submissions processed for the receipt timing")
    parser.add_argument(
        "--without-javascript",
        dest="javascript",
        action="store_false",
        help="post every step as a plain form, answered by a redirect and its GET (default: as htmx does)",
    )
    parser.add_argument("--any-database", action="store_true", help="also run on a database not named rathaus_bench_…")
    args = parser.parse_args(argv)
    if min(args.processes, args.threads, args.duration, args.profile_journeys, args.receipts) < 1 or args.warmup < 0:
        parser.error("--processes, --threads, --duration, --profile-journeys and --receipts must be at least 1")
    return run_in_django(parser, args, run)


if __name__ == "__main__":
    sys.exit(main())
