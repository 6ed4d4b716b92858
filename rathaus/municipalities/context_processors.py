from django.http import HttpRequest


def municipality(request: HttpRequest) -> dict[str, object]:
    return {"municipality": getattr(request, "municipality", None)}
