"""The audit trail is append-only and hash-chained; verify_audit finds the first broken link."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from rathaus.audit.models import AuditChain, AuditEntry
from rathaus.audit.selectors import audit_chains_verify
from rathaus.audit.services import audit_record


def _history(municipality, actor, count=5):
    return [
        audit_record(
            municipality_id=municipality.pk,
            actor=actor,
            action="case.viewed",
            object_type="case",
            object_id=f"case-{number}",
            reason="Prüfung" if number % 2 else "",
            details={"number": number, "state": "in_bearbeitung"},
        )
        for number in range(count)
    ]


def _run_verify() -> str:
    from io import StringIO

    output = StringIO()
    try:
        call_command("verify_audit", stdout=output)
    except CommandError as error:
        return output.getvalue() + f"\nCommandError: {error}"
    return output.getvalue()


class _UpdateTriggerOff:
    """Someone with direct database access removes the protection and edits a row."""

    def __enter__(self):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Django's foreign keys are checked at commit; ALTER TABLE needs them checked now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
            else:
                cursor.execute("DROP TRIGGER audit_entry_append_only")

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")
            else:
                cursor.execute(
                    "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE ON audit_auditentry "
                    "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END;"
                )


def test_entries_are_chained_per_municipality(esslingen, musterhausen, clerk):
    _history(esslingen, clerk, 3)
    audit_record(municipality_id=musterhausen.pk, actor=None, action="case.created", object_type="case", object_id=1)

    esslingen_entries = list(AuditEntry.objects.filter(municipality_id=esslingen.pk).order_by("sequence"))
    assert [entry.sequence for entry in esslingen_entries] == [1, 2, 3]
    assert esslingen_entries[0].previous_hash == "0" * 64
    assert esslingen_entries[1].previous_hash == esslingen_entries[0].entry_hash
    assert AuditChain.objects.get(key=f"municipality:{musterhausen.pk}").last_sequence == 1
    assert esslingen_entries[0].actor_label == clerk.email


def test_a_citizen_is_recorded_by_role_only(esslingen, citizen):
    entry = audit_record(
        municipality_id=esslingen.pk, actor=citizen, action="case.withdrawn", object_type="case", object_id=1
    )

    assert entry.actor_label == "citizen"
    assert entry.actor_id == citizen.pk


def test_verify_audit_passes_on_a_normal_history(esslingen, clerk):
    _history(esslingen, clerk, 7)

    output = _run_verify()

    assert "7 Einträge, Kette intakt" in output
    assert "Alle 1 Protokollketten sind intakt" in output


def test_the_database_refuses_to_change_an_entry(esslingen, clerk):
    entry = _history(esslingen, clerk, 1)[0]

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="nachträglich")


def test_verify_audit_pinpoints_a_row_altered_directly_in_the_database(esslingen, clerk):
    entries = _history(esslingen, clerk, 6)
    altered = entries[3]

    with _UpdateTriggerOff(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["geändert", altered.pk])

    output = _run_verify()
    assert f"gebrochen bei Eintrag Nr. 4 (Datenbank-Id {altered.pk}): Inhalt verändert" in output
    assert "Davor 3 Einträge intakt" in output
    assert "CommandError: 1 von 1 Protokollketten sind gebrochen" in output


def test_verify_audit_notices_a_rewritten_hash_by_the_broken_link_to_the_next_entry(esslingen, clerk):
    entries = _history(esslingen, clerk, 4)
    forged = entries[1]
    forged.reason = "gefälscht"
    from rathaus.audit.hashing import entry_digest

    new_hash = entry_digest(
        chain_key=f"municipality:{esslingen.pk}",
        sequence=forged.sequence,
        municipality_id=forged.municipality_id,
        actor_id=forged.actor_id,
        actor_label=forged.actor_label,
        action=forged.action,
        object_type=forged.object_type,
        object_id=forged.object_id,
        reason=forged.reason,
        details=forged.details,
        created_at=forged.created_at,
        previous_hash=forged.previous_hash,
    )
    with _UpdateTriggerOff(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET reason = %s, entry_hash = %s WHERE id = %s", ["gefälscht", new_hash, forged.pk]
        )

    report = next(audit_chains_verify())
    assert (report.broken_at, report.entry_id, report.problem) == (3, entries[2].pk, "link")


def test_verify_audit_notices_deleted_entries_in_the_middle_and_at_the_end(esslingen, clerk):
    entries = _history(esslingen, clerk, 5)

    AuditEntry.objects.filter(pk=entries[4].pk).delete()
    report = next(audit_chains_verify())
    assert (report.broken_at, report.problem) == (5, "missing")

    AuditEntry.objects.filter(pk=entries[1].pk).delete()
    report = next(audit_chains_verify())
    assert (report.broken_at, report.entry_id, report.problem) == (2, entries[2].pk, "missing")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain(esslingen):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the row lock matters on PostgreSQL")
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def write(number: int) -> None:
        try:
            audit_record(
                municipality_id=esslingen.pk, actor=None, action="case.viewed", object_type="case", object_id=number
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, range(40)))

    report = next(audit_chains_verify())
    assert report.intact
    assert report.entries == 40
