from django.urls import path

from kohorte.credentials import holder_views

app_name = "credentials_holder"

urlpatterns = [
    path("mein-programm/zertifikat/<str:verification_id>.pdf", holder_views.pdf, name="pdf"),
    path("mein-programm/zertifikat/<str:verification_id>.jwt", holder_views.jwt, name="jwt"),
]
