from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shebao.core"
    label = "core"
    verbose_name = "基础数据"
    default_auto_field = "django.db.models.BigAutoField"
