from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Municipality, OrganisationalUnit
from .services import MUNICIPALITY_SETTINGS_FIELDS, UNIT_CONTACT_FIELDS


class UnitContactForm(forms.ModelForm):
    class Meta:
        model = OrganisationalUnit
        fields = list(UNIT_CONTACT_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "accessibility": forms.Textarea(attrs={"rows": 3}),
            "accessibility_en": forms.Textarea(attrs={"rows": 3}),
        }


class MunicipalitySettingsForm(forms.ModelForm):
    website = forms.URLField(label=_("Internetseite"), required=False, assume_scheme="https")

    class Meta:
        model = Municipality
        fields = list(MUNICIPALITY_SETTINGS_FIELDS)
        widgets = {
            "accent_colour": forms.TextInput(attrs={"type": "color"}),
            "accessibility_statement_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
