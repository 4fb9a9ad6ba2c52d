from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "charter.standards"
    label = "standards"
    verbose_name = "The service charter"
