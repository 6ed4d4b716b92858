"""Hand-off by e-mail to the responsible office, with the receipt, the uploads and the data as JSON."""

from .backend import EmailHandoffBackend

__all__ = ["EmailHandoffBackend"]
