from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepertoireConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dramaturg.repertoire"
    verbose_name = _("repertoire")

    def ready(self) -> None:
        from dramaturg.repertoire import signals  # noqa: F401
