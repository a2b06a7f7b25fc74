from django.urls import path

from kohorte.admissions import views

app_name = "admissions"

urlpatterns = [
    path("empfehlung/<str:token>/", views.referee, name="referee"),
]
