from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "rathaus.cases"
    verbose_name = _("Vorgänge")

    def ready(self) -> None:
        from rathaus.accounts import personal_data

        from . import personal_data_cases

        personal_data.register(personal_data_cases.provider)
