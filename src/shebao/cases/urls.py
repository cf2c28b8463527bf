from django.urls import path

from shebao.cases import views

app_name = "cases"

urlpatterns = [
    path("track/", views.track, name="track"),
    path("track/rate/", views.rate, name="rate"),
]
