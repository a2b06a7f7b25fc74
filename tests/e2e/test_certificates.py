"""Staff issue the certificates of a cohort (confirmation, then the worker's batch, progress,
ZIP); a holder finds hers on "Mein Programm" and downloads the signed PDF. On a phone
(390 × 844) and a desktop (1280 × 900); axe runs on every page. Screenshots go to
/tmp/shots-certificates/."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import check_page, login

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-certificates")  # noqa: S108 (screenshots for people to look at)


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)])
def test_staff_issue_and_the_holder_downloads(
    page: Page, site, settings, tmp_path, django_user_model, width, height
):
    from allauth.account.models import EmailAddress

    from kohorte.accounts.models import Membership
    from kohorte.catalog.models import Cohort
    from kohorte.core import issuer
    from kohorte.credentials.models import IssuanceBatch
    from kohorte.credentials.tasks import issue_batch
    from tests.credentials.conftest import make_completed

    settings.DATA_DIR = tmp_path
    issuer.setup_issuer()
    page.set_viewport_size({"width": width, "height": height})
    cohort = Cohort.objects.select_related("program").get(slug="jahrgang-1")
    staff = django_user_model.objects.create_user(
        "team@example.org", "pw", is_staff=True, first_name="Tina", last_name="Team"
    )
    Membership.objects.create(user=staff, role="staff", program=cohort.program)
    erika = make_completed(cohort, "erika@bund.example", "Erika", "Musterfrau", staff=staff).user
    make_completed(cohort, "jan@bund.example", "Jan", "Beispiel", staff=staff, language="en")
    for user in (staff, erika):
        user.set_password("pw")
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    login(page, site, staff.email)
    page.goto(f"{site}/verwaltung/zertifikate/{cohort.pk}/")
    expect(
        page.get_by_text("2 Teilnehmer:innen haben den Abschluss; 2 davon warten")
    ).to_be_visible()
    expect(page.get_by_text("abgeschlossen am 27. Juni 2025").first).to_be_visible()
    check_page(page, SHOTS, f"staff-before-{width}")
    page.get_by_role("button", name="Für alle mit Abschluss ausstellen (2)").click()
    expect(
        page.get_by_text("Jetzt 2 Zertifikate ausstellen und per Mail versenden?")
    ).to_be_visible()
    check_page(page, SHOTS, f"staff-confirm-{width}")
    page.get_by_role("button", name="Ja, ausstellen").click()
    expect(page.get_by_text("Ausstellung läuft: 0 von 2 Zertifikaten ausgestellt.")).to_be_visible()
    check_page(page, SHOTS, f"staff-running-{width}")
    batch = IssuanceBatch.objects.get(cohort=cohort)
    issue_batch.call(batch.pk)  # what `kohorte worker` does with the queued task
    page.reload()
    expect(page.get_by_text("Fertig: 2 Zertifikate ausgestellt am")).to_contain_text(
        "Die Mails mit dem PDF an die Inhaber:innen stehen im Postausgang."
    )
    expect(page.get_by_role("link", name="Fassung 1: gültig")).to_have_count(2)
    check_page(page, SHOTS, f"staff-done-{width}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Alle gültigen Zertifikate zum Drucken herunterladen").click()
    assert download.value.suggested_filename == "zertifikate-1-jahrgang-2024-2025.zip"

    login(page, site, erika.email)
    page.goto(f"{site}/mein-programm/")
    section = page.locator("section", has=page.get_by_role("heading", name="Ihr Zertifikat"))
    expect(section.get_by_role("heading", name="Zertifikat, Fassung 1 (gültig)")).to_be_visible()
    check_page(page, SHOTS, f"holder-{width}")
    with page.expect_download() as download:
        section.get_by_role("link", name="Zertifikat herunterladen").click()
    assert download.value.suggested_filename == "zertifikat-erika-musterfrau-v1.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
