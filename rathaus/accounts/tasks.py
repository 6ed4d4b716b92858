"""Background work of the accounts domain. Tasks take ids and may run twice without harm."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from rathaus.municipalities.selectors import municipality_sender

from .models import StaffMembership


@task()
def staff_invitation_send(*, membership_id: int, portal_url: str, new_account: bool) -> bool:
    """E-mail a new staff member the link to the staff area (and, for a new account, to set a password)."""
    membership = (
        StaffMembership.objects.select_related("user", "municipality").filter(pk=membership_id, is_active=True).first()
    )
    if membership is None:
        return False
    user = membership.user
    password_url = ""
    if new_account:
        path = reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
        )
        password_url = portal_url.rstrip("/") + path
    with translation.override("de"):
        body = render_to_string(
            "accounts/email/staff_invitation.txt",
            {
                "municipality": membership.municipality,
                "membership": membership,
                "password_url": password_url,
                "staff_url": portal_url.rstrip("/") + reverse("portal:staff_dashboard"),
            },
        )
        send_mail(
            subject=f"Zugang zum Verwaltungsbereich – {membership.municipality.name}",
            message=body,
            from_email=municipality_sender(municipality=membership.municipality),
            recipient_list=[user.email],
        )
    return True
