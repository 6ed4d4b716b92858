"""Appointments: where and when citizens can be served, and who has booked which time.

No two bookings can hold the same capacity: every appointment claims its counter's time as rows of
``SlotClaim``, one per 5-minute grain aligned to the epoch (``GRAIN_MINUTES``), and the database refuses a
second claim on the same counter and grain. The grain is fixed and global, not the location's grid, so two
overlapping appointments on one counter collide in the database even after ``slot_minutes`` or an opening
time changed between their bookings.
Availability is computed on demand from opening hours minus claims; nothing is precomputed.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality, OrganisationalUnit

# Every claim covers one grain; slot lengths, opening times and appointment times are whole grains.
GRAIN_MINUTES = 5
SLOT_MINUTES_CHOICES = tuple(range(GRAIN_MINUTES, 61, GRAIN_MINUTES))


def validate_whole_grains(value: int) -> None:
    """Slot lengths are multiples of the claim grain, so every appointment covers whole grains."""
    if value % GRAIN_MINUTES:
        raise ValidationError(
            _("Bitte geben Sie ein Vielfaches von %(grain)d Minuten an."), params={"grain": GRAIN_MINUTES}
        )


class BookingPolicy(models.Model):
    """A municipality's rules for online booking that hold across all its locations."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="booking_policy", verbose_name=_("Kommune")
    )
    hold_minutes = models.PositiveSmallIntegerField(
        _("Reservierung bis zur Bestätigung (Minuten)"),
        default=10,
        validators=[MinValueValidator(2), MaxValueValidator(60)],
    )
    reminder_hours = models.PositiveSmallIntegerField(
        _("Erinnerung vor dem Termin (Stunden)"),
        default=24,
        validators=[MaxValueValidator(168)],
        help_text=_("0 schaltet die Erinnerung ab."),
    )
    max_open_per_email = models.PositiveSmallIntegerField(
        _("Höchstzahl offener Termine je E-Mail-Adresse"), default=3, validators=[MinValueValidator(1)]
    )
    waitlist_offer_hours = models.PositiveSmallIntegerField(
        _("Bedenkzeit für Angebote aus der Warteliste (Stunden)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
    )

    class Meta:
        verbose_name = _("Buchungsregeln")
        verbose_name_plural = _("Buchungsregeln")

    def __str__(self) -> str:
        return str(self.municipality)


class Location(models.Model):
    """A place where citizens are served in person (Bürgerbüro, district office)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="appointment_locations", verbose_name=_("Kommune")
    )
    unit = models.ForeignKey(
        OrganisationalUnit,
        on_delete=models.PROTECT,
        related_name="appointment_locations",
        verbose_name=_("Zuständige Organisationseinheit"),
    )
    slug = models.SlugField(_("Kürzel"))
    name = models.CharField(_("Name"), max_length=200)
    name_en = models.CharField(_("Name (Englisch)"), max_length=200, blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postal_code = models.CharField(_("Postleitzahl"), max_length=5)
    city = models.CharField(_("Ort"), max_length=100)
    accessibility = models.TextField(_("Hinweise zur Barrierefreiheit"), blank=True)
    accessibility_en = models.TextField(_("Hinweise zur Barrierefreiheit (Englisch)"), blank=True)
    directions = models.TextField(_("Anfahrt"), blank=True)
    directions_en = models.TextField(_("Anfahrt (Englisch)"), blank=True)
    slot_minutes = models.PositiveSmallIntegerField(
        _("Zeitraster (Minuten)"),
        default=10,
        validators=[MinValueValidator(5), MaxValueValidator(60), validate_whole_grains],
        help_text=_("Ein Vielfaches von 5 Minuten."),
    )
    booking_min_days = models.PositiveSmallIntegerField(
        _("Frühester Termin (Tage im Voraus)"), default=1, validators=[MaxValueValidator(30)]
    )
    booking_max_days = models.PositiveSmallIntegerField(
        _("Spätester Termin (Tage im Voraus)"), default=60, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    walk_in_share = models.PositiveSmallIntegerField(
        _("Für Spontankunden und Telefon freigehaltener Anteil (%)"),
        default=25,
        validators=[MaxValueValidator(100)],
        help_text=_("So viele Schalter (gerundet) nehmen keine Online-Buchungen an."),
    )
    closed_on_public_holidays = models.BooleanField(_("an gesetzlichen Feiertagen geschlossen"), default=True)
    is_active = models.BooleanField(_("bucht Termine"), default=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Standort")
        verbose_name_plural = _("Standorte")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="appointments_location_slug_unique"),
            models.CheckConstraint(
                condition=models.Q(slot_minutes__in=SLOT_MINUTES_CHOICES), name="appointments_slot_whole_grains"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OpeningPeriod(models.Model):
    """One stretch of a weekday during which a location serves (several per day allowed)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Montag")
        TUESDAY = 1, _("Dienstag")
        WEDNESDAY = 2, _("Mittwoch")
        THURSDAY = 3, _("Donnerstag")
        FRIDAY = 4, _("Freitag")
        SATURDAY = 5, _("Samstag")
        SUNDAY = 6, _("Sonntag")

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="opening_periods", verbose_name=_("Standort")
    )
    weekday = models.PositiveSmallIntegerField(_("Wochentag"), choices=Weekday.choices)
    opens = models.TimeField(_("von"))
    closes = models.TimeField(_("bis"))

    class Meta:
        verbose_name = _("Öffnungszeit")
        verbose_name_plural = _("Öffnungszeiten")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=models.Q(opens__lt=models.F("closes")), name="appointments_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """Days on which a location is closed beyond public holidays (Betriebsausflug, Umbau)."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="closures", verbose_name=_("Standort")
    )
    first_day = models.DateField(_("vom"))
    last_day = models.DateField(_("bis einschließlich"))
    reason = models.CharField(_("Grund"), max_length=200)
    reason_en = models.CharField(_("Grund (Englisch)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Schließtag")
        verbose_name_plural = _("Schließtage")
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_day__lte=models.F("last_day")), name="appointments_closure_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.location}: {self.first_day}–{self.last_day}"


