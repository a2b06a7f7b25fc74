from django.urls import path

from kohorte.backoffice import views

app_name = "backoffice"
urlpatterns = [path("verwaltung/", views.home, name="home")]
