from django.urls import path

from shebao.lifeevents import views

app_name = "lifeevents"

urlpatterns = [
    path("", views.index, name="index"),
    path("track/", views.track, name="track"),
    path("staff/", views.staff_index, name="staff"),
    path("staff/<str:number>/", views.staff_bundle, name="staff-bundle"),
    path("<slug:code>/", views.questions, name="questions"),
    path("<slug:code>/notice/", views.notice, name="notice"),
    path("<slug:code>/notice.pdf", views.notice_pdf, name="notice-pdf"),
    path("<slug:code>/start/", views.start, name="start"),
]
