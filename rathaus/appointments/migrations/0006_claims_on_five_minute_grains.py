"""Claims become 5-minute grains of the epoch instead of units of the location's grid.

Before: one claim per unit of ``slot_minutes`` from the appointment's start, so after a change of the grid
(or of an opening time) two overlapping appointments could hold claims at different starts and both stand.
After: one claim per 5-minute grain, the same for every location, so any overlap on one counter collides.
"""

from datetime import UTC, datetime, timedelta

import django.core.validators
from django.db import migrations, models

import rathaus.appointments.models

GRAIN_SECONDS = 5 * 60
ACTIVE_STATES = ("reserviert", "bestaetigt", "eingecheckt")


def _round_slots_to_grains(apps, schema_editor):
    Location = apps.get_model("appointments", "Location")
    for location in Location.objects.exclude(slot_minutes__in=range(5, 61, 5)):
        location.slot_minutes = min(60, max(5, -(-location.slot_minutes // 5) * 5))
        location.save(update_fields=["slot_minutes"])


def _rebuild_claims(apps, grains: bool) -> None:
    Appointment = apps.get_model("appointments", "Appointment")
    SlotClaim = apps.get_model("appointments", "SlotClaim")
    now = datetime.now(tz=UTC)
    upcoming = Appointment.objects.filter(state__in=ACTIVE_STATES, ends_at__gt=now).select_related("location")
    for appointment in upcoming.iterator(chunk_size=500):
        SlotClaim.objects.filter(appointment_id=appointment.pk).delete()
        if grains:
            step = GRAIN_SECONDS
            first = int(appointment.starts_at.timestamp()) // step * step
            moments = [
                datetime.fromtimestamp(second, tz=UTC)
                for second in range(first, int(appointment.ends_at.timestamp()), step)
            ]
        else:
            moments, moment = [], appointment.starts_at
            while moment < appointment.ends_at:
                moments.append(moment)
                moment += timedelta(minutes=appointment.location.slot_minutes)
        # Two appointments that already overlap (the bug this migration ends) keep the first claim of each grain;
        # staff see both in the day view and move one.
        SlotClaim.objects.bulk_create(
            [
                SlotClaim(counter_id=appointment.counter_id, starts_at=moment, appointment_id=appointment.pk)
                for moment in moments
            ],
            ignore_conflicts=True,
        )


def claims_to_grains(apps, schema_editor):
    _rebuild_claims(apps, grains=True)


def claims_to_units(apps, schema_editor):
    _rebuild_claims(apps, grains=False)


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0005_booking_email_lock"),
        ("municipalities", "0003_unit_import_tracking_and_website"),
    ]

    operations = [
        migrations.RunPython(_round_slots_to_grains, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="location",
            name="slot_minutes",
            field=models.PositiveSmallIntegerField(
                default=10,
                help_text="Ein Vielfaches von 5 Minuten.",
                validators=[
                    django.core.validators.MinValueValidator(5),
                    django.core.validators.MaxValueValidator(60),
                    rathaus.appointments.models.validate_whole_grains,
                ],
                verbose_name="Zeitraster (Minuten)",
            ),
        ),
        migrations.AddConstraint(
            model_name="location",
            constraint=models.CheckConstraint(
                condition=models.Q(("slot_minutes__in", (5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60))),
                name="appointments_slot_whole_grains",
            ),
        ),
        migrations.RunPython(claims_to_grains, claims_to_units),
    ]
