"""Issue 12 as a chair would try it in a browser: the proposal names the cap per authority as
the reason that keeps a person out; an offer to the next person on the waiting list is
confirmed first and held until the decision date; the waiting list shows positions; the
person's held waiting-list mail is withdrawn. axe on every page."""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
axe = Axe()
SHOTS = os.environ.get("KOHORTE_SCREENSHOTS", "")


def _check(page: Page, name: str):
    bad = [
        f"{v['id']}: {v['help']}"
        for v in axe.run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert bad == [], page.url
    if SHOTS:  # look at the page at desktop and phone width
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def chair_story(site, django_user_model):
    from allauth.account.models import EmailAddress

    from kohorte.catalog.models import Cohort
    from kohorte.selection import services
    from kohorte.selection.setup import setup_cohort
    from tests.factories import make_applications, review_all

    cohort = Cohort.objects.get(slug="jahrgang-2")
    setup_cohort(cohort)
    settings_ = cohort.selection_settings
    settings_.reviews_per_application = 2
    settings_.seats = 4
    settings_.max_per_authority = 1
    settings_.save()
    make_applications(cohort, 12)
    for key, authority in (("r1", "Ministerium A"), ("r2", "Ministerium B"), ("r3", "Amt C")):
        user = django_user_model.objects.create_user(f"{key}@example.org", "pw")
        services.add_committee_member(cohort, user, actor=None, authority=authority)
    chair = django_user_model.objects.create_user(
        "chair@example.org", "pw", first_name="Carla", last_name="Vorsitz"
    )
    services.add_committee_member(cohort, chair, actor=None, is_chair=True, reviews=False)
    EmailAddress.objects.create(user=chair, email=chair.email, verified=True, primary=True)
    services.assign_reviewers(cohort, actor=chair, seed=7)
    review_all(cohort)
    return {"site": site, "cohort": cohort, "chair": chair}


def test_chair_offers_the_next_place_held_until_the_decision_date(
    page: Page, chair_story, smtp_server
):
    from kohorte.admissions.models import Application
    from kohorte.comms import delivery
    from kohorte.core.formatting import in_language
    from kohorte.selection import optimiser, services
    from kohorte.selection.models import Decision, Offer

    site, cohort = chair_story["site"], chair_story["cohort"]
    base = f"{site}/verwaltung/auswahl/{cohort.pk}"
    page.goto(site + "/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill("chair@example.org")
    page.get_by_label("Passwort").fill("pw")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("link", name="Abmelden")).to_be_visible()

    # 1. the proposal: a person kept out by the cap per authority is told so
    page.goto(base + "/vorschlag/")
    page.get_by_role("button", name="Vorschlag berechnen").click()
    expect(page.get_by_text("Der Vorschlag ist berechnet.")).to_be_visible()
    proposal = cohort.proposals.latest("created_at")
    services.explain(proposal.pk)
    page.reload()
    proposal.refresh_from_db()
    capped = [
        key
        for key, d in proposal.data["result"]["details"].items()
        if not d["selected"] and any(k.startswith("max_per_authority") for k in d["blocked_by"])
    ]
    assert capped, "the data must have a person kept out by the cap"
    person = Application.objects.get(pk=int(capped[0][1:]))
    row = page.get_by_role("row").filter(has_text=f"{person.first_name} {person.last_name}")
    expect(row).to_contain_text(
        re.compile(r"Person(en)? derselben Behörde (ist|sind) ausgewählt; höchstens 1 je Behörde")
    )
    expect(page.get_by_text(re.compile("^Der Vorschlag ist aktuell"))).to_be_visible()
    _check(page, "proposal")

    # 2. decisions by the proposal, their mails held until the decision date
    page.goto(base + "/entscheidungen/")
    page.get_by_role("button", name="Für alle offenen Bewerbungen dem Vorschlag folgen").click()
    expect(page.get_by_text("12 Entscheidungen nach dem Vorschlag gespeichert.")).to_be_visible()
    page.get_by_role("button", name="Entscheidungsmails vorbereiten").click()
    expect(page.get_by_text(re.compile("12 Mails liegen zur Prüfung"))).to_be_visible()
    _check(page, "decisions")

    # 3. an admitted person is rejected after all (with a reason): a place is free
    leaving = (
        Decision.objects.filter(application__cohort=cohort, is_current=True, outcome="admit")
        .order_by("application_id")
        .first()
        .application
    )
    page.goto(f"{base}/bewerbung/{leaving.pk}/")
    page.get_by_label("Absage").check()
    page.locator("textarea[name=reason]").fill("Wechselt die Stelle.")
    page.get_by_role("button", name="Entscheidung speichern").click()
    expect(page.get_by_text("Die Entscheidung ist gespeichert.")).to_be_visible()

    # 4. the waiting list with positions; the offer is confirmed and held
    page.goto(base + "/angebote/")
    order = services.waiting_list(cohort)
    nxt = Application.objects.get(pk=optimiser.next_candidate(cohort)[0])
    assert order[0] == nxt.pk
    waitlist = page.get_by_role("table").filter(has_text="Position")
    for position, pk in enumerate(order, 1):
        other = Application.objects.get(pk=pk)
        expect(waitlist.locator("tbody tr").nth(position - 1)).to_contain_text(
            f"{position} {other.first_name} {other.last_name}"
        )
    _check(page, "offers")
    name = f"{nxt.first_name} {nxt.last_name}"
    page.get_by_role("button", name=f"Angebot an {name} vorbereiten …").click()
    batch_time = in_language(services.decision_send_time(cohort), "de")
    expect(
        page.get_by_text(
            f"Die Mail mit dem Angebot wird zurückgehalten und geht am {batch_time} mit den "
            "anderen Entscheidungsmails hinaus"
        )
    ).to_be_visible()
    _check(page, "offer-confirm")
    page.get_by_role("button", name="Angebot bestätigen").click()
    expect(
        page.get_by_text(f"Das Angebot an {name} ist bestätigt; die Mail wird zurückgehalten.")
    ).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=name).first).to_contain_text(
        f"zurückgehalten bis {batch_time}"
    )
    delivery.deliver_due()
    assert nxt.applicant.email not in [m["To"].addresses[0].addr_spec for m in smtp_server.messages]
    offer = Offer.objects.get(application=nxt)
    assert services.offer_mail(offer).state == "held"

    # 5. the person's held waiting-list mail is withdrawn, visible on their page
    page.goto(f"{base}/bewerbung/{nxt.pk}/")
    expect(
        page.get_by_text(re.compile("Warteliste: storniert – Die Person erhält"))
    ).to_be_visible()
    _check(page, "application")
