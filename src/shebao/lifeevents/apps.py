from django.apps import AppConfig


class LifeeventsConfig(AppConfig):
    name = "shebao.lifeevents"
    label = "lifeevents"
    verbose_name = "一件事"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from shebao.cases.services.notify import RESULT_FOLLOW_UPS
        from shebao.lifeevents.selectors import now_applicable_after

        if now_applicable_after not in RESULT_FOLLOW_UPS:
            RESULT_FOLLOW_UPS.append(now_applicable_after)
