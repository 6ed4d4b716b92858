"""Built-in hand-off backends; importing this package registers them."""

from . import email, webhook

__all__ = ["email", "webhook"]
