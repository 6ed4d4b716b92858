from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "rathaus.appointments"
    verbose_name = _("Termine")

    def ready(self) -> None:
        from rathaus.accounts import personal_data

        from . import personal_data_appointments

        personal_data.register(personal_data_appointments.provider)
