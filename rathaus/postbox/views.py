"""The citizen's postbox: messages of their cases, read receipts, replies with files, attachments."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rathaus.cases import workflow as flow
from rathaus.cases.services import CaseRefused
from rathaus.municipalities.http import AuthenticatedRequest

from . import selectors, services
from .forms import ReplyForm
from .models import Attachment, Message

PAGE_SIZE = 20
# Shown in the browser; everything else is offered as a download so it never runs in the portal's origin.
INLINE_TYPES = ("application/pdf", "image/jpeg", "image/png")


@require_GET
@login_required
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    found = selectors.messages_for_citizen(municipality=request.municipality, user=request.user)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("seite"))
    return render(request, "postbox/inbox.html", {"page": page})


def _may_reply(message: Message) -> bool:
    if message.direction != Message.Direction.TO_CITIZEN:
        return False
    return flow.workflow_for(message.case.case_type).kind(message.case.state) != flow.CLOSED


@require_http_methods(["GET", "POST"])
@login_required
def message_detail(request: AuthenticatedRequest, message_id: UUID) -> HttpResponse:
    message = selectors.message_for_citizen(municipality=request.municipality, user=request.user, message_id=message_id)
    if message is None:
        raise Http404
    may_reply = _may_reply(message)
    form = ReplyForm()
    if request.method == "POST":
        if not may_reply:
            messages.error(request, _("Auf diese Nachricht können Sie nicht antworten."))
            return redirect("postbox:message", message.pk)
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.message_reply(
                    message=message,
                    user=request.user,
                    body=form.cleaned_data["body"],
                    attachments=form.attachment_tuples(),
                )
            except (services.MessageRefused, CaseRefused) as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("Ihre Antwort ist bei uns eingegangen. Vielen Dank."))
                return redirect("postbox:message", message.pk)
    else:
        services.message_mark_read(message=message)
    return render(
        request,
        "postbox/message.html",
        {
            "message": message,
            "case": message.case,
            "replies": selectors.case_messages(case=message.case).filter(in_reply_to=message),
            "form": form,
            "may_reply": may_reply,
            "is_open_request": message.kind == Message.Kind.REQUEST and message.answered_at is None,
        },
    )


def attachment_response(attachment: Attachment) -> FileResponse:
    inline = attachment.content_type in INLINE_TYPES
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.name,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def attachment_download(request: AuthenticatedRequest, attachment_id: UUID) -> FileResponse:
    attachment = selectors.attachment_for_citizen(
        municipality=request.municipality, user=request.user, attachment_id=attachment_id
    )
    if attachment is None or not attachment.file:
        raise Http404
    return attachment_response(attachment)
