from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "shebao.ops"
    label = "ops"
    verbose_name = "运行维护"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connects the login-failure counters (see shebao.ops.throttle).
        from shebao.ops import throttle  # noqa: F401
