from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "dramaturg.reports"
    verbose_name = _("Reports and exports")

    def ready(self) -> None:
        from dramaturg.reports.exporters import load_builtin

        load_builtin()
