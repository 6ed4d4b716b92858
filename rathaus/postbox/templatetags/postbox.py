"""Template helpers of the postbox: the unread count shown in the account navigation."""

from typing import Any

from django import template

from ..selectors import unread_count_for_citizen

register = template.Library()


@register.simple_tag(takes_context=True)
def postbox_unread_count(context: dict[str, Any]) -> int:
    """Unread messages of the logged-in person in this municipality; 0 outside a portal request."""
    request = context.get("request")
    municipality = getattr(request, "municipality", None)
    user = getattr(request, "user", None)
    if municipality is None or user is None or not user.is_authenticated:
        return 0
    return unread_count_for_citizen(municipality=municipality, user=user)
