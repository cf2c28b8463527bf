from django.apps import AppConfig


class LifeeventsConfig(AppConfig):
    name = "shebao.lifeevents"
    label = "lifeevents"
    default_auto_field = "django.db.models.BigAutoField"
