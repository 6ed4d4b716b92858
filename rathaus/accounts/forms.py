from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


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
