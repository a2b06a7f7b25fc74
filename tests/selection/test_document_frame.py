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
