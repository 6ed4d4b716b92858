"""Citizen pages of online applications: start, one page per step, check answers, submit, confirmation."""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from rathaus.appointments.selectors import books_after_application
from rathaus.municipalities.http import AuthenticatedRequest, MunicipalityRequest
from rathaus.portal.htmx import from_htmx, htmx_navigation, pushed

from . import access, selectors, services
from .engine import (
    answer_rows,
    ends_in_exit,
    fee_lines,
    fee_total,
    first_open_page,
    journey,
    localised_html,
    page_has_files,
    page_position,
)
from .forms import DeclarationForm, PageForm, SaveForLaterForm
from .models import ApplicationForm, Draft, Submission

CHECK_PAGE = "pruefen"
TRUST_RANK = {"niedrig": 1, "substantiell": 2, "hoch": 3}


def _owned(request: MunicipalityRequest, owner_id: int | None, kind: str, object_id: Any) -> bool:
    if owner_id is not None:
        return bool(request.user.is_authenticated and request.user.pk == owner_id)
    return access.holds(request, kind, object_id)


def _draft_or_404(request: MunicipalityRequest, draft_id: UUID) -> Draft:
    draft = selectors.draft_get(municipality=request.municipality, draft_id=draft_id)
    if draft is None or not _owned(request, draft.user_id, access.DRAFTS, draft.pk):
        raise Http404
    if draft.expires_at < timezone.now() and draft.submission_pk is None:
        raise Http404
    return draft


def _submission_or_404(request: MunicipalityRequest, submission_id: UUID) -> Submission:
    submission = selectors.submission_get(municipality=request.municipality, submission_id=submission_id)
    if submission is None or not _owned(request, submission.user_id, access.SUBMISSIONS, submission.pk):
        raise Http404
    return submission


def _page_url(draft: Draft, page_key: str) -> str:
    return reverse("applications:page", args=[draft.pk, page_key])


def _language() -> str:
    return translation.get_language() or "de"


def _form_context(draft: Draft) -> dict[str, Any]:
    definition = draft.version.definition
    language = _language()
    return {
        "draft": draft,
        "service": draft.version.form.service,
        "form_title": localised_html(definition["title"], language),
    }


# Start ----------------------------------------------------------------------------------------


def _access_refusal(request: MunicipalityRequest, form: ApplicationForm) -> HttpResponse | None:
    if form.access == ApplicationForm.Access.OPEN:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if (
        form.access == ApplicationForm.Access.TRUST_LEVEL
        and TRUST_RANK[form.minimum_trust_level] > TRUST_RANK["niedrig"]
    ):
        # Accounts here are confirmed by e-mail only (trust level "niedrig"); higher levels need BundID.
        return render(
            request,
            "applications/trust_level_refused.html",
            {"form": form, "service": form.service, "level": form.get_minimum_trust_level_display()},
            status=403,
        )
    return None


TOO_MANY = gettext_lazy("Von Ihrem Anschluss kamen gerade sehr viele Anfragen. Bitte versuchen Sie es später erneut.")


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=lambda group, request: settings.RATHAUS_APPLICATION_START_RATE, method="POST", block=False)
@htmx_navigation
def application_start(request: MunicipalityRequest, slug: str) -> HttpResponse:
    version = selectors.published_version_for_service_slug(municipality=request.municipality, slug=slug)
    if version is None:
        raise Http404
    service = version.form.service
    refusal = _access_refusal(request, version.form)
    if refusal is not None:
        return refusal
    if request.method == "POST" and getattr(request, "limited", False):
        messages.error(request, TOO_MANY)
        return redirect("applications:start", slug)
    if request.method == "POST":
        user = request.user if request.user.is_authenticated else None
        draft = services.draft_start(version=version, user=user)  # type: ignore[arg-type]
        response = _go_on(request, draft, journey(version.definition, draft.answers)[0]["key"])
        return access.remember(request, response, access.DRAFTS, draft.pk) if user is None else response
    definition = version.definition
    language = _language()
    return render(
        request,
        "applications/start.html",
        {
            "service": service,
            "version": version,
            "page_address": reverse("applications:start", args=[slug]),
            "form_title": localised_html(definition["title"], language),
            "intro": localised_html(definition.get("intro"), language),
            "page_count": len(definition["pages"]),
            "fees": fee_lines(definition, {}),
        },
    )


