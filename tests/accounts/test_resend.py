"""„Bestätigungsmail erneut senden“ without logging in: a new mail for an unconfirmed account,
the same answer for every address, and allauth's limits."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from kohorte.comms.delivery import build_email
from kohorte.comms.models import OutboxMessage

pytestmark = pytest.mark.django_db
FORM = {
    "email": "neu@verwaltung.example",
    "password1": "ein-langes-Passwort-2026",
    "password2": "ein-langes-Passwort-2026",
    "first_name": "Erika",
    "last_name": "Muster",
    "preferred_language": "de",
    "accept_privacy": "on",
}
URL = "/konto/bestaetigung-erneut/"
ANSWER = "Wenn zu dieser Adresse ein Konto gehört, das noch nicht bestätigt ist"


def _confirmations():
    return OutboxMessage.objects.filter(event_key="account.email_confirmation")


def test_resend_sends_a_new_working_confirmation_mail(client):
    client.post("/konto/signup/", FORM)
    client.logout()
    assert _confirmations().count() == 1
    cache.clear()  # allauth allows one confirmation mail per address every three minutes
    page = client.get(URL)
    assert "Bestätigungsmail erneut senden" in page.content.decode()
    response = client.post(URL, {"email": "NEU@verwaltung.example"})
    assert response.status_code == 200 and ANSWER in response.content.decode()
    assert _confirmations().count() == 2
    newest = _confirmations().order_by("-id").first()
    link = re.search(r"https?://[^/\s]+(/konto/confirm-email/[^\s]+)", build_email(newest).body)
    assert client.post(link.group(1)).status_code == 302
    assert EmailAddress.objects.get(email=FORM["email"]).verified


def test_resend_answers_the_same_for_unknown_and_confirmed_addresses(client):
    client.post("/konto/signup/", FORM)
    EmailAddress.objects.filter(email=FORM["email"]).update(verified=True)
    client.logout()
    cache.clear()
    before = _confirmations().count()
    bodies = []
    for email in ["niemand@verwaltung.example", FORM["email"]]:
        response = client.post(URL, {"email": email})
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        bodies.append(html)
    assert bodies[0] == bodies[1] and ANSWER in bodies[0]
    assert _confirmations().count() == before


def test_resend_is_limited_per_address(client):
    client.post("/konto/signup/", FORM)
    client.logout()
    cache.clear()
    for _ in range(3):
        client.post(URL, {"email": FORM["email"]})
    assert _confirmations().count() == 2  # the first resend; the next ones wait three minutes


def test_resend_refuses_a_malformed_address_at_the_field(client):
    response = client.post(URL, {"email": "keine-adresse"})
    html = response.content.decode()
    assert response.status_code == 200 and ANSWER not in html
    assert "Bitte gültige E-Mail-Adresse eingeben." in html
