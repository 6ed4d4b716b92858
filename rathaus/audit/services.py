"""Writing the audit trail. Call ``audit_record`` inside the transaction of the change it records."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .hashing import entry_digest
from .models import AuditChain, AuditEntry


def chain_key_for(municipality_id: int | None) -> str:
    return f"municipality:{municipality_id}" if municipality_id is not None else "platform"


def _chain_locked(key: str) -> AuditChain:
    chain = AuditChain.objects.select_for_update().filter(key=key).first()
    if chain is not None:
        return chain
    try:
        with transaction.atomic():
            AuditChain.objects.create(key=key)
    except IntegrityError:
        pass  # another process opened the chain at the same moment
    return AuditChain.objects.select_for_update().get(key=key)


def actor_label_for(actor: Any) -> str:
    """Staff are named by their account's address; citizens only by role, so the trail holds no citizen data."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "system"
    if actor.staff_memberships.filter(is_active=True).exists() or actor.is_platform_operator:
        return str(actor.email)
    return "citizen"


def audit_record(
    *,
    municipality_id: int | None,
    actor: Any,
    action: str,
    object_type: str,
    object_id: Any,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the municipality's chain (``details`` must be JSON: ids, keys, no personal data)."""
    with transaction.atomic():
        chain = _chain_locked(chain_key_for(municipality_id))
        actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
        fields: dict[str, Any] = {
            "sequence": chain.last_sequence + 1,
            "municipality_id": municipality_id,
            "actor_id": actor_id,
            "actor_label": actor_label_for(actor),
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "reason": reason,
            "details": details or {},
            "created_at": timezone.now(),
            "previous_hash": chain.last_hash,
        }
        entry_hash = entry_digest(chain_key=chain.key, **fields)
        entry = AuditEntry.objects.create(chain=chain, entry_hash=entry_hash, **fields)
        AuditChain.objects.filter(pk=chain.pk).update(last_sequence=entry.sequence, last_hash=entry_hash)
        return entry
