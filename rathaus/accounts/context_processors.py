from django.http import HttpRequest

from .selectors import staff_membership_for


def staff(request: HttpRequest) -> dict[str, object]:
    """The signed-in person's membership in this request's municipality, if any (staff link, Mein Konto).

    Staff views already have it from ``staff_required``; other pages look it up once here.
    """
    membership = getattr(request, "staff_membership", None)
    user = getattr(request, "user", None)
    municipality = getattr(request, "municipality", None)
    if membership is None and municipality is not None and user is not None and user.is_authenticated:
        membership = staff_membership_for(user=user, municipality=municipality)
    return {"staff_membership_here": membership, "is_staff_here": membership is not None}
