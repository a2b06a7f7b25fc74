"""PDF uploads are checked by content: each kind of bad file gets its own message."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kohorte.core.uploads import check_pdf, sanitize_filename
from tests.factories import make_pdf

MAX = 10 * 1024 * 1024


def upload(content: bytes, name="lebenslauf.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def refused(content, name="x.pdf", **kwargs) -> str:
    with pytest.raises(ValidationError) as error:
        check_pdf(upload(content, name), max_bytes=MAX, **kwargs)
    return error.value.code


def test_valid_pdf_is_accepted_with_hash_and_pages():
    content = make_pdf(pages=2)
    checked = check_pdf(upload(content, "Lebenslauf Müller.pdf"), max_bytes=MAX, max_pages=2)
    assert checked.pages == 2 and checked.size == len(content)
    import hashlib

    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.filename == "Lebenslauf Müller.pdf"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "not_pdf"),  # a renamed .exe
        (b"<!doctype html><html><body>%PDF-1.7 fake</body></html>" + b" " * 2000, "not_pdf"),
        (b"", "empty"),
        (b"%PDF-1.7\n garbage that is no pdf", "damaged"),
    ],
)
def test_non_pdfs_are_refused(content, code):
    assert refused(content, "harmlos.pdf") == code


def test_html_posing_as_pdf_is_refused_as_not_pdf():
    assert refused(b"<html>%PDF-1.4</html>") == "not_pdf"


def test_pdf_with_javascript_is_refused():
    assert refused(make_pdf(js=True)) == "javascript"


def test_pdf_with_launch_action_is_refused():
    assert refused(make_pdf(launch=True)) == "launch"


def test_pdf_with_embedded_file_is_refused():
    assert refused(make_pdf(attachment=True)) == "embedded"


def test_encrypted_pdf_is_refused():
    assert refused(make_pdf(encrypt=True)) == "encrypted"


def test_size_limit_is_exact():
    base = make_pdf()
    exact = make_pdf(pad=MAX - len(base) - 200)
    exact = exact + b"\n" * (MAX - len(exact))
    assert len(exact) == MAX
    assert check_pdf(upload(exact), max_bytes=MAX).size == MAX
    with pytest.raises(ValidationError) as error:
        check_pdf(upload(exact + b"\n"), max_bytes=MAX)
    assert error.value.code == "too_large"
    assert "höchstens 10 MB" in error.value.messages[0]


def test_page_count_is_checked_against_the_rule():
    with pytest.raises(ValidationError) as error:
        check_pdf(upload(make_pdf(pages=3)), max_bytes=MAX, min_pages=1, max_pages=2)
    assert error.value.messages == ["Das Dokument hat 3 Seiten. Erlaubt sind 1 bis 2 Seiten."]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32.pdf", "system32.pdf"),
        ("programm.exe", "programm.exe.pdf"),
        ("a\x00b\nc.PDF", "abc.pdf"),
        ("", "dokument.pdf"),
        ("<script>.pdf", "_script_.pdf"),
    ],
)
def test_file_names_are_sanitised(name, expected):
    assert sanitize_filename(name) == expected


def test_path_traversal_name_with_valid_pdf_is_stored_under_safe_name():
    checked = check_pdf(upload(make_pdf(), "../../etc/passwd.pdf"), max_bytes=MAX)
    assert checked.filename == "passwd.pdf"


def test_stored_file_gets_random_name_and_protected_response(settings, tmp_path):
    from django.core.files.storage import default_storage

    from kohorte.core.uploads import private_file_response, store_private

    content = make_pdf()
    checked = check_pdf(upload(content, "../../etc/passwd.pdf"), max_bytes=MAX)
    name = store_private(checked, "test-uploads")
    try:
        assert name.startswith("test-uploads/") and "passwd" not in name
        assert default_storage.open(name).read() == content
        response = private_file_response(name, checked.filename)
        assert response["Content-Disposition"] == 'attachment; filename="passwd.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
        assert b"".join(response.streaming_content) == content
        inline = private_file_response(name, checked.filename, inline=True)
        assert inline["Content-Disposition"].startswith("inline")
    finally:
        default_storage.delete(name)
