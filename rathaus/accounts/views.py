"""Mein Konto: overview, profile, data download, deletion."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.municipalities.http import AuthenticatedRequest

from . import services
from .forms import AccountDeleteForm, ProfileForm
from .selectors import account_may_delete_itself, user_has_mfa


@login_required
def overview(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "accounts/overview.html", {"has_mfa": user_has_mfa(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedRequest) -> HttpResponse:
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Ihre Angaben wurden gespeichert."))
        return redirect("accounts:overview")
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def data_export(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "accounts/data_export.html")
    document = services.account_export_data(user=request.user)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    filename = f"meine-daten-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = AccountDeleteForm(request.POST if request.method == "POST" else None)
    refused = not account_may_delete_itself(user=user)
    context = {
        "form": form,
        "refused": refused,
        "retention_notices": services.account_retention_notices(user=user),
    }
    if request.method == "POST" and not refused and form.is_valid():
        services.account_delete(user=user)
        logout(request)
        return redirect("accounts:deleted")
    status = 400 if form.errors else (403 if refused and request.method == "POST" else 200)
    return render(request, "accounts/delete.html", context, status=status)


def deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/deleted.html")
