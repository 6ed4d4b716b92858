from django.http import HttpRequest

from .selectors import staff_membership_for


def staff(request: HttpRequest) -> dict[str, object]:
    """Whether the signed-in person works for the municipality of this request (shows the staff link)."""
    user = getattr(request, "user", None)
    municipality = getattr(request, "municipality", None)
    if user is None or municipality is None or not user.is_authenticated:
        return {"is_staff_here": False}
    return {"is_staff_here": staff_membership_for(user=user, municipality=municipality) is not None}
