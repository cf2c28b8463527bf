from django.urls import path

from shebao.workbench import views

app_name = "workbench"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("intake/", views.intake, name="intake"),
    path("cases/<str:case_no>/", views.case_detail, name="case"),
    path("cases/<str:case_no>/receipt.pdf", views.receipt_pdf, name="receipt"),
    path("cases/<str:case_no>/notice.pdf", views.notice_pdf, name="notice"),
    path("handover/", views.handover, name="handover"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/<int:rating_id>/follow-up/", views.follow_up, name="follow-up"),
]
