from django.apps import AppConfig


class LifeeventsConfig(AppConfig):
    name = "shebao.lifeevents"
    label = "lifeevents"
    verbose_name = "一件事"
    default_auto_field = "django.db.models.BigAutoField"
