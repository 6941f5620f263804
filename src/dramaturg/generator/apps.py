from django.apps import AppConfig


class GeneratorConfig(AppConfig):
    """Only for its management command: no models, nothing imported at run time."""

    name = "dramaturg.generator"
    label = "generator"
