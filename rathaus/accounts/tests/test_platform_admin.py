from allauth.mfa.totp.internal.auth import TOTP

from conftest import ESSLINGEN_HOST, PASSWORD, TOTP_SECRET, client_for
from rathaus.accounts.models import User


def _operator(email: str) -> User:
    from allauth.account.models import EmailAddress

    user = User.objects.create_superuser(email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def test_admin_login_goes_through_the_portal_login(esslingen):
    response = client_for(ESSLINGEN_HOST).get("/plattform/admin/login/")

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


def test_operator_without_second_factor_is_kept_out_of_the_platform_admin(esslingen):
    operator = _operator("betrieb@example.org")

    response = client_for(ESSLINGEN_HOST, operator).get("/plattform/admin/")

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_operator_with_second_factor_reaches_the_platform_admin(esslingen):
    operator = _operator("betrieb@example.org")
    TOTP.activate(operator, TOTP_SECRET)

    response = client_for(ESSLINGEN_HOST, operator).get("/plattform/admin/")

    assert response.status_code == 200


def test_citizens_are_refused_by_the_platform_admin(citizen):
    response = client_for(ESSLINGEN_HOST, citizen).get("/plattform/admin/login/")

    assert response.status_code == 403
