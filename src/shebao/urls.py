from django.contrib import admin
from django.urls import include, path

from shebao.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("shebao.accounts.urls")),
    path("workbench/", include("shebao.workbench.urls")),
    path("reports/", include("shebao.reports.urls")),
    path("life-events/", include("shebao.lifeevents.urls")),
    path("", include("shebao.ops.urls")),
    path("", include("shebao.cases.urls")),
    path("", include("shebao.portal.urls")),
]
