"""render_pdf hands WeasyPrint KERN's fonts decompressed once (memory and data folder): the
PDF is byte for byte the one WeasyPrint makes on its own."""

from weasyprint import HTML

from kohorte.core import pdf

HTML_TEXT = (
    '<html lang="de"><head><title>Zertifikat</title><style>'
    '@font-face { font-family: "Fira Sans"; font-weight: 400; '
    'src: url("fira-sans/FiraSans-Regular.woff2"); }'
    '@font-face { font-family: "Fira Sans"; font-weight: 700; '
    'src: url("fira-sans/FiraSans-Bold.woff2"); }'
    'body { font-family: "Fira Sans" } h1 { font-weight: 700 }'
    "</style></head><body><h1>Zertifikat</h1><p>Erika Müßterfrau, 27. Juni 2025</p></body></html>"
)


def test_cached_fonts_give_the_same_pdf_and_are_kept_in_the_data_folder(
    settings, tmp_path, monkeypatch
):
    settings.DATA_DIR = tmp_path
    pdf._truetype.cache_clear()
    pdf._local.font_config = None  # a fresh thread: its fonts not yet registered (test order)
    monkeypatch.setattr(pdf, "render_to_string", lambda *args, **kwargs: HTML_TEXT)
    plain = HTML(string=HTML_TEXT, base_url=str(pdf.font_dir())).write_pdf(pdf_variant="pdf/ua-1")
    first = pdf.render_pdf("ignored.html", {})
    cached = sorted(p.name.split("-")[0] for p in (tmp_path / "cache" / "fonts").iterdir())
    assert cached == ["FiraSans"] * 2
    assert {p.name.rsplit("-", 2)[0] for p in (tmp_path / "cache" / "fonts").iterdir()} == {
        "FiraSans-Regular",
        "FiraSans-Bold",
    }
    pdf._truetype.cache_clear()  # a new process: read from the data folder
    pdf._local.font_config = None
    second = pdf.render_pdf("ignored.html", {})
    assert first == plain and second == plain
