"""A referee follows the mailed link, uploads the letter, and sees a thank-you."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.factories import make_pdf

pytestmark = pytest.mark.browser
axe = Axe()


def _clean(page: Page):
    bad = [
        f"{v['id']}: {v['help']}"
        for v in axe.run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert bad == []


def test_referee_uploads_letter(page: Page, site, django_user_model, tmp_path):
    from kohorte.admissions import services
    from kohorte.catalog.models import Cohort

    user = django_user_model.objects.create_user(
        "bea@bund.example", "x", first_name="Bea", last_name="Bewerber"
    )
    application = services.start_application(Cohort.objects.get(slug="jahrgang-2"), user)
    _, token = services.request_referee(
        application,
        name="Dr. Rita Referenz",
        role="AL",
        authority="BMI",
        email="rita@bmi.example",
        actor=user,
    )
    page.goto(f"{site}/empfehlung/{token}/")
    expect(page.locator("h1")).to_have_text("Empfehlungsschreiben hochladen")
    expect(page.get_by_text("Bea Bewerber bittet Sie")).to_be_visible()
    _clean(page)
    letter = tmp_path / "empfehlung.pdf"
    letter.write_bytes(make_pdf())
    page.get_by_label("Empfehlungsschreiben (PDF, höchstens 10 MB)").set_input_files(str(letter))
    page.get_by_role("button", name="Schreiben hochladen").click()
    expect(
        page.get_by_text("Bitte bestätigen Sie, dass das Schreiben von Ihnen stammt.")
    ).to_be_visible()
    _clean(page)
    page.get_by_label("Empfehlungsschreiben (PDF, höchstens 10 MB)").set_input_files(str(letter))
    page.get_by_label("Ich bestätige").check()
    page.get_by_role("button", name="Schreiben hochladen").click()
    expect(page.locator("h1")).to_have_text("Vielen Dank")
    _clean(page)
