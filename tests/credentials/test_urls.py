"""The CA certificate and its CRL, published for anyone who validates a certificate PDF."""

import pytest

from kohorte.core import issuer

pytestmark = pytest.mark.django_db


def test_ca_certificate_is_served_as_pem(client, issuer_dir):
    response = client.get("/zertifikate/ca.pem")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pem-file"
    assert response.content == (issuer_dir / issuer.CA_CERT).read_bytes()
    assert response.content.startswith(b"-----BEGIN CERTIFICATE-----")
    assert response["Cache-Control"] == "public, max-age=600"


def test_crl_is_served_as_der_at_the_distribution_point(client, issuer_dir):
    response = client.get("/zertifikate/ca.crl")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pkix-crl"
    assert response.content == (issuer_dir / issuer.CRL).read_bytes()
    assert issuer.crl_url().endswith("/zertifikate/ca.crl")
    assert response["Cache-Control"] == "public, max-age=600"


def test_without_an_issuer_both_urls_answer_404(client, data_dir):
    for url in ("/zertifikate/ca.pem", "/zertifikate/ca.crl"):
        response = client.get(url)
        assert response.status_code == 404
        assert b"BEGIN CERTIFICATE" not in response.content


def test_the_urls_refuse_post(client, issuer_dir):
    assert client.post("/zertifikate/ca.pem").status_code == 405


def test_every_role_gets_the_same_public_files(client, issuer_dir, django_user_model):
    """Public by design (no personal data): anonymous, a participant and staff alike."""
    expected = {
        "/zertifikate/ca.pem": (issuer_dir / issuer.CA_CERT).read_bytes(),
        "/zertifikate/ca.crl": (issuer_dir / issuer.CRL).read_bytes(),
    }
    users = [
        None,
        django_user_model.objects.create_user("teilnehmerin@bund.example", "x"),
        django_user_model.objects.create_user("staff@example.org", "x", is_staff=True),
    ]
    for user in users:
        client.logout()
        if user is not None:
            client.force_login(user)
        for url, content in expected.items():
            response = client.get(url)
            assert (response.status_code, response.content) == (200, content), (user, url)


def test_a_get_never_reissues_the_crl(client, issuer_dir):
    """GET never writes: a missing CRL stays missing (404) until signing or setup-issuer."""
    (issuer_dir / issuer.CRL).unlink()
    assert client.get("/zertifikate/ca.crl").status_code == 404
    assert not (issuer_dir / issuer.CRL).exists()
    assert client.get("/zertifikate/ca.pem").status_code == 200
