"""Sign-up with verification through the outbox, language, privacy consent, rate limits."""

import re

import pytest
from allauth.account.models import EmailAddress

from kohorte.accounts.models import PrivacyConsent, User
from kohorte.comms.delivery import build_email
from kohorte.comms.models import OutboxMessage

pytestmark = pytest.mark.django_db

FORM = {
    "email": "erika.muster@bund.example",
    "password1": "Sehr-geheimes-Passwort-2026",
    "password2": "Sehr-geheimes-Passwort-2026",
    "first_name": "Erika",
    "last_name": "Muster",
    "preferred_language": "en",
    "accept_privacy": "on",
}


def _link(body: str) -> str:
    return re.search(r"https?://[^\s]+", body).group(0)


def test_signup_stores_name_language_consent_and_mails_verification(client, settings):
    response = client.post("/konto/signup/", FORM)
    assert response.status_code == 302
    user = User.objects.get(email="erika.muster@bund.example")
    assert (user.first_name, user.last_name, user.preferred_language) == ("Erika", "Muster", "en")
    consent = PrivacyConsent.objects.get(user=user)
    assert consent.version == settings.KOHORTE_PRIVACY_VERSION
    mail = OutboxMessage.objects.get(event_key="account.email_confirmation")
    assert mail.recipient_email == user.email and mail.language == "en"
    assert mail.subject == "Please confirm your e-mail address"
    assert mail.body_text.startswith("Dear Erika Muster,")
    assert not EmailAddress.objects.get(user=user).verified


def test_verification_link_confirms_and_then_login_works(client):
    client.post("/konto/signup/", FORM)
    mail = OutboxMessage.objects.get(event_key="account.email_confirmation")
    path = re.sub(r"^https?://[^/]+", "", _link(build_email(mail).body))
    page = client.get(path)
    assert page.status_code == 200
    body = page.content.decode()
    assert "E-Mail-Adresse bestätigen" in body
    assert f"Bitte bestätigen Sie, dass {FORM['email']} Ihre E-Mail-Adresse ist." in body
    assert not EmailAddress.objects.get(email=FORM["email"]).verified  # GET never writes
    assert client.post(path).status_code == 302
    assert EmailAddress.objects.get(email=FORM["email"]).verified
    client.logout()
    response = client.post("/konto/login/", {"login": FORM["email"], "password": FORM["password1"]})
    assert response.status_code == 302


def test_signup_without_privacy_consent_is_refused_at_the_field(client):
    response = client.post("/konto/signup/", {**FORM, "accept_privacy": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_accept_privacy_error"' in body
    assert "Bitte stimmen Sie der Datenschutzerklärung zu." in body
    assert 'value="Erika"' in body  # nothing typed is lost
    assert not User.objects.exists()


def test_signup_weak_password_gets_translated_message(client):
    response = client.post("/konto/signup/", {**FORM, "password1": "123", "password2": "123"})
    assert "Dieses Passwort ist zu kurz." in response.content.decode()


def test_account_pages_address_people_formally(client):
    body = client.get("/konto/login/").content.decode()
    assert "Sie haben noch kein Konto?" in body
    assert "Du hast" not in body
    body = client.get("/konto/password/reset/").content.decode()
    assert "Geben Sie Ihre E-Mail-Adresse ein" in body


def test_failed_logins_are_rate_limited(client, django_user_model):
    django_user_model.objects.create_user("ziel@example.org", "richtig-passwort-123")
    bodies = [
        client.post(
            "/konto/login/", {"login": "ziel@example.org", "password": f"falsch{i}"}
        ).content.decode()
        for i in range(6)
    ]
    assert not any("Zu viele" in body for body in bodies[:5])
    assert "Zu viele gescheiterte Anmeldeversuche. Bitte versuchen Sie" in bodies[5]
    # Even the right password waits now.
    response = client.post(
        "/konto/login/", {"login": "ziel@example.org", "password": "richtig-passwort-123"}
    )
    assert response.status_code == 200
    assert "Zu viele gescheiterte Anmeldeversuche. Bitte versuchen Sie" in response.content.decode()


# --- Issue 9, item 9: sign-up with a known address does the same work -----------------------
def _normalised(response, email):
    body = response.content.decode()
    body = body.replace(email, "ADDRESS")
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)
    body = re.sub(r"hx-headers=\'[^\']*\'", "HX", body)
    return re.sub(r'nonce="[^"]+"', "NONCE", body)


def _sign_up(client, email):
    from tests.accounts.hashers import CountingHasher

    CountingHasher.calls = 0
    response = client.post("/konto/signup/", {**FORM, "email": email})
    return response, CountingHasher.calls


def test_signup_with_known_address_hashes_and_answers_like_a_new_one(
    client, settings, django_user_model
):
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CountingHasher"]
    known = django_user_model.objects.create_user("bekannt@bund.example", "x", first_name="Kim")
    EmailAddress.objects.create(user=known, email=known.email, verified=True, primary=True)
    from django.test import Client

    new_response, new_hashes = _sign_up(client, "neu@bund.example")
    other = Client()
    known_response, known_hashes = _sign_up(other, "bekannt@bund.example")
    assert (new_hashes, known_hashes) == (1, 1)
    assert new_response.status_code == known_response.status_code == 302
    assert new_response["Location"] == known_response["Location"] == "/konto/confirm-email/"
    new_page = client.get(new_response["Location"])
    known_page = other.get(known_response["Location"])
    assert _normalised(new_page, "neu@bund.example") == _normalised(
        known_page, "bekannt@bund.example"
    )
    assert "ADDRESS" in _normalised(known_page, "bekannt@bund.example")
    # Nothing created for the known address; its owner hears of the attempt (allauth's
    # "account already exists" mail, through the outbox).
    assert django_user_model.objects.filter(email__iexact="bekannt@bund.example").count() == 1
    assert known.check_password("x")
    assert list(
        OutboxMessage.objects.filter(recipient_email="bekannt@bund.example").values_list(
            "event_key", flat=True
        )
    ) == ["allauth.account_already_exists"]
    assert list(
        OutboxMessage.objects.filter(recipient_email="neu@bund.example").values_list(
            "event_key", flat=True
        )
    ) == ["account.email_confirmation"]
