"""Issue 9, item 12: pages whose URL carries a secret keep it out of every Referer header.

They answer with ``Referrer-Policy: strict-origin`` (see kohorte/core/http.py for why not
``no-referrer``: the forms on these pages would fail the CSRF origin check).

Other pages keep the site-wide ``same-origin``.
"""

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str

from kohorte.admissions import services as admissions
from kohorte.catalog.models import Cohort
from kohorte.comms.services import unsubscribe_token
from kohorte.core.http import TOKEN_URL_NAMES

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(django_user_model):
    user = django_user_model.objects.create_user("bea@bund.example", "alt-passwort-123")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    return user


def _token_pages(person, demo_catalog):
    cohort = Cohort.objects.get(slug="jahrgang-2")
    application = admissions.start_application(cohort, person)
    _, referee_token = admissions.request_referee(
        application, name="R", role="r", authority="a", email="r@example.org", actor=person
    )
    confirm_key = EmailConfirmationHMAC(EmailAddress.objects.get(user=person)).key
    reset = f"{user_pk_to_url_str(person)}-{default_token_generator.make_token(person)}"
    return {
        "admissions:referee": f"/empfehlung/{referee_token}/",
        "selection:offer": "/angebot/kein-gueltiges-angebot/",  # an unknown token: 404 page
        "comms:unsubscribe": f"/abmelden/{unsubscribe_token(person.email, 'reminders')}/",
        "account_confirm_email": f"/konto/confirm-email/{confirm_key}/",
        "account_reset_password_from_key": f"/konto/password/reset/key/{reset}/",
    }


def test_every_token_page_keeps_its_token_out_of_referrers(client, person, demo_catalog):
    pages = _token_pages(person, demo_catalog)
    assert set(pages) == TOKEN_URL_NAMES
    for name, url in pages.items():
        response = client.get(url, follow=True)
        # allauth moves the reset key into the session and redirects to .../set-password/,
        # which is the same URL name and keeps the header.
        assert response["Referrer-Policy"] == "strict-origin", (name, url)
        for hop, _status in response.redirect_chain:
            assert "/konto/password/reset/key/" in hop, (name, hop)
    # The English pages too.
    response = client.get("/en" + pages["admissions:referee"])
    assert response["Referrer-Policy"] == "strict-origin"


def test_real_token_pages_render(client, person, demo_catalog):
    pages = _token_pages(person, demo_catalog)
    assert client.get(pages["admissions:referee"]).status_code == 200
    assert client.get(pages["account_confirm_email"]).status_code == 200
    assert client.get(pages["selection:offer"]).status_code == 404


def test_other_pages_keep_same_origin(client, person):
    for url in ["/", "/konto/login/", "/konto/password/reset/", "/datenschutz/"]:
        assert client.get(url)["Referrer-Policy"] == "same-origin", url
