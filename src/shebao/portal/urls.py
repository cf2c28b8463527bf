from django.urls import path

from shebao.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("items/<int:no>/", views.item_detail, name="item"),
    path("items/<int:no>/notice/", views.notice, name="notice"),
    path("items/<int:no>/notice.pdf", views.notice_pdf, name="notice-pdf"),
    path("self-check/", views.self_check_index, name="self-check"),
    path("self-check/retirement/", views.check_retirement, name="check-retirement"),
    path("self-check/resident-pension/", views.check_resident, name="check-resident"),
    path("self-check/early-retirement/", views.check_early, name="check-early"),
    path("self-check/unemployment/", views.check_unemployment, name="check-unemployment"),
    path("self-check/benefits/", views.check_benefits, name="check-benefits"),
]
