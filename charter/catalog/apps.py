from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "charter.catalog"
    label = "catalog"
    verbose_name = "Products and product standards"
