from django.urls import path

from kohorte.credentials import staff_urls, views

app_name = "credentials"

# Outside the language prefix: the CRL address is written into the issuer's certificate, and
# the credential URLs (issuer, keys, status list, verification page) are printed and signed.
urlpatterns = [
    path("zertifikate/ca.pem", views.ca_certificate, name="ca_certificate"),
    path("zertifikate/ca.crl", views.ca_crl, name="ca_crl"),
    path("zertifikate/aussteller/", views.issuer, name="issuer"),
    path("zertifikate/jwks.json", views.jwks, name="jwks"),
    path("zertifikate/schluessel/<str:thumbprint>.json", views.public_key, name="public_key"),
    path("zertifikate/status/<int:list_id>", views.status_list, name="status_list"),
    path("zertifikate/pruefen/", views.verify_upload, name="verify_upload"),
    path(
        "zertifikate/pruefen/<str:verification_id>/",
        views.verify_certificate,
        name="verify",
    ),
    *staff_urls.urlpatterns,
]
