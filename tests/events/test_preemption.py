"""An unconfirmed public registration under someone's address (anyone can type any address)
must not lock that person's account out of the event."""

import pytest

from kohorte.core.models import AuditLog
from kohorte.events import services
from kohorte.events.models import Registration

pytestmark = pytest.mark.django_db


def test_a_stranger_typing_a_participants_address_does_not_block_her_registration(
    talk, participant
):
    squatter, _token = services.register_public(
        talk, name="Jemand Fremdes", email="TARA@bund.example"
    )
    assert squatter.status == "pending"
    mine = services.register_account(talk, user=participant.user)
    assert (mine.status, mine.user_id) == ("confirmed", participant.user_id)
    squatter.refresh_from_db()
    assert squatter.status == "cancelled"
    assert squatter.confirm_token_hash is None
    assert AuditLog.objects.filter(
        action="events.registration_superseded", data__registration=squatter.pk
    ).exists()
    assert list(
        Registration.objects.filter(event=talk, status__in=Registration.ACTIVE).values_list(
            "email", flat=True
        )
    ) == ["tara@bund.example"]


def test_a_confirmed_public_registration_of_the_address_still_counts_as_registered(
    talk, participant
):
    registration, _token = services.register_public(
        talk, name="Tara Teil", email="tara@bund.example"
    )
    services.confirm_public(registration)
    with pytest.raises(Exception, match="bereits angemeldet"):
        services.register_account(talk, user=participant.user)