# One page -------------------------------------------------------------------------------------


def _group_sizes(request: MunicipalityRequest, page: dict[str, Any]) -> dict[str, int]:
    sizes = {}
    for field in page.get("fields", []):
        if field["type"] == "group":
            try:
                sizes[field["key"]] = int(request.POST.get(f"{field['key']}__count", ""))
            except ValueError:
                continue
    return sizes


def _store_page(draft: Draft, page_form: PageForm) -> Draft:
    """Keep what the page form collected, with its newly checked files stored first."""
    answers = dict(getattr(page_form, "page_answers", {}))
    valid = not page_form.errors
    if not valid:
        # With errors, only files are kept (so nobody uploads twice); the rest is shown again as typed.
        answers = {key: value for key, value in answers.items() if key in page_form.checked_uploads}
    return services.draft_save_page(
        draft=draft,
        page_key=page_form.page["key"],
        answers=answers,
        new_uploads=page_form.checked_uploads,
        visited=valid,
    )


@require_http_methods(["GET", "POST"])
@htmx_navigation
def application_page(request: MunicipalityRequest, draft_id: UUID, page_key: str) -> HttpResponse:
    draft = _draft_or_404(request, draft_id)
    if draft.submission_pk is not None:
        return redirect("applications:confirmation", draft.submission_pk)
    from_check = request.GET.get("zurueck") == CHECK_PAGE
    located = _locate(draft, page_key)
    if isinstance(located, HttpResponse):
        return located
    path, position = located
    page = path[position]
    if request.method != "POST" or page.get("kind") == "exit":
        return _page_shown(request, draft, path, position, from_check=from_check)
    definition = draft.version.definition
    asks_for_files = page_has_files(page)
    form_arguments = {
        "definition": definition,
        "page": page,
        "language": _language(),
        "uploads": list(selectors.draft_uploads(draft=draft)) if asks_for_files else [],
    }
    action = request.POST.get("aktion", "weiter")
    page_form = PageForm(
        answers=draft.answers,
        group_sizes=_group_sizes(request, page),
        data=request.POST,
        files=request.FILES,
        **form_arguments,
    )
    valid = page_form.is_valid()
    if action.startswith(("hinzufuegen:", "entfernen:", "datei-entfernen:")) or action == "speichern":
        return _page_action(request, draft, page_form, action)
    draft = _store_page(draft, page_form)
    if valid:
        return _go_on(request, draft, _after_page(draft, page["key"], from_check))
    page_form = PageForm(
        answers=draft.answers,
        group_sizes=_group_sizes(request, page),
        data=request.POST,
        **{**form_arguments, "uploads": list(selectors.draft_uploads(draft=draft)) if asks_for_files else []},
    )
    page_form.is_valid()
    return _page_shown(request, draft, path, position, from_check=from_check, page_form=page_form)


def _locate(draft: Draft, page_key: str) -> tuple[list[dict[str, Any]], int] | HttpResponse:
    """The draft's journey and the page's place in it; the first unanswered page instead, if it comes before."""
    definition = draft.version.definition
    path = journey(definition, draft.answers)
    position = page_position(path, page_key)
    if position is None:
        raise Http404
    open_page = first_open_page(definition, draft.answers, draft.visited_pages)
    if open_page is not None and position > page_position(path, open_page["key"]):  # type: ignore[operator]
        return redirect(_page_url(draft, open_page["key"]))
    return path, position


