"""The hand-off backends known to the system, registered by key."""

from importlib import import_module

from .base import HandoffBackend

_backends: dict[str, HandoffBackend] = {}
_builtin_loaded = False

DEFAULT_BACKENDS = ["case"]


def register(backend_class: type[HandoffBackend]) -> type[HandoffBackend]:
    """Class decorator: make a backend available under its ``key``."""
    key = backend_class.key
    if key in _backends and type(_backends[key]) is not backend_class:
        raise ValueError(f"Hand-off backend {key!r} is registered twice.")
    _backends[key] = backend_class()
    return backend_class


def _load_builtin() -> None:
    # The contrib modules register themselves on import; importing them here rather than at the top
    # keeps registry importable from the backends without a cycle.
    global _builtin_loaded
    if not _builtin_loaded:
        import_module("rathaus.applications.handoff.contrib")
        _builtin_loaded = True


def get(key: str) -> HandoffBackend:
    """The backend registered under ``key``; KeyError for an unknown key."""
    _load_builtin()
    return _backends[key]


def choices() -> list[tuple[str, str]]:
    """(key, name) of every backend, for form fields."""
    _load_builtin()
    return [(key, str(backend.verbose_name)) for key, backend in sorted(_backends.items())]


def keys_for(handoff_backends: list[str]) -> list[str]:
    """The backends a form delivers through; a form without a choice becomes a case in the back office."""
    return list(dict.fromkeys(handoff_backends)) or list(DEFAULT_BACKENDS)
