from django.apps import AppConfig


class CasereviewConfig(AppConfig):
    name = "casereview"
    verbose_name = "casereview core"