def _page_shown(
    request: MunicipalityRequest,
    draft: Draft,
    path: list[dict[str, Any]],
    position: int,
    *,
    from_check: bool,
    page_form: PageForm | None = None,
) -> HttpResponse:
    """One page of the form: as stored, or with the answers just posted and their errors (``page_form``)."""
    definition = draft.version.definition
    page = path[position]
    asks_for_files = page_has_files(page)
    if page_form is None:
        uploads = list(selectors.draft_uploads(draft=draft)) if asks_for_files else []
        page_form = PageForm(
            answers=draft.answers, definition=definition, page=page, language=_language(), uploads=uploads
        )
    back_url = (
        _page_url(draft, path[position - 1]["key"])
        if position
        else reverse("applications:start", args=[draft.version.form.service.slug])
    )
    page_url = _page_url(draft, page["key"]) + (f"?zurueck={CHECK_PAGE}" if from_check else "")
    return render(
        request,
        "applications/page.html",
        {
            **_form_context(draft),
            "page": page,
            "page_title": localised_html(page["title"], _language()),
            "page_intro": localised_html(page.get("intro"), _language()),
            "form": page_form,
            # The page's own address: the form posts there, also when it was shown in answer to the previous
            # page's post (htmx), and the language switch comes back to it.
            "page_address": page_url,
            # Only a page that asks for a file posts multipart; the others post the lighter urlencoded form.
            "asks_for_files": asks_for_files,
            "step": position + 1,
            # The check page counts as the last step.
            "steps": len(path) + (0 if ends_in_exit(path) else 1),
            "back_url": reverse("applications:check", args=[draft.pk]) if from_check else back_url,
            "from_check": from_check,
            "fees": fee_lines(definition, draft.answers),
        },
    )


def _go_on(request: MunicipalityRequest, draft: Draft, step_key: str) -> HttpResponse:
    """To the next step (a page's key or CHECK_PAGE): a redirect, or for htmx that step shown at once."""
    url = reverse("applications:check", args=[draft.pk]) if step_key == CHECK_PAGE else _page_url(draft, step_key)
    if not from_htmx(request):
        return redirect(url)
    submission_pk = getattr(draft, "submission_pk", None)
    if submission_pk is not None:  # submitted in another tab meanwhile
        return redirect("applications:confirmation", submission_pk)
    if step_key == CHECK_PAGE:
        return pushed(_check_shown(request, draft), url)
    located = _locate(draft, step_key)
    if isinstance(located, HttpResponse):
        return located
    return pushed(_page_shown(request, draft, *located, from_check=False), url)


def _page_action(request: MunicipalityRequest, draft: Draft, page_form: PageForm, action: str) -> HttpResponse:
    """Add or remove a group item, remove a file, or save for later: keep what was typed, stay on the page."""
    page_key = page_form.page["key"]
    answers = dict(page_form.page_answers)
    anchor = ""
    if action.startswith("datei-entfernen:"):
        field_key, _separator, upload_id = action.removeprefix("datei-entfernen:").partition(":")
        draft = _store_page(draft, page_form)
        try:
            services.upload_remove(draft=draft, upload_id=str(UUID(upload_id)), field_key=field_key)
        except ValueError as error:
            raise Http404 from error
        return redirect(_page_url(draft, page_key) + f"#{field_key}")
    if action.startswith("hinzufuegen:"):
        group_key = action.removeprefix("hinzufuegen:")
        items = list(answers.get(group_key) or [])
        items.append({})
        answers[group_key] = items
        anchor = f"#{group_key}-{len(items)}"
    elif action.startswith("entfernen:"):
        group_key, _separator, index = action.removeprefix("entfernen:").partition(":")
        items = list(answers.get(group_key) or [])
        if index.isdigit() and int(index) < len(items):
            del items[int(index)]
        answers[group_key] = items
        anchor = f"#{group_key}"
    services.draft_save_page(
        draft=draft, page_key=page_key, answers=answers, new_uploads=page_form.checked_uploads, visited=False
    )
    if action == "speichern":
        return redirect("applications:save", draft.pk)
    return redirect(_page_url(draft, page_key) + anchor)


def _after_page(draft: Draft, page_key: str, from_check: bool) -> str:
    """The step after a page: the next page's key, or CHECK_PAGE."""
    definition = draft.version.definition
    path = journey(definition, draft.answers)
    open_page = first_open_page(definition, draft.answers, draft.visited_pages)
    if from_check and open_page is None:
        return CHECK_PAGE
    position = page_position(path, page_key)
    if position is not None and position + 1 < len(path):
        return str(path[position + 1]["key"])
    if open_page is not None:
        return str(open_page["key"])
    return CHECK_PAGE


