from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "dramaturg.reports"
    verbose_name = _("Reports and exports")

    def ready(self) -> None:
        from dramaturg.reports.exporters import load_builtin
        from dramaturg.surveys.signals import round_changed

        load_builtin()
        round_changed.connect(_round_changed, dispatch_uid="reports.round_changed")


def _round_changed(sender: object, round_id: int, **kwargs: object) -> None:
    """Have the worker compute the round's summary again once the change is committed."""
    from dramaturg.reports import summaries

    summaries.request([round_id])
