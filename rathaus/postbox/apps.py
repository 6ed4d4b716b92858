from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostboxConfig(AppConfig):
    name = "rathaus.postbox"
    verbose_name = _("Postfach")
