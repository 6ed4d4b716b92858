"""Built-in hand-off backends; importing this package registers them."""

from . import case, email, webhook

__all__ = ["case", "email", "webhook"]
