from django.apps import AppConfig


class HeroesConfig(AppConfig):
    name = "heroes"
    verbose_name = "Heroes by power"
