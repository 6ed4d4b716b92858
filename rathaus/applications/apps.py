from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "rathaus.applications"
    verbose_name = _("Online-Anträge")

    def ready(self) -> None:
        from rathaus.accounts import personal_data

        from . import personal_data_applications

        personal_data.register(personal_data_applications.provider)

        from django.db.models.signals import post_delete, post_save

        from rathaus.catalogue.models import Service
        from rathaus.municipalities.models import OrganisationalUnit

        from .models import ApplicationForm, FormVersion
        from .selectors import version_cache_clear

        for model in (FormVersion, ApplicationForm, Service, OrganisationalUnit):
            post_save.connect(version_cache_clear, sender=model, dispatch_uid=f"version-cache-save-{model.__name__}")
            post_delete.connect(version_cache_clear, sender=model, dispatch_uid=f"version-cache-del-{model.__name__}")
