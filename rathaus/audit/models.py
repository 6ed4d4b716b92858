"""The audit trail: an append-only, hash-chained record of changes and of staff looking at personal data.

Entries never hold personal data themselves (only ids, names of actions and states, and the
reason a clerk gave), so the retention job never has to touch them and the chain stays intact.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditChain(models.Model):
    """The head of one chain: one per municipality, one for the platform."""

    key = models.CharField(max_length=40, unique=True)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("Protokollkette")
        verbose_name_plural = _("Protokollketten")

    def __str__(self) -> str:
        return f"{self.key} ({self.last_sequence})"


class AuditEntry(models.Model):
    """One thing that happened. The database refuses updates; a deletion breaks the chain visibly."""

    chain = models.ForeignKey(AuditChain, on_delete=models.PROTECT, related_name="entries")
    sequence = models.PositiveBigIntegerField()
    # Plain ids rather than foreign keys: deleting an account or a municipality must not rewrite the trail.
    municipality_id = models.BigIntegerField(null=True, blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(_("wer"), max_length=254, blank=True)
    action = models.CharField(_("was"), max_length=60)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    reason = models.TextField(_("Begründung"), blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("wann"))
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokolleinträge")
        constraints = [models.UniqueConstraint(fields=["chain", "sequence"], name="one_entry_per_chain_position")]
        indexes = [models.Index(fields=["object_type", "object_id", "sequence"], name="audit_by_object")]

    def __str__(self) -> str:
        return f"{self.chain_id}#{self.sequence} {self.action}"
