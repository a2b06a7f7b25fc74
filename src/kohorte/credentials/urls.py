from django.urls import path

from kohorte.credentials import _verify_placeholder, views

app_name = "credentials"

# Outside the language prefix: the CRL address is written into the issuer's certificate.
urlpatterns = [
    path("zertifikate/ca.pem", views.ca_certificate, name="ca_certificate"),
    path("zertifikate/ca.crl", views.ca_crl, name="ca_crl"),
    # Placeholder until h15-ob3's verification page is merged (same name, kwargs and path).
    path(
        "zertifikate/pruefen/<str:verification_id>/",
        _verify_placeholder.verify,
        name="verify",
    ),
    # Placeholder until h15-ob3's staff certificate page is merged (same name and kwargs).
    path(
        "verwaltung/zertifikate/zertifikat/<str:verification_id>/",
        _verify_placeholder.staff_certificate,
        name="staff_certificate",
    ),
]
