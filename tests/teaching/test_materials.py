"""Materials of a module run: checked PDFs in private storage and links, a release date; upload,
replace and delete by the run's lecturers and the programme's staff (audited); downloads only
for the run's participants (after the release date), lecturers and staff — everyone else, and
a missing file, get the same 404; a refused upload leaves nothing behind."""

import re
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from kohorte.accounts.models import Membership
from kohorte.catalog.models import Cohort, Person
from kohorte.core.models import AuditLog
from kohorte.teaching import services
from kohorte.teaching.models import ElectiveCapacity, Material
from tests.factories import make_pdf, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cohort, participant, django_user_model):
    runs = {r.module.number: r for r in cohort.runs.select_related("module")}
    lecturer = django_user_model.objects.create_user(
        "lena@hochschule.example", "x", first_name="Lena", last_name="Lehre"
    )
    person = Person.objects.create(slug="lena-lehre", first_name="Lena", last_name="Lehre")
    person.user = lecturer
    person.save()
    runs[1].lecturers.add(person)
    other_lecturer = django_user_model.objects.create_user("olaf@hochschule.example", "x")
    other = Person.objects.create(
        slug="olaf", first_name="Olaf", last_name="O", user=other_lecturer
    )
    runs[2].lecturers.add(other)
    staff = django_user_model.objects.create_user("ps@example.org", "x", is_staff=True)
    Membership.objects.create(user=staff, role="staff", program=cohort.program)
    ElectiveCapacity.objects.create(run=runs[5], capacity=5)
    services.grant_place(participant, runs[5], actor=staff, reason="Test")
    stranger = django_user_model.objects.create_user("s@bund.example", "x")
    services.enrol_participant(Cohort.objects.get(slug="jahrgang-1"), stranger)
    return {
        "runs": runs,
        "lecturer": lecturer,
        "other_lecturer": other_lecturer,
        "staff": staff,
        "stranger": stranger,
        "participant": participant,
    }


def _page(response):
    """The page's main content (the header links to the page's own URL)."""
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def _files(run):
    folder = f"materials/run-{run.pk}"
    return set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()


