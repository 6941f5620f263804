from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "dramaturg.networks"
    verbose_name = _("Networks of school leaders")
