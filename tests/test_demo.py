"""The demo: one account per role, the outbox with mails, applicants in every state."""

from collections import Counter

import pytest

from kohorte.admissions.models import Application
from kohorte.comms.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_demo_loads_everything_once(client, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    from kohorte.demo import load_demo

    logins = load_demo()
    roles = [role for role, _email, _password in logins]
    assert roles == ["staff", "reviewer", "chair", "lecturer", "applicant", "referee link"]
    states = Counter((a.status, a.is_complete, a.is_eligible) for a in Application.objects.all())
    assert states[("draft", False, True)] == 18  # partial drafts (a CV only) and letters pending
    assert states[("draft", True, True)] == 8
    assert states[("submitted", True, True)] == 40
    assert states[("submitted", True, False)] == 6  # flagged, not rejected
    assert states[("withdrawn", True, True)] == 6
    assert OutboxMessage.objects.filter(event_key="application.submitted").count() == 52
    link = logins[-1][1]
    assert client.get(link.replace("http://127.0.0.1:8000", "")).status_code == 200
    before = Application.objects.count(), OutboxMessage.objects.count()
    assert load_demo()[-1][1] == link  # idempotent, and the link is printed again
    assert (Application.objects.count(), OutboxMessage.objects.count()) == before
