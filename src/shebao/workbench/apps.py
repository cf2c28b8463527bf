from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "shebao.workbench"
    label = "workbench"
    default_auto_field = "django.db.models.BigAutoField"
