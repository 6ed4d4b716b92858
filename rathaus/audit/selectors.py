"""Reading and checking the audit trail."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from .hashing import entry_digest
from .models import AuditChain, AuditEntry


@dataclass(frozen=True)
class ChainReport:
    chain_key: str
    entries: int
    broken_at: int | None = None
    entry_id: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def audit_entries_for(*, object_type: str, object_id: str) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=object_type, object_id=object_id).order_by("chain_id", "sequence")


def _check_chain(chain: AuditChain) -> ChainReport:
    previous_hash = None
    expected_sequence = 1
    count = 0
    for entry in AuditEntry.objects.filter(chain=chain).order_by("sequence").iterator(chunk_size=5000):
        if entry.sequence != expected_sequence:
            return ChainReport(chain.key, count, expected_sequence, entry.pk, "missing")
        if previous_hash is not None and entry.previous_hash != previous_hash:
            return ChainReport(chain.key, count, entry.sequence, entry.pk, "link")
        if previous_hash is None and entry.sequence == 1 and entry.previous_hash != "0" * 64:
            return ChainReport(chain.key, count, entry.sequence, entry.pk, "link")
        digest = entry_digest(
            chain_key=chain.key,
            sequence=entry.sequence,
            municipality_id=entry.municipality_id,
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            reason=entry.reason,
            details=entry.details,
            created_at=entry.created_at,
            previous_hash=entry.previous_hash,
        )
        if digest != entry.entry_hash:
            return ChainReport(chain.key, count, entry.sequence, entry.pk, "content")
        previous_hash = entry.entry_hash
        expected_sequence += 1
        count += 1
    if count != chain.last_sequence or (count and previous_hash != chain.last_hash):
        # Entries at the end were deleted: the head remembers more than the table holds.
        return ChainReport(chain.key, count, count + 1, None, "missing")
    return ChainReport(chain.key, count)


def audit_chains_verify() -> Iterator[ChainReport]:
    """Recompute every chain; each report names the first broken position, if any."""
    for chain in AuditChain.objects.order_by("key"):
        yield _check_chain(chain)
