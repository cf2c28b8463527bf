from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "shebao.rules"
    label = "rules"
    verbose_name = "节假日与待遇参数"
    default_auto_field = "django.db.models.BigAutoField"