def test_the_lecturer_uploads_and_a_participant_downloads_the_bytes(client, world):
    run = world["runs"][1]
    content = make_pdf(pages=2)
    client.force_login(world["lecturer"])
    response = client.post(
        f"/lehre/{run.pk}/",
        {
            "action": "add_material",
            "title": "Folien Tag 1",
            "description": "Einführung",
            "file": pdf("folien tag 1.pdf", 2),
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/lehre/{run.pk}/"
    material = Material.objects.get()
    assert (material.kind, material.title, material.pages) == ("file", "Folien Tag 1", 2)
    assert material.original_name == "folien tag 1.pdf"
    assert default_storage.exists(material.storage_name)
    audit = AuditLog.objects.get(action="teaching.material_added")
    assert audit.actor == world["lecturer"] and audit.data["material"] == material.pk
    client.force_login(world["participant"].user)
    response = client.get(f"/materialien/{material.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"] == 'attachment; filename="folien tag 1.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "application/pdf"
    page = client.get("/mein-programm/").content.decode()
    assert f'<a class="kern-link" href="/materialien/{material.pk}/">Folien Tag 1</a>' in page


def test_links_and_release_dates(client, world):
    run = world["runs"][1]
    soon = services.add_material(
        run,
        actor=world["staff"],
        title="Fallstudie",
        uploaded=pdf("f.pdf"),
        released_at=timezone.now() + timedelta(days=3),
    )
    link = services.add_material(
        run, actor=world["staff"], title="Artikel", url="https://example.org/artikel"
    )
    client.force_login(world["participant"].user)
    page = client.get("/mein-programm/").content.decode()
    assert (
        '<a class="kern-link" href="https://example.org/artikel" rel="noopener noreferrer">Artikel</a>'
        in page
    )
    assert "Fallstudie" not in page
    missing = client.get("/materialien/999999/")
    early = client.get(f"/materialien/{soon.pk}/")
    assert early.status_code == missing.status_code == 404
    assert _page(early) == _page(missing)
    assert client.get(f"/materialien/{link.pk}/").status_code == 404  # a link has no file
    # the run's lecturer and the programme's staff see it before the release date
    for user in [world["lecturer"], world["staff"]]:
        client.force_login(user)
        assert client.get(f"/materialien/{soon.pk}/").status_code == 200
    client.force_login(world["lecturer"])
    page = client.get(f"/lehre/{run.pk}/").content.decode()
    assert "für Teilnehmer:innen sichtbar ab" in page and "Fallstudie" in page


def test_nobody_else_gets_a_material_and_a_missing_file_is_404(client, world, django_user_model):
    runs = world["runs"]
    mandatory = services.add_material(runs[1], actor=world["staff"], title="M", uploaded=pdf())
    no_place = services.add_material(runs[4], actor=world["staff"], title="W4", uploaded=pdf())
    place = services.add_material(runs[5], actor=world["staff"], title="W5", uploaded=pdf())
    applicant = django_user_model.objects.create_user("a@bund.example", "x")
    refused = {
        "stranger": (world["stranger"], [mandatory, no_place, place]),
        "applicant": (applicant, [mandatory, no_place, place]),
        "other lecturer": (world["other_lecturer"], [mandatory, no_place, place]),
        "participant": (world["participant"].user, [no_place]),
    }
    for name, (user, materials) in refused.items():
        client.force_login(user)
        for material in materials:
            assert client.get(f"/materialien/{material.pk}/").status_code == 404, (name, material)
    client.force_login(world["participant"].user)
    assert client.get(f"/materialien/{place.pk}/").status_code == 200  # her elective
    page = client.get("/mein-programm/").content.decode()
    assert ">W5</a>" in page and ">W4</a>" not in page
    client.logout()
    assert client.get(f"/materialien/{mandatory.pk}/").status_code == 302  # to the log-in
    default_storage.delete(mandatory.storage_name)
    client.force_login(world["participant"].user)
    assert client.get(f"/materialien/{mandatory.pk}/").status_code == 404


def test_a_refused_file_leaves_nothing_behind(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    run = world["runs"][1]
    client.force_login(world["lecturer"])
    present = _files(run)  # storage outlives a test's database

    bad = SimpleUploadedFile("boese.pdf", make_pdf(js=True), "application/pdf")
    response = client.post(
        f"/lehre/{run.pk}/", {"action": "add_material", "title": "Böse", "file": bad}
    )
    assert response.status_code == 400
    assert "Die PDF-Datei enthält JavaScript." in response.content.decode()
    html = SimpleUploadedFile("folien.pptx", b"PK\x03\x04 slides", "application/octet-stream")
    response = client.post(
        f"/lehre/{run.pk}/", {"action": "add_material", "title": "Folien", "file": html}
    )
    assert "Die Datei ist kein PDF." in response.content.decode()
    assert not Material.objects.exists() and _files(run) == present
    assert not AuditLog.objects.filter(action__startswith="teaching.material").exists()
    # a file and a link at once, or neither: refused by the form
    response = client.post(f"/lehre/{run.pk}/", {"action": "add_material", "title": "Leer"})
    assert "entweder eine PDF-Datei hoch oder geben Sie einen Link an" in response.content.decode()
    # a refused replacement keeps the old file
    material = services.add_material(run, actor=world["lecturer"], title="T", uploaded=pdf())
    before = _files(run) - present
    bad = SimpleUploadedFile("boese.pdf", make_pdf(js=True), "application/pdf")
    response = client.post(
        f"/lehre/{run.pk}/",
        {"action": "replace_file", "material": material.pk, "file": bad},
        follow=True,
    )
    assert "ist nicht ersetzt: Die PDF-Datei enthält JavaScript." in response.content.decode()
    assert _files(run) - present == before
    material.refresh_from_db()
    assert {material.storage_name.rsplit("/", 1)[1]} == before


def test_replace_and_delete(client, world, django_capture_on_commit_callbacks):
    run = world["runs"][1]
    material = services.add_material(run, actor=world["staff"], title="T", uploaded=pdf("a.pdf"))
    old = material.storage_name
    client.force_login(world["lecturer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/lehre/{run.pk}/",
            {"action": "replace_file", "material": material.pk, "file": pdf("neu.pdf", 3)},
        )
    assert response.status_code == 302
    material.refresh_from_db()
    assert material.original_name == "neu.pdf" and material.pages == 3
    assert not default_storage.exists(old) and default_storage.exists(material.storage_name)
    # the staff's page of the run does the same
    client.force_login(world["staff"])
    url = f"/verwaltung/lehrbetrieb/{run.cohort_id}/materialien/{run.pk}/"
    assert "neu.pdf" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "delete_material", "material": material.pk})
    assert response.status_code == 302 and not Material.objects.exists()
    assert not default_storage.exists(material.storage_name)
    actions = list(
        AuditLog.objects.filter(action__startswith="teaching.material")
        .order_by("pk")
        .values_list("action", "actor__email")
    )
    assert actions == [
        ("teaching.material_added", "ps@example.org"),
        ("teaching.material_replaced", "lena@hochschule.example"),
        ("teaching.material_deleted", "ps@example.org"),
    ]


def test_another_runs_lecturer_cannot_manage(client, world):
    run = world["runs"][1]
    material = services.add_material(run, actor=world["staff"], title="T", uploaded=pdf())
    client.force_login(world["other_lecturer"])
    for data in [
        {"action": "delete_material", "material": material.pk},
        {"action": "add_material", "title": "X", "url": "https://example.org/"},
    ]:
        assert client.post(f"/lehre/{run.pk}/", data).status_code == 404
    assert list(Material.objects.values_list("title", flat=True)) == ["T"]
    client.force_login(world["lecturer"])  # a broken form: 404, not an error
    for data in [{"action": "delete_material", "material": "x"}, {"action": "nonsense"}]:
        assert client.post(f"/lehre/{run.pk}/", data).status_code == 404
