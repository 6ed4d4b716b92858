from . import backend

__all__ = ["backend"]
