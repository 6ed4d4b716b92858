"""Forms of the Open311 staff pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class Open311ClientForm(forms.Form):
    name = forms.CharField(
        label=_("Name der Anwendung"),
        max_length=200,
        help_text=_("Zum Beispiel „Mängel-App des Landkreises“. So erscheint der Zugang in der Liste."),
    )
    contact_email = forms.EmailField(
        max_length=254,
        label=_("E-Mail der Ansprechperson"),
        required=False,
        help_text=_("Für Rückfragen zur Anbindung, wenn der Schlüssel gesperrt werden muss."),
    )
