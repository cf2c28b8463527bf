from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "shebao.portal"
    label = "portal"
    verbose_name = "群众办事"
    default_auto_field = "django.db.models.BigAutoField"
