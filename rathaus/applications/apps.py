from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "rathaus.applications"
    verbose_name = _("Online-Anträge")

    def ready(self) -> None:
        from rathaus.accounts import personal_data

        from . import personal_data_applications

        personal_data.register(personal_data_applications.provider)
