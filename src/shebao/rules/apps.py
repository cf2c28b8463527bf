from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "shebao.rules"
    label = "rules"
    default_auto_field = "django.db.models.BigAutoField"
