from django.conf import settings
from django.urls import path

from shebao.ops import views

app_name = "ops"

urlpatterns = [path("healthz", views.healthz, name="healthz")]

if settings.SHEBAO_BENCH_VIEWS:
    urlpatterns.append(path("_bench/constant", views.bench_constant, name="bench-constant"))
