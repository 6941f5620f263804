from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    name = "dramaturg.sources"
    verbose_name = _("Sources")

    def ready(self) -> None:
        from dramaturg.sources.library import sync_shipped_sources

        post_migrate.connect(sync_shipped_sources, sender=self)
