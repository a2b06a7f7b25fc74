"""A name goes into mail headers (To:): line breaks and control characters are refused."""

import pytest

from kohorte.accounts.models import User
from kohorte.comms.models import OutboxMessage
from tests.accounts.test_signup import FORM

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_signup_refuses_a_name_with_a_line_break(client, field):
    response = client.post("/konto/signup/", {**FORM, field: "Erika\r\nBcc: opfer@example.org"})
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body
    assert "Bitte ohne Zeilenumbrüche, Tabulatoren oder andere Steuerzeichen eingeben." in body
    assert not User.objects.exists()
    assert not OutboxMessage.objects.exists()
