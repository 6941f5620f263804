from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "dramaturg.demo"
    verbose_name = "Demo"
