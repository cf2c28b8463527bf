from django.urls import path, re_path

from shebao.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    re_path(r"^export/(?P<key>[a-z_]+)\.(?P<fmt>xlsx|csv)$", views.export, name="export"),
    path("monthly.pdf", views.monthly_pdf, name="monthly_pdf"),
]
