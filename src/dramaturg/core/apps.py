from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dramaturg.core"
    verbose_name = "Dramaturg"
