"""People: citizens and staff share one account model; staff rights come from memberships."""

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.models import Municipality, OrganisationalUnit, postal_code_validator


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An account needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True, is_platform_operator=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. Citizens use it in every municipality of the installation."""

    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    given_name = models.CharField(_("Vorname"), max_length=100, blank=True)
    family_name = models.CharField(_("Familienname"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("Geburtsdatum"), null=True, blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postal_code = models.CharField(_("Postleitzahl"), max_length=5, blank=True, validators=[postal_code_validator])
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(
        _("Zugang zur technischen Administration"),
        default=False,
        help_text=_("Erlaubt die Anmeldung in der Django-Administration; nur für den Plattformbetrieb."),
    )
    is_platform_operator = models.BooleanField(
        _("Plattformbetrieb"),
        default=False,
        help_text=_("Betreibt die Installation für alle Kommunen (Kommunen anlegen, Hostnamen, Betrieb)."),
    )
    date_joined = models.DateTimeField(_("registriert am"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("Konto")
        verbose_name_plural = _("Konten")

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part) or self.email

    def get_short_name(self) -> str:
        return self.given_name or self.email


class StaffMembership(models.Model):
    """A person works for one municipality, in one or more of its offices, in one role."""

    class Role(models.TextChoices):
        CLERK = "clerk", _("Sachbearbeitung")
        OFFICE_LEAD = "office_lead", _("Amtsleitung")
        MUNICIPALITY_ADMIN = "municipality_admin", _("Administration der Kommune")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_memberships", verbose_name=_("Konto"))
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="staff_memberships", verbose_name=_("Kommune")
    )
    role = models.CharField(_("Rolle"), max_length=30, choices=Role.choices, default=Role.CLERK)
    units = models.ManyToManyField(
        OrganisationalUnit, related_name="staff_memberships", blank=True, verbose_name=_("Organisationseinheiten")
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Zuordnung zur Kommune")
        verbose_name_plural = _("Zuordnungen zur Kommune")
        constraints = [models.UniqueConstraint(fields=["user", "municipality"], name="one_membership_per_municipality")]

    def __str__(self) -> str:
        return f"{self.user} – {self.municipality} ({self.get_role_display()})"

    @property
    def is_municipality_admin(self) -> bool:
        return self.role == self.Role.MUNICIPALITY_ADMIN

    @property
    def is_office_lead(self) -> bool:
        return self.role in (self.Role.OFFICE_LEAD, self.Role.MUNICIPALITY_ADMIN)
