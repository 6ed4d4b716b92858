"""How an audit entry's hash is made; shared by writing and verifying so both always agree."""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


def entry_digest(
    *,
    chain_key: str,
    sequence: int,
    municipality_id: int | None,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    reason: str,
    details: dict[str, Any],
    created_at: datetime,
    previous_hash: str,
) -> str:
    """SHA-256 over a canonical JSON form of every field and the previous entry's hash."""
    payload = [
        chain_key,
        sequence,
        municipality_id,
        actor_id,
        actor_label,
        action,
        object_type,
        object_id,
        reason,
        details,
        created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        previous_hash,
    ]
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
