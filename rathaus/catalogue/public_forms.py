"""Forms of the public catalogue pages (the back office's forms live in forms.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ServiceSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Was möchten Sie erledigen?"),
        max_length=200,
        help_text=_("Zum Beispiel „Personalausweis“, „Umzug“ oder „Hund anmelden“."),
        error_messages={
            "required": _("Bitte geben Sie einen Suchbegriff ein."),
            "max_length": _("Bitte fassen Sie sich kürzer: höchstens %(limit_value)d Zeichen."),
        },
    )

    def clean_q(self) -> str:
        query: str = self.cleaned_data["q"].replace("\x00", " ").strip()
        if not query:
            raise forms.ValidationError(_("Bitte geben Sie einen Suchbegriff ein."), code="required")
        return query