# Check and submit -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@htmx_navigation
def application_check(request: MunicipalityRequest, draft_id: UUID) -> HttpResponse:
    draft = _draft_or_404(request, draft_id)
    if draft.submission_pk is not None:
        return redirect("applications:confirmation", draft.submission_pk)
    declaration_form = DeclarationForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not declaration_form.is_valid():
        return _check_shown(request, draft, declaration_form)
    path = journey(draft.version.definition, draft.answers)
    unfinished = _unfinished(draft, path)
    if unfinished is not None:
        return unfinished
    try:
        submission = services.application_submit(
            draft=draft, language=_language(), portal_url=request.build_absolute_uri("/"), channel=draft.channel
        )
    except services.SubmissionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(_page_url(draft, path[-1]["key"]))
    url = reverse("applications:confirmation", args=[submission.pk])
    if from_htmx(request):
        # The confirmation as the answer; reloading it later asks for its own address, never this post again.
        # The submission was made from this draft: its version (with form, service and office) is the draft's.
        submission.version = draft.version
        response = pushed(_confirmation_shown(request, submission), url)
        add_never_cache_headers(response)
    else:
        response = redirect(url)
    if submission.user_id is not None:
        return response  # the account owns it
    return access.remember(request, response, access.SUBMISSIONS, submission.pk)


def _unfinished(draft: Draft, path: list[dict[str, Any]]) -> HttpResponse | None:
    """To the first unanswered page, or to the exit page the answers lead to; None when the draft can be sent."""
    open_page = first_open_page(draft.version.definition, draft.answers, draft.visited_pages)
    if open_page is not None:
        return redirect(_page_url(draft, open_page["key"]))
    if ends_in_exit(path):
        return redirect(_page_url(draft, path[-1]["key"]))
    return None


def _check_shown(
    request: MunicipalityRequest, draft: Draft, declaration_form: DeclarationForm | None = None
) -> HttpResponse:
    """All answers with their change links, the fees, and the declaration to send the application."""
    definition = draft.version.definition
    path = journey(definition, draft.answers)
    unfinished = _unfinished(draft, path)
    if unfinished is not None:
        return unfinished
    language = _language()
    uploads = selectors.draft_uploads(draft=draft)
    rows = answer_rows(definition, draft.answers, language, selectors.upload_names(uploads=uploads))
    lines = fee_lines(definition, draft.answers)
    pages = [
        {
            "key": page["key"],
            "title": localised_html(page["title"], language),
            "rows": [row for row in rows if row.page_key == page["key"]],
            "change_url": _page_url(draft, page["key"]) + f"?zurueck={CHECK_PAGE}",
        }
        for page in path
    ]
    return render(
        request,
        "applications/check.html",
        {
            **_form_context(draft),
            "pages": [page for page in pages if page["rows"]],
            "form": declaration_form or DeclarationForm(),
            "page_address": reverse("applications:check", args=[draft.pk]),
            "declaration": localised_html(definition.get("declaration"), language)
            or _("Ich versichere, dass meine Angaben richtig und vollständig sind."),
            "fees": lines,
            "fee_total": fee_total(lines),
            "step": len(path) + 1,
            "steps": len(path) + 1,
            "back_url": _page_url(draft, path[-1]["key"]),
        },
    )


@require_GET
@never_cache  # personal data: no shared cache may keep it, and the browser not after logout
def submission_confirmation(request: MunicipalityRequest, submission_id: UUID) -> HttpResponse:
    return _confirmation_shown(request, _submission_or_404(request, submission_id))


def _confirmation_shown(request: MunicipalityRequest, submission: Submission) -> HttpResponse:
    """The reference, what happens next and by when, the receipt, and an appointment where one is needed."""
    definition = submission.version.definition
    language = _language()
    service = submission.version.form.service
    return render(
        request,
        "applications/confirmation.html",
        {
            "submission": submission,
            "service": service,
            "book_appointment": books_after_application(municipality=request.municipality, service_id=service.pk),
            "form_title": localised_html(definition["title"], language),
            "next_steps": localised_html(definition.get("next_steps"), language),
            "office": submission.version.form.responsible_unit,
        },
    )


