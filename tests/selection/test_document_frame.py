"""The reviewer's document frame is sandboxed like every other inline file."""

import pytest

pytestmark = pytest.mark.django_db


def test_reviewer_document_frame_is_sandboxed(client, committee, blind_application):
    cohort = committee["cohort"]
    assignment = blind_application.assignments.first()
    document = blind_application.documents.get(kind="cv")
    client.force_login(assignment.reviewer)
    response = client.get(f"/kommission/{cohort.pk}/{assignment.pk}/unterlagen/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == (
        "sandbox; default-src 'none'; frame-ancestors 'self'"
    )
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_review_page_frame_opens_at_page_width_and_offers_downloads(
    client, committee, blind_application
):
    cohort = committee["cohort"]
    assignment = blind_application.assignments.first()
    document = blind_application.documents.get(kind="cv")
    url = f"/kommission/{cohort.pk}/{assignment.pk}/unterlagen/{document.pk}/"
    client.force_login(assignment.reviewer)
    html = client.get(f"/kommission/{cohort.pk}/{assignment.pk}/").content.decode()
    assert (
        f'<iframe class="doc-frame" name="doc-frame" title="Unterlagen der Bewerbung" '
        f'src="{url}#view=FitH&amp;zoom=page-width"></iframe>'
    ) in html
    assert f'href="{url}?herunterladen=1" download="{assignment.code}-cv-' in html
    assert '<p class="kern-body kern-body--small doc-download">' in html
    # the download is the same file, with the same sandbox, as an attachment
    response = client.get(url + "?herunterladen=1")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == (
        "sandbox; default-src 'none'; frame-ancestors 'self'"
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_stylesheet_swaps_the_frame_for_downloads_on_phones():
    from pathlib import Path

    import kohorte

    css = (Path(kohorte.__file__).parent / "core/static/kohorte/site.css").read_text()
    assert (
        "@media (max-width: 40rem) { .doc-frame { display: none; } "
        ".doc-download { display: block; } }"
    ) in css
    assert ".doc-download { display: none; }" in css


def test_review_deadline_in_german_on_every_reviewer_page(client, committee, blind_application):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from kohorte.selection import services
    from kohorte.selection.models import SelectionSettings

    cohort = committee["cohort"]
    settings_ = SelectionSettings.for_cohort(cohort)
    settings_.review_deadline = dt.datetime(2027, 1, 5, 23, 59, tzinfo=ZoneInfo("Europe/Berlin"))
    services.save_settings(settings_, actor=committee["chair"])
    assignment = blind_application.assignments.first()
    client.force_login(assignment.reviewer)
    sentence = "Bitte geben Sie Ihre Gutachten bis 5. Januar 2027, 23:59 Uhr ab."
    assert sentence in client.get(f"/kommission/{cohort.pk}/").content.decode()
    assert sentence in client.get(f"/kommission/{cohort.pk}/{assignment.pk}/").content.decode()
    assert "Gutachten bis 5. Januar 2027, 23:59 Uhr" in client.get("/kommission/").content.decode()
    english = client.get(f"/en/kommission/{cohort.pk}/").content.decode()
    assert "Please submit your reviews by 5 January 2027, 11:59 pm." in english
