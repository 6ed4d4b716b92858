from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.models import Municipality, OrganisationalUnit

from .models import StaffMembership, User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["given_name", "family_name", "date_of_birth", "street", "postal_code", "city", "phone"]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "date_of_birth": _("Wird nur verwendet, um Anträge für Sie vorauszufüllen."),
            "phone": _("Freiwillig. Für Rückfragen zu Ihren Anträgen."),
        }

    autocomplete = {
        "given_name": "given-name",
        "family_name": "family-name",
        "date_of_birth": "bday",
        "street": "street-address",
        "postal_code": "postal-code",
        "city": "address-level2",
        "phone": "tel",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, token in self.autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = token


class AccountDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ich möchte mein Konto endgültig löschen."),
        required=True,
        error_messages={"required": _("Bitte bestätigen Sie, dass Sie Ihr Konto löschen möchten.")},
    )


class _StaffFieldsMixin(forms.Form):
    role = forms.ChoiceField(label=_("Rolle"), choices=StaffMembership.Role.choices)
    units = forms.ModelMultipleChoiceField(
        label=_("Organisationseinheiten"),
        queryset=OrganisationalUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "kern-form-check__checkbox"}),
        help_text=_("In welchen Stellen arbeitet die Person? Amtsleitungen ändern nur die Angaben dieser Stellen."),
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        units_field = self.fields["units"]
        assert isinstance(units_field, forms.ModelMultipleChoiceField)
        units_field.queryset = OrganisationalUnit.objects.filter(municipality=municipality).order_by("name")


class StaffInviteForm(_StaffFieldsMixin):
    email = forms.EmailField(
        max_length=254,
        label=_("E-Mail-Adresse"),
        help_text=_("Hat die Person noch kein Konto, legen wir eines an und senden eine Einladung."),
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@beispiel.de.")},
    )
    field_order = ["email", "role", "units"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if StaffMembership.objects.filter(
            municipality=self.municipality, user__email__iexact=email, is_active=True
        ).exists():
            raise forms.ValidationError(_("Diese Person arbeitet bereits für Ihre Kommune."))
        return email


class StaffMembershipForm(_StaffFieldsMixin):
    is_active = forms.BooleanField(
        label=_("Zugang aktiv"),
        required=False,
        help_text=_("Ohne aktiven Zugang kann die Person den Verwaltungsbereich nicht mehr öffnen."),
    )
