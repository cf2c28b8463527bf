from django.conf import settings
from django.urls import path

from shebao.ops import views

app_name = "ops"

urlpatterns = [path("healthz", views.healthz, name="healthz")]

if settings.SHEBAO_BENCH_VIEWS:
    urlpatterns += [
        path("_bench/constant", views.bench_constant, name="bench-constant"),
        path("_bench/sleep", views.bench_sleep, name="bench-sleep"),
    ]
