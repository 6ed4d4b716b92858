from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "rathaus.accounts"
    verbose_name = _("Konten")

    def ready(self) -> None:
        from . import personal_data

        personal_data.register_builtin_providers()
