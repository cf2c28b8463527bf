from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shebao.reports"
    label = "reports"
    verbose_name = "统计报表"
    default_auto_field = "django.db.models.BigAutoField"
