"""Staff pages of credentials (included into ``credentials.urls``, namespace ``credentials``)."""

from django.urls import path

from kohorte.credentials import staff_views

urlpatterns = [
    path(
        "verwaltung/zertifikate/nachweis/<str:verification_id>/",
        staff_views.certificate,
        name="staff_certificate",
    ),
]
