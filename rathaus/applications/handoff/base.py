"""The interface every hand-off backend implements."""

from typing import TYPE_CHECKING, ClassVar

from django.utils.functional import Promise

if TYPE_CHECKING:
    from rathaus.applications.models import ApplicationForm, Handoff, Submission


class HandoffError(Exception):
    """A delivery did not succeed; the message is a short reason shown to staff, and the hand-off is retried."""


class HandoffBackend:
    """Delivers a submission to the administration through one channel.

    ``deliver`` must either succeed completely or raise ``HandoffError``; it may be called again
    for the same hand-off after a failure or a crash, so receivers get ``handoff.id`` to recognise repeats.
    """

    key: ClassVar[str]
    verbose_name: ClassVar[str | Promise]

    def deliver(self, submission: "Submission", handoff: "Handoff") -> None:
        raise NotImplementedError

    def check_configuration(self, form: "ApplicationForm") -> list[str]:
        """What is missing in ``form`` for this backend to work, as sentences for staff; empty when ready."""
        return []
