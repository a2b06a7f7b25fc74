"""Bulk-mail segments from teaching: the participants of a cohort and of a module run (a
mandatory run: the whole cohort; an elective run: those with a place), with another cohort's
participants present; opt-outs are respected; a mail goes out through the real SMTP server."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kohorte.accounts.models import Membership
from kohorte.catalog.models import Cohort, Module
from kohorte.comms import delivery
from kohorte.comms import services as comms
from kohorte.comms.models import OptOut, OutboxMessage
from kohorte.comms.segments import available_segments
from kohorte.teaching import services

pytestmark = pytest.mark.django_db


def _enrol(cohort, django_user_model, prefix, n, **extra):
    return [
        services.enrol_participant(
            cohort,
            django_user_model.objects.create_user(
                f"{prefix}{i}@bund.example",
                "x",
                first_name=f"{prefix.upper()}{i}",
                last_name="Teil",
                **extra,
            ),
            actor=None,
        )
        for i in range(n)
    ]


@pytest.fixture
def world(cohort, django_user_model, staff):
    other = Cohort.objects.get(slug="jahrgang-1")
    ours = _enrol(cohort, django_user_model, "a", 3)
    theirs = _enrol(other, django_user_model, "z", 2)
    inactive = _enrol(cohort, django_user_model, "x", 1, is_active=False)
    four, five = services.elective_runs(cohort)
    close = timezone.now() + timedelta(days=1)
    services.set_elective_round(
        cohort, actor=staff, choices_close_at=close, capacities={four.pk: 1, five.pk: 3}
    )
    services.choose_electives(ours[0], [four.pk, five.pk], actor=None)
    services.choose_electives(ours[1], [five.pk], actor=None)
    services.allocate_electives(cohort, actor=staff, seed=5, now=close)
    return {
        "cohort": cohort,
        "other": other,
        "ours": ours,
        "theirs": theirs,
        "inactive": inactive,
        "four": four,
        "five": five,
    }


def _emails(key):
    return [r.email for r in available_segments()[key].recipients()]


def test_the_participants_of_a_cohort(world):
    cohort, other = world["cohort"], world["other"]
    segment = available_segments()[f"participants:cohort:{cohort.pk}"]
    assert segment.label == f"Teilnehmer:innen im {cohort.name}"
    assert _emails(segment.key) == ["a0@bund.example", "a1@bund.example", "a2@bund.example"]
    assert segment.count() == 3
    assert _emails(f"participants:cohort:{other.pk}") == ["z0@bund.example", "z1@bund.example"]
    recipient = next(iter(segment.recipients()))
    assert (recipient.name, recipient.language) == ("A0 Teil", "de")


def test_the_participants_of_a_module_run(world):
    cohort, four, five = world["cohort"], world["four"], world["five"]
    runs = list(cohort.runs.select_related("module").order_by("starts_on"))
    mandatory = next(r for r in runs if r.module.kind == Module.Kind.MANDATORY)
    segments = available_segments()
    seg = segments[f"participants:run:{mandatory.pk}"]
    assert seg.label.startswith(
        f"Teilnehmer:innen von Modul {mandatory.module.number} „{mandatory.module.title}“ ("
    )
    assert seg.label.endswith(f", {cohort.name})")
    assert _emails(seg.key) == ["a0@bund.example", "a1@bund.example", "a2@bund.example"]
    assert seg.count() == 3
    # electives: exactly those with a place (four has one place, five three; a2 chose none)
    assert _emails(f"participants:run:{four.pk}") == ["a0@bund.example"]
    assert _emails(f"participants:run:{five.pk}") == ["a0@bund.example", "a1@bund.example"]
    assert segments[f"participants:run:{four.pk}"].count() == 1
    assert segments[f"participants:run:{five.pk}"].count() == 2
    # every run segment of this cohort names only this cohort's participants
    cohort_keys = {f"participants:run:{r.pk}" for r in runs}
    assert cohort_keys <= set(segments)
    for key in cohort_keys:
        assert not {e for e in _emails(key) if e.startswith(("z", "x"))}


def test_the_staff_mail_page_offers_the_segments_with_their_count(world, client, staff):
    Membership.objects.create(user=staff, role="staff", program=world["cohort"].program)
    client.force_login(staff)
    page = client.get("/verwaltung/sendungen/neu/").content.decode()
    cohort = world["cohort"]
    assert f'value="participants:cohort:{cohort.pk}"' in page
    assert f"Teilnehmer:innen im {cohort.name} (3)</option>" in page
    four = world["four"]
    assert f"Teilnehmer:innen von Modul {four.module.number} „{four.module.title}“" in page


def test_a_mail_to_a_run_segment_respects_opt_outs_and_is_delivered(world, staff, smtp_server):
    cohort = world["cohort"]
    runs = cohort.runs.select_related("module").order_by("starts_on")
    mandatory = next(r for r in runs if r.module.kind == Module.Kind.MANDATORY)
    OptOut.objects.create(email="a2@bund.example", category="news")
    batch = comms.create_batch(
        segment_key=f"participants:run:{mandatory.pk}",
        subject="Raumänderung",
        body_text="Guten Tag {{ recipient_name }}, das Modul findet in Raum 2 statt.",
        category="news",
        action="send",
        actor=staff,
    )
    assert batch.recipient_count == 3
    states = dict(batch.messages.values_list("recipient_email", "state"))
    assert states == {
        "a0@bund.example": OutboxMessage.State.QUEUED,
        "a1@bund.example": OutboxMessage.State.QUEUED,
        "a2@bund.example": OutboxMessage.State.REJECTED,
    }
    assert delivery.deliver_due().sent == 2
    delivered = {m["To"].addresses[0].addr_spec: m for m in smtp_server.messages}
    assert set(delivered) == {"a0@bund.example", "a1@bund.example"}
    body = delivered["a0@bund.example"].get_body(preferencelist=("plain",)).get_content()
    assert "Guten Tag A0 Teil, das Modul findet in Raum 2 statt." in body
    assert delivered["a1@bund.example"]["Subject"] == "Raumänderung"