class AppointmentService(models.Model):
    """How a catalogue service is booked: duration, how many per appointment, fair release."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="appointment_services", verbose_name=_("Kommune")
    )
    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="appointment_service", verbose_name=_("Leistung")
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("Dauer je Anliegen (Minuten)"), default=10, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    max_quantity = models.PositiveSmallIntegerField(
        _("Höchstzahl in einem Termin"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Zum Beispiel vier Personalausweise für eine Familie."),
    )
    in_person_required = models.BooleanField(
        _("persönliches Erscheinen nötig"),
        default=False,
        help_text=_("Nach einem Online-Antrag wird gleich ein Termin angeboten."),
    )
    fair_release = models.BooleanField(
        _("Vergabe im Losverfahren"),
        default=False,
        help_text=_(
            "Für knappe Termine: Anfragen eines Zeitfensters werden verlost statt nach Schnelligkeit vergeben."
        ),
    )
    is_bookable = models.BooleanField(_("online buchbar"), default=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Terminleistung")
        verbose_name_plural = _("Terminleistungen")
        ordering = ["position", "service__name"]

    def __str__(self) -> str:
        return self.service.name


class Counter(models.Model):
    """A desk at a location; it serves the services assigned to it, one citizen at a time."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="counters", verbose_name=_("Standort")
    )
    name = models.CharField(_("Bezeichnung"), max_length=60, help_text=_("So steht es auf der Aufrufanzeige."))
    services = models.ManyToManyField(
        AppointmentService, related_name="counters", blank=True, verbose_name=_("Leistungen")
    )
    is_active = models.BooleanField(_("besetzt"), default=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Schalter")
        verbose_name_plural = _("Schalter")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return f"{self.location}: {self.name}"


class Appointment(models.Model):
    """A booked (or held) time at one counter for one or more services."""

    class State(models.TextChoices):
        HELD = "reserviert", _("reserviert, noch nicht bestätigt")
        CONFIRMED = "bestaetigt", _("bestätigt")
        CHECKED_IN = "eingecheckt", _("vor Ort angemeldet")
        COMPLETED = "erledigt", _("erledigt")
        NO_SHOW = "nicht_erschienen", _("nicht erschienen")
        CANCELLED = "storniert", _("storniert")
        EXPIRED = "verfallen", _("verfallen")

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        PHONE = "telefon", _("Telefon")
        COUNTER = "schalter", _("am Schalter")
        WAITLIST = "warteliste", _("aus der Warteliste")
        LOTTERY = "losverfahren", _("im Losverfahren")

    # States in which the appointment holds its time (its claims exist).
    ACTIVE_STATES = (State.HELD, State.CONFIRMED, State.CHECKED_IN)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="appointments", verbose_name=_("Kommune")
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("Standort")
    )
    counter = models.ForeignKey(
        Counter, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("Schalter")
    )
    code = models.CharField(_("Buchungsnummer"), max_length=12, help_text=_("Kurz, zum Vorlesen am Telefon."))
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    state = models.CharField(_("Status"), max_length=20, choices=State.choices, default=State.HELD)
    channel = models.CharField(_("Weg"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    hold_expires_at = models.DateTimeField(_("Reservierung gilt bis"), null=True, blank=True)
    name = models.CharField(_("Name"), max_length=200)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("Konto"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("Vorgang"),
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gebucht von (Mitarbeitende)"),
    )
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    language = models.CharField(_("Sprache der E-Mails"), max_length=8, default="de")
    # Keys ("<kind>:<start>") of the e-mails already sent, so a task that runs twice sends nothing twice.
    emails_sent = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("Erinnerung gesendet"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("angemeldet um"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("storniert am"), null=True, blank=True)
    cancel_reason = models.CharField(_("Grund der Stornierung"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        ordering = ["starts_at"]
        indexes = [
            # Leads with (location, starts_at) and carries the rest of what availability reads, so that
            # query is answered from the index alone (key columns rather than INCLUDE: SQLite has no INCLUDE).
            models.Index(
                fields=["location", "starts_at", "counter", "ends_at", "state", "hold_expires_at"],
                name="appt_location_start_idx",
            ),
            models.Index(fields=["municipality", "email", "state"], name="appt_email_state_idx"),
            models.Index(fields=["state", "starts_at"], name="appt_state_start_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="appointments_code_unique"),
            models.UniqueConstraint(
                fields=["municipality", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="appointments_idempotency_unique",
            ),
            models.CheckConstraint(condition=models.Q(starts_at__lt=models.F("ends_at")), name="appointments_order"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.starts_at:%d.%m.%Y %H:%M}"


class AppointmentItem(models.Model):
    """One service in an appointment, with how many times it is needed."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="items", verbose_name=_("Termin")
    )
    service = models.ForeignKey(
        AppointmentService, on_delete=models.PROTECT, related_name="+", verbose_name=_("Leistung")
    )
    quantity = models.PositiveSmallIntegerField(_("Anzahl"), default=1, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("Anliegen")
        verbose_name_plural = _("Anliegen")
        constraints = [
            models.UniqueConstraint(fields=["appointment", "service"], name="appointments_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.service}"


class SlotClaim(models.Model):
    """One 5-minute grain of one counter taken by an active appointment: the database's guard against double booking.

    ``starts_at`` is always on a ``GRAIN_MINUTES`` boundary of the epoch, whatever the location's grid.
    """

    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="claims")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["counter", "starts_at"], name="appointments_one_claim_per_counter_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.counter_id} {self.starts_at:%Y-%m-%d %H:%M}"


class WaitlistEntry(models.Model):
    """Someone waiting for a freed time; offers go out strictly in the order of joining."""

    class State(models.TextChoices):
        WAITING = "wartend", _("wartet")
        OFFERED = "angeboten", _("Termin angeboten")
        BOOKED = "gebucht", _("gebucht")
        WITHDRAWN = "zurueckgezogen", _("zurückgezogen")
        EXPIRED = "abgelaufen", _("abgelaufen")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="waitlist_entries", verbose_name=_("Kommune")
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="waitlist_entries",
        verbose_name=_("Standort"),
        help_text=_("Leer: jeder Standort."),
    )
    items = models.JSONField(_("Anliegen"), help_text=_('Liste von {"service": <id>, "quantity": <n>}.'))
    earliest_day = models.DateField(_("frühestens am"))
    latest_day = models.DateField(_("spätestens am"))
    name = models.CharField(_("Name"), max_length=200)
    email = models.EmailField(_("E-Mail"))
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    state = models.CharField(_("Status"), max_length=20, choices=State.choices, default=State.WAITING)
    offered_appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Angebot")
    )
    offered_at = models.DateTimeField(_("angeboten am"), null=True, blank=True)
    # The cancelled appointment whose time was offered; when an offer lapses, the next person gets that time.
    offered_from = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    language = models.CharField(_("Sprache der E-Mails"), max_length=8, default="de")
    created_at = models.DateTimeField(_("eingetragen am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Wartelisteneintrag")
        verbose_name_plural = _("Warteliste")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["municipality", "state", "created_at"], name="appt_waitlist_idx")]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_state_display()})"


class LotteryWindow(models.Model):
    """A fair release: requests collected until ``collect_until`` share the released times by lot."""

    class State(models.TextChoices):
        COLLECTING = "sammelt", _("nimmt Anfragen an")
        DRAWN = "verlost", _("verlost")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="lottery_windows", verbose_name=_("Kommune")
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="lottery_windows", verbose_name=_("Standort")
    )
    service = models.ForeignKey(
        AppointmentService, on_delete=models.CASCADE, related_name="lottery_windows", verbose_name=_("Leistung")
    )
    collect_from = models.DateTimeField(_("Anfragen ab"))
    collect_until = models.DateTimeField(_("Anfragen bis"))
    first_day = models.DateField(_("vergebene Termine vom"))
    last_day = models.DateField(_("vergebene Termine bis"))
    state = models.CharField(_("Status"), max_length=20, choices=State.choices, default=State.COLLECTING)
    seed = models.CharField(_("Losschlüssel"), max_length=64, blank=True, editable=False)
    drawn_at = models.DateTimeField(_("verlost am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Losverfahren")
        verbose_name_plural = _("Losverfahren")
        ordering = ["-collect_until"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(collect_from__lt=models.F("collect_until")), name="appointments_lottery_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.first_day}–{self.last_day}"


class LotteryEntry(models.Model):
    """One request in a fair release; one per e-mail address and window."""

    class State(models.TextChoices):
        PENDING = "offen", _("wartet auf die Verlosung")
        WON = "gewonnen", _("Termin zugeteilt")
        LOST = "nicht_gezogen", _("kein Termin frei")

    window = models.ForeignKey(LotteryWindow, on_delete=models.CASCADE, related_name="entries")
    name = models.CharField(_("Name"), max_length=200)
    email = models.EmailField(_("E-Mail"))
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    quantity = models.PositiveSmallIntegerField(_("Anzahl"), default=1, validators=[MinValueValidator(1)])
    state = models.CharField(_("Status"), max_length=20, choices=State.choices, default=State.PENDING)
    appointment = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    language = models.CharField(_("Sprache der E-Mails"), max_length=8, default="de")
    result_sent_at = models.DateTimeField(_("Ergebnis gesendet"), null=True, blank=True)
    created_at = models.DateTimeField(_("eingegangen"), auto_now_add=True)

    class Meta:
        verbose_name = _("Losanfrage")
        verbose_name_plural = _("Losanfragen")
        constraints = [
            models.UniqueConstraint(fields=["window", "email"], name="appointments_lottery_one_per_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_state_display()})"


class BookingEmailLock(models.Model):
    """A row per municipality and e-mail address that online holds lock, so the cap on open appointments holds.

    Counting the open appointments and inserting a new one are two steps; two holds for the same address at
    the same moment would both count below the cap. Locking this row (``select_for_update``) first makes them
    take turns. The address is stored only as a keyed hash, never in clear.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    email_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("Buchungssperre je E-Mail-Adresse")
        verbose_name_plural = _("Buchungssperren je E-Mail-Adresse")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "email_hash"], name="appointments_email_lock_unique"),
        ]

    def __str__(self) -> str:
        return self.email_hash[:12]
