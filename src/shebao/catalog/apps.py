from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "shebao.catalog"
    label = "catalog"
    verbose_name = "事项库"
    default_auto_field = "django.db.models.BigAutoField"
