"""What the page layout (templates/base.html) needs to know about the page being shown."""

from django.http import HttpRequest

# The main navigation's entries, by the URL name or the app of the page shown.
_SECTIONS_BY_URL_NAME = {("portal", "home"): "start", ("municipalities", "unit_list"): "aemter"}
_SECTIONS_BY_APP = {
    "catalogue": "leistungen",
    "appointments": "termine",
    "reports": "maengelmelder",
    "accounts": "konto",
}


def navigation(request: HttpRequest) -> dict[str, str]:
    """``nav_section``: the main navigation's entry the page belongs to, '' for none.

    The navigation is kept as a rendered fragment per section (not per page), see base.html.
    """
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {"nav_section": ""}
    section = _SECTIONS_BY_URL_NAME.get((match.app_name, match.url_name)) or _SECTIONS_BY_APP.get(match.app_name, "")
    return {"nav_section": section}
