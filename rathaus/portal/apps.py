from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "rathaus.portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from rathaus.accounts import personal_data

        from . import personal_data_portal

        personal_data.register(personal_data_portal.provider)
