"""Elective choice: ranked choices by a deadline, a seeded lottery (capacity never exceeded,
ranked choices honoured, the seed reproduces it), staff overrides with a reason."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from kohorte.core.models import AuditLog
from kohorte.teaching import services
from kohorte.teaching.allocation import allocate
from kohorte.teaching.models import ElectivePlace


@st.composite
def instances(draw):
    runs = list(range(1, draw(st.integers(1, 4)) + 1))
    capacity = {run: draw(st.integers(0, 6)) for run in runs}
    people = draw(st.integers(0, 25))
    choices = {
        p: draw(
            st.permutations(runs).flatmap(
                lambda perm: st.integers(0, len(perm)).map(lambda k, perm=perm: perm[:k])
            )
        )
        for p in range(100, 100 + people)
    }
    return choices, capacity, draw(st.integers(0, 2**31))


@given(instances())
@settings(max_examples=300, deadline=None)
def test_lottery_never_exceeds_capacity_and_honours_ranks(instance):
    choices, capacity, seed = instance
    result = allocate(choices, capacity, seed)
    taken = {run: sum(run in runs for runs in result.values()) for run in capacity}
    assert all(taken[run] <= capacity[run] for run in capacity)
    for person, runs in result.items():
        # only what they chose, each once, in the order they ranked it
        assert set(runs) <= set(choices[person]) and len(set(runs)) == len(runs)
        assert runs == [r for r in choices[person] if r in runs]
        # a choice they did not get was full
        for run in set(choices[person]) - set(runs):
            assert taken[run] == capacity[run]
    # nobody holds a second elective that someone without any elective chose
    empty = [p for p, runs in result.items() if not runs]
    for runs in result.values():
        for run in runs[1:]:
            assert not any(run in choices[e] for e in empty)


@given(instances())
@settings(max_examples=100, deadline=None)
def test_the_seed_reproduces_the_lottery(instance):
    choices, capacity, seed = instance
    assert allocate(choices, capacity, seed) == allocate(
        dict(reversed(choices.items())), capacity, seed
    )


def test_different_seeds_draw_differently():
    choices = {p: [1] for p in range(20)}
    winners = {
        tuple(p for p, r in allocate(choices, {1: 5}, seed).items() if r) for seed in range(10)
    }
    assert len(winners) > 1


def _runs(cohort):
    return list(services.elective_runs(cohort))


def _participants(cohort, django_user_model, n):
    return [
        services.enrol_participant(
            cohort, django_user_model.objects.create_user(f"t{i}@bund.example", "x")
        )
        for i in range(n)
    ]


def test_choices_by_the_deadline_then_the_lottery(cohort, django_user_model, staff):
    four, five = _runs(cohort)
    assert (four.module.number, five.module.number) == (4, 5)
    people = _participants(cohort, django_user_model, 5)
    with pytest.raises(ValidationError) as error:
        services.choose_electives(people[0], [four.pk], actor=people[0].user)
    assert error.value.messages == ["Die Wahl der Wahlmodule ist noch nicht geöffnet."]
    close = timezone.now() + timedelta(days=3)
    services.set_elective_round(
        cohort, actor=staff, choices_close_at=close, capacities={four.pk: 2, five.pk: 4}
    )
    for p in people:
        services.choose_electives(p, [four.pk, five.pk], actor=p.user)
    with pytest.raises(ValidationError):
        services.choose_electives(people[0], [four.pk, four.pk], actor=people[0].user)
    with pytest.raises(ValidationError) as early:
        services.allocate_electives(cohort, actor=staff, seed=7)
    assert "Die Wahl läuft noch" in early.value.messages[0]
    after = close + timedelta(minutes=1)
    with pytest.raises(ValidationError) as late:
        services.choose_electives(people[0], [five.pk], actor=people[0].user, now=after)
    assert late.value.messages == ["Die Wahl ist abgeschlossen."]
    round_ = services.allocate_electives(cohort, actor=staff, seed=7, now=after)
    assert round_.status == "allocated" and round_.seed == 7
    assert ElectivePlace.objects.filter(run=four).count() == 2
    assert ElectivePlace.objects.filter(run=five).count() == 4
    expected = allocate(
        {p.pk: [four.pk, five.pk] for p in people}, {four.pk: 2, five.pk: 4}, seed=7
    )
    stored = {
        p.pk: list(p.elective_places.order_by("pk").values_list("run_id", flat=True))
        for p in people
    }
    assert stored == expected
    row = AuditLog.objects.get(action="teaching.electives_allocated")
    assert row.data["seed"] == 7 and row.actor == staff
    with pytest.raises(ValidationError):
        services.allocate_electives(cohort, actor=staff, seed=8, now=after)


def test_staff_override_needs_a_reason_and_respects_capacity(cohort, django_user_model, staff):
    four, five = _runs(cohort)
    people = _participants(cohort, django_user_model, 3)
    close = timezone.now() + timedelta(days=1)
    services.set_elective_round(
        cohort, actor=staff, choices_close_at=close, capacities={four.pk: 1, five.pk: 3}
    )
    services.choose_electives(people[0], [four.pk], actor=people[0].user)
    services.allocate_electives(cohort, actor=staff, seed=1, now=close)
    with pytest.raises(ValidationError) as no_reason:
        services.grant_place(people[1], five, actor=staff, reason="  ")
    assert no_reason.value.messages == ["Bitte geben Sie eine Begründung an."]
    with pytest.raises(ValidationError) as full:
        services.grant_place(people[1], four, actor=staff, reason="Dienstreise")
    assert "Das Wahlmodul ist voll" in full.value.messages[0]
    services.grant_place(people[1], five, actor=staff, reason="Nachträglich angemeldet")
    services.remove_place(people[0], four, actor=staff, reason="Krankheit")
    services.grant_place(people[2], four, actor=staff, reason="Nachrückerin")
    assert list(ElectivePlace.objects.filter(run=four).values_list("participation", flat=True)) == [
        people[2].pk
    ]
    granted = AuditLog.objects.filter(action="teaching.elective_place_granted").order_by("pk")
    assert [r.data["reason"] for r in granted] == ["Nachträglich angemeldet", "Nachrückerin"]
    assert (
        AuditLog.objects.get(action="teaching.elective_place_removed").data["reason"] == "Krankheit"
    )


def test_choice_page_shows_the_completion_rule_and_saves_ranks(cohort, participant, client, staff):
    four, five = _runs(cohort)
    services.set_elective_round(
        cohort,
        actor=staff,
        choices_close_at=timezone.now() + timedelta(days=2),
        capacities={four.pk: 12, five.pk: 12},
    )
    client.force_login(participant.user)
    page = client.get("/mein-programm/wahlmodule/").content.decode()
    assert "Alle 4 Pflichtmodule + mindestens 1 Wahlmodul." in page
    assert "12 Plätze" in page
    bad = client.post("/mein-programm/wahlmodule/", {f"run_{four.pk}": "2"})
    assert bad.status_code == 400 and "ohne Lücke" in bad.content.decode()
    ok = client.post("/mein-programm/wahlmodule/", {f"run_{four.pk}": "2", f"run_{five.pk}": "1"})
    assert ok.status_code == 302
    assert list(participant.elective_choices.values_list("run_id", "rank")) == [
        (five.pk, 1),
        (four.pk, 2),
    ]


def test_staff_electives_page_sets_round_and_allocates(cohort, participant, client, staff):
    from kohorte.accounts.models import Membership

    Membership.objects.create(user=staff, role="staff", program=cohort.program)
    four, five = _runs(cohort)
    client.force_login(staff)
    url = f"/verwaltung/lehrbetrieb/{cohort.pk}/wahlmodule/"
    past = (timezone.localtime() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {
            "action": "round",
            "choices_close_at": past,
            f"capacity_{four.pk}": "1",
            f"capacity_{five.pk}": "2",
        },
    )
    assert response.status_code == 302
    client.post(url, {"action": "allocate"})
    page = client.get(url).content.decode()
    assert "Die Plätze wurden am" in page and "verlost (Startwert" in page
    assert "Platz ändern (mit Begründung)" in page
