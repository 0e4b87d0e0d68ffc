from django.apps import AppConfig


class NamegenConfig(AppConfig):
    name = "namegen"
    verbose_name = "Name generator"