@require_GET
@never_cache
def submission_receipt(request: MunicipalityRequest, submission_id: UUID) -> HttpResponse | FileResponse:
    submission = _submission_or_404(request, submission_id)
    if not submission.receipt:
        raise Http404
    return FileResponse(
        submission.receipt.open("rb"),
        as_attachment=False,
        filename=f"Empfangsbestaetigung-{submission.reference}.pdf",
        content_type="application/pdf",
    )


# Save for later and resume --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=lambda group, request: settings.RATHAUS_RESUME_LINK_RATE, method="POST", block=False)
def application_save(request: MunicipalityRequest, draft_id: UUID) -> HttpResponse:
    draft = _draft_or_404(request, draft_id)
    context = {**_form_context(draft), "resume_days": draft.version.form.resume_days}
    if draft.user_id is not None:
        return render(request, "applications/saved.html", context)
    form = SaveForLaterForm(request.POST or None, initial={"email": draft.resume_email})
    if request.method == "POST" and getattr(request, "limited", False):
        form.is_valid()
        form.add_error(None, TOO_MANY)
        return render(request, "applications/save.html", {**context, "form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        token = services.draft_issue_resume_token(draft=draft, email=email)
        resume_url = request.build_absolute_uri(reverse("applications:resume", args=[token]))
        services.resume_link_send(draft=draft, email=email, resume_url=resume_url)
        return render(request, "applications/saved.html", {**context, "email": email})
    return render(request, "applications/save.html", {**context, "form": form})


def _continue(draft: Draft) -> HttpResponse:
    open_page = first_open_page(draft.version.definition, draft.answers, draft.visited_pages)
    if open_page is None:
        return redirect("applications:check", draft.pk)
    return redirect(_page_url(draft, open_page["key"]))


@require_GET
def application_continue(request: MunicipalityRequest, draft_id: UUID) -> HttpResponse:
    draft = _draft_or_404(request, draft_id)
    if draft.submission_pk is not None:
        return redirect("applications:confirmation", draft.submission_pk)
    return _continue(draft)


@require_GET
def application_resume(request: MunicipalityRequest, token: str) -> HttpResponse:
    draft = selectors.draft_for_resume_token(
        municipality=request.municipality, token_hash=services.resume_token_hash(token)
    )
    if draft is None or draft.expires_at < timezone.now() or hasattr(draft, "submission"):
        return render(request, "applications/resume_invalid.html", status=404)
    if draft.user_id is None:
        return access.remember(request, _continue(draft), access.DRAFTS, draft.pk)
    if not (request.user.is_authenticated and request.user.pk == draft.user_id):
        return redirect_to_login(request.get_full_path())
    return _continue(draft)


@require_POST
def application_discard(request: MunicipalityRequest, draft_id: UUID) -> HttpResponse:
    draft = _draft_or_404(request, draft_id)
    if draft.submission_pk is None:
        services.draft_discard(draft=draft)
        messages.success(request, _("Der Antragsentwurf wurde gelöscht."))
    if request.user.is_authenticated:
        return redirect("applications:my_applications")
    return HttpResponseRedirect(reverse("catalogue:service_detail", args=[draft.version.form.service.slug]))


@require_GET
@login_required
def my_applications(request: AuthenticatedRequest) -> HttpResponse:
    from rathaus.cases.selectors import cases_for_citizen
    from rathaus.cases.timeline import state_text

    cases = list(cases_for_citizen(municipality=request.municipality, user=request.user).select_related("submission"))
    return render(
        request,
        "applications/my_applications.html",
        {
            "drafts": selectors.drafts_of_user(municipality=request.municipality, user=request.user),
            # Submissions whose case is not opened yet (the worker is still handing them over).
            "submissions": selectors.submissions_of_user(municipality=request.municipality, user=request.user).filter(
                case__isnull=True
            ),
            "case_rows": [(case, state_text(case)) for case in cases],
        },
    )
