from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "charter.api"
    label = "api"
    verbose_name = "REST API"
