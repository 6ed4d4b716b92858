"""Hand-off by signed HTTP POST of the submission data to the administration's system."""

from .backend import WebhookHandoffBackend

__all__ = ["WebhookHandoffBackend"]
