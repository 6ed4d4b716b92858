from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "rathaus.reports"
    verbose_name = _("Mängelmelder")

    def ready(self) -> None:
        from rathaus.accounts import personal_data

        from . import personal_data_reports

        personal_data.register(personal_data_reports.provider)
