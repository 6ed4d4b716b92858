from django import forms
from django.utils.translation import gettext_lazy as _


class AccessibilityFeedbackForm(forms.Form):
    page_url = forms.CharField(
        label=_("Auf welcher Seite ist die Barriere? (freiwillig)"),
        required=False,
        max_length=500,
        help_text=_("Zum Beispiel die Adresse der Seite oder ihre Überschrift."),
    )
    message = forms.CharField(
        label=_("Was funktioniert nicht?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("Beschreiben Sie bitte, was Sie tun wollten und woran es gescheitert ist."),
        error_messages={"required": _("Bitte beschreiben Sie die Barriere.")},
    )
    name = forms.CharField(label=_("Ihr Name (freiwillig)"), required=False, max_length=200)
    email = forms.EmailField(
        max_length=254,
        label=_("Ihre E-Mail-Adresse für eine Antwort (freiwillig)"),
        required=False,
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@beispiel.de.")},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class FeedbackAnswerForm(forms.Form):
    staff_note = forms.CharField(
        label=_("Vermerk: Was wurde geantwortet oder behoben?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Bitte halten Sie fest, was geantwortet oder behoben wurde.")},
    )


class SiteSearchForm(forms.Form):
    q = forms.CharField(label=_("Suchbegriff"), max_length=200, required=False)
