"""The selection story in a real browser: a reviewer scores, the chair calibrates, optimises,
departs once with a reason and decides; an admitted applicant declines, the replacement is
offered and accepts, and the participant record exists."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.factories import delivered_link

pytestmark = pytest.mark.browser
axe = Axe()


def _no_serious_violations(page: Page):
    results = axe.run(page)
    bad = [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert bad == [], page.url


def _login(page: Page, site: str, email: str):
    page.goto(site + "/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill("pw")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("link", name="Abmelden")).to_be_visible()


def _logout(page: Page, site: str):
    page.goto(site + "/konto/logout/")
    page.locator("main form button[type=submit]").click()


@pytest.fixture
def story(site, django_user_model):
    from kohorte.catalog.models import Cohort
    from kohorte.selection import services
    from kohorte.selection.setup import setup_cohort
    from tests.factories import make_applications, review_all

    cohort = Cohort.objects.get(slug="jahrgang-2")
    setup_cohort(cohort)
    settings_ = cohort.selection_settings
    settings_.reviews_per_application = 2
    settings_.seats = 3
    settings_.save()
    make_applications(cohort, 8)
    users = {}
    for key, authority in (
        ("me", "Ministerium A"),
        ("r2", "Ministerium B"),
        ("r3", "Ministerium C"),
    ):
        users[key] = django_user_model.objects.create_user(
            f"{key}@example.org", "pw", first_name=key.upper(), last_name="Gutachter"
        )
        services.add_committee_member(cohort, users[key], actor=None, authority=authority)
    users["chair"] = django_user_model.objects.create_user(
        "chair@example.org", "pw", first_name="Carla", last_name="Vorsitz"
    )
    services.add_committee_member(cohort, users["chair"], actor=None, is_chair=True, reviews=False)
    from allauth.account.models import EmailAddress

    for user in users.values():
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    services.assign_reviewers(cohort, actor=users["chair"], seed=7)
    review_all(cohort, skip={users["me"].pk})  # the others are done; "me" scores in the browser
    return {"site": site, "cohort": cohort, **users}


def _offer_link(site: str, smtp_server, application, kind: str) -> str:
    return delivered_link(
        smtp_server, application.applicant.email, site, rf"(http\S+\?antwort={kind})"
    )


def test_selection_story(page: Page, story, smtp_server):
    from kohorte.admissions.models import Application
    from kohorte.selection import services
    from kohorte.selection.models import Assignment, Decision, Offer
    from kohorte.teaching.models import Participation

    site, cohort = story["site"], story["cohort"]
    criteria = list(cohort.criteria.all())
    mine = list(Assignment.objects.filter(reviewer=story["me"]).order_by("pk"))
    assert mine

    # 1. the reviewer scores their assignments, one after the other
    _login(page, site, "me@example.org")
    page.get_by_role("link", name="Kommission").click()
    page.get_by_role("link", name=re.compile("Jahrgang")).first.click()
    expect(page.get_by_text(f"0 von {len(mine)} abgegeben")).to_be_visible()
    _no_serious_violations(page)
    page.get_by_role("link", name=mine[0].code).click()
    for number, assignment in enumerate(mine):
        expect(page.locator("h1")).to_contain_text(assignment.code)
        if number == 0:
            _no_serious_violations(page)
            # submitting with gaps: each missing criterion is named at its field
            page.get_by_role("button", name="Abgeben und weiter").click()
            expect(page.locator(f"#criterion-{criteria[0].pk} .kern-error")).to_be_visible()
        for index, criterion in enumerate(criteria):
            # keyboard: focus the first point and move with the arrow keys
            first = page.locator(f"#criterion-{criterion.pk} input[value='1']")
            first.focus()
            first.press("Space")
            for _ in range((number + index) % 4 + 1):
                page.keyboard.press("ArrowDown")
        page.get_by_label("recht sicher").check()
        page.get_by_role("button", name="Abgeben und weiter").click()
    expect(page.get_by_text(f"{len(mine)} von {len(mine)} abgegeben")).to_be_visible()
    assert not Assignment.objects.filter(reviewer=story["me"], review__submitted_at=None).exists()
    _logout(page, site)

    # 2. the chair: reliability and calibrated scores, the optimiser, one departure, decisions
    _login(page, site, "chair@example.org")
    page.get_by_role("link", name="Auswahl", exact=True).click()
    page.get_by_role("link", name=re.compile("Jahrgang")).first.click()
    page.get_by_role("link", name="Zuverlässigkeit").click()
    expect(page.get_by_role("table").first).to_contain_text("Gesamtnote")
    expect(
        page.get_by_text(re.compile("bewertet .*(über|unter|wie) den Kolleg:innen")).first
    ).to_be_visible()
    _no_serious_violations(page)
    page.get_by_role("link", name="Rangliste").click()
    expect(page.locator("tbody tr")).to_have_count(8)
    expect(page.locator("tbody tr").first).to_contain_text("±")
    _no_serious_violations(page)
    page.get_by_role("link", name="Vorschlag", exact=True).click()
    page.get_by_label("Plätze").fill("3")
    page.get_by_role("button", name="Vorschlag berechnen").click()
    expect(page.get_by_text("Der Vorschlag ist berechnet.")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Erklärungen")).to_be_visible()
    # the worker computes the explanations; the page polls and says when they are ready
    services.explain(cohort.proposals.latest("created_at").pk)
    expect(page.get_by_text("Erklärungen und Ersatztabelle sind fertig.")).to_be_visible()
    page.reload()
    expect(page.get_by_text(re.compile("Ausgewählt mit einem Abstand")).first).to_be_visible()
    expect(
        page.get_by_text(re.compile("Mit .* Punkten mehr wäre die Person")).first
    ).to_be_visible()
    _no_serious_violations(page)

    page.get_by_role("link", name="Entscheidungen").click()
    page.get_by_role("button", name="Für alle offenen Bewerbungen dem Vorschlag folgen").click()
    expect(page.get_by_text("8 Entscheidungen nach dem Vorschlag gespeichert.")).to_be_visible()
    waitlisted = (
        Decision.objects.filter(application__cohort=cohort, is_current=True, outcome="waitlist")
        .order_by("application_id")
        .last()
        .application
    )
    page.get_by_role("link", name=f"{waitlisted.last_name}, {waitlisted.first_name}").click()
    page.get_by_label("Absage").check()
    page.get_by_role("button", name="Entscheidung speichern").click()
    expect(page.get_by_text("Bitte begründen Sie die Entscheidung.")).to_be_visible()
    _no_serious_violations(page)
    page.locator("textarea[name=reason]").fill("Nimmt bereits an einem anderen Programm teil.")
    page.get_by_role("button", name="Entscheidung speichern").click()
    expect(page.get_by_text("Die Entscheidung ist gespeichert.")).to_be_visible()
    expect(page.get_by_role("region", name="Abweichungen vom Vorschlag")).to_contain_text(
        "Nimmt bereits an einem anderen Programm teil."
    )
    page.get_by_role("button", name="Entscheidungsmails vorbereiten").click()
    expect(
        page.get_by_text(re.compile("8 Mails liegen zur Prüfung im Postausgang"))
    ).to_be_visible()
    _no_serious_violations(page)

    # 3. an admitted applicant declines (by the link in the mail)
    admitted = [
        d.application
        for d in Decision.objects.filter(
            application__cohort=cohort, is_current=True, outcome="admit"
        )
    ]
    assert len(admitted) == 3
    # the offers count only once their mail is out: the chair releases the batch
    from kohorte.comms.models import Batch
    from kohorte.comms.services import release_batch

    release_batch(Batch.objects.get(segment="event"), actor=story["chair"])
    page.goto(_offer_link(site, smtp_server, admitted[0], "nein"))
    expect(page.get_by_label(re.compile("Ich lehne den Platz ab"))).to_be_checked()
    _no_serious_violations(page)
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.get_by_text("Sie haben den Platz abgelehnt.")).to_be_visible()

    # 4. the replacement is proposed, staff confirm, the offer goes out and is accepted
    page.goto(f"{site}/verwaltung/auswahl/{cohort.pk}/angebote/")
    expect(page.get_by_text("Ein Platz ist frei.")).to_be_visible()
    _no_serious_violations(page)
    page.get_by_role("button", name=re.compile("^Angebot an .* vorbereiten …$")).click()
    # the confirmation says when the mail goes out (the decision mails are out: at once)
    expect(
        page.get_by_text("Die Mail mit dem Angebot geht sofort nach Ihrer Bestätigung hinaus.")
    ).to_be_visible()
    _no_serious_violations(page)
    page.get_by_role("button", name="Angebot bestätigen").click()
    expect(page.get_by_text(re.compile("Das Angebot an .* ist unterwegs."))).to_be_visible()
    replacement = Offer.objects.filter(replaces__isnull=False).get().application
    assert replacement.pk not in {a.pk for a in admitted}
    page.goto(_offer_link(site, smtp_server, replacement, "ja"))
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.get_by_text(re.compile("Sie haben den Platz angenommen."))).to_be_visible()

    # 5. the participant record exists
    assert Participation.objects.filter(
        cohort=cohort, user=replacement.applicant, application=replacement
    ).exists()
    assert Application.objects.get(pk=admitted[0].pk).offers.get().status == "declined"
