"""Hostile PDFs: active and embedded content is refused wherever it sits in the object graph,
direct or indirect, in object streams or in no page at all; each kind with its own message.
Page bombs and deep structures are refused quickly and cleanly; ordinary CVs pass."""

import io
import re
import time

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pikepdf import Array, Dictionary, Name, String

from kohorte.core.uploads import check_pdf, max_pages_for

MAX = 10 * 1024 * 1024

MESSAGES = {
    "javascript": "Die PDF-Datei enthält JavaScript. Bitte speichern Sie sie ohne aktive "
    "Inhalte, zum Beispiel über „Drucken als PDF“.",
    "launch": "Die PDF-Datei enthält eine Aktion, die Programme startet oder Dateien auf dem "
    "Rechner öffnet. Bitte speichern Sie sie ohne aktive Inhalte.",
    "goto_remote": "Die PDF-Datei enthält einen Verweis, der ein anderes Dokument auf dem "
    "Rechner oder im Netz öffnet. Bitte speichern Sie sie ohne solche Verweise.",
    "goto_embedded": "Die PDF-Datei enthält einen Verweis auf ein eingebettetes Dokument. "
    "Bitte laden Sie ein PDF ohne Anhänge hoch.",
    "submit_form": "Die PDF-Datei enthält ein Formular, das Eingaben an eine Adresse im Netz "
    "sendet. Bitte speichern Sie sie ohne Formularfunktionen, zum Beispiel über „Drucken als "
    "PDF“.",
    "import_data": "Die PDF-Datei enthält eine Aktion, die Daten aus einer anderen Datei "
    "einliest. Bitte speichern Sie sie ohne aktive Inhalte.",
    "multimedia": "Die PDF-Datei enthält Multimedia-Inhalte (Video, Ton, 3D-Modell oder "
    "Flash). Bitte laden Sie ein PDF nur mit Text und Bildern hoch.",
    "xfa": "Die PDF-Datei enthält ein XFA-Formular (ein dynamisches Formular mit eigenem "
    "Programmcode). Bitte speichern Sie sie über „Drucken als PDF“ als einfaches PDF.",
    "embedded": "Die PDF-Datei enthält eingebettete Dateien. Bitte laden Sie ein PDF ohne "
    "Anhänge hoch.",
    "automatic_action": "Die PDF-Datei führt beim Öffnen oder Anzeigen von selbst eine Aktion "
    "aus, zum Beispiel einen Link aufrufen oder drucken. Bitte speichern Sie sie ohne solche "
    "Aktionen.",
    "too_complex": "Die PDF-Datei ist zu umfangreich aufgebaut, um sie in vertretbarer Zeit "
    "zu prüfen. Bitte speichern Sie sie neu, zum Beispiel über „Drucken als PDF“.",
    "damaged": "Die PDF-Datei ist beschädigt und kann nicht gelesen werden.",
}


def uri_message(link):
    return (
        f"Die PDF-Datei enthält einen Link, der keine Webadresse ist („{link}“). Erlaubt sind "
        "Links, die mit „http://“, „https://“ oder „mailto:“ beginnen."
    )


def js(code="app.alert(1)"):
    return Dictionary(S=Name.JavaScript, JS=String(code))


def link(action, wrap):
    return wrap(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 10, 10], A=action))


def annotate(pdf, annot):
    pdf.pages[0].obj.Annots = Array([annot])


def filespec(pdf, *, embedded=True):
    spec = Dictionary(Type=Name.Filespec, F=String("notiz.txt"), UF=String("notiz.txt"))
    if embedded:
        spec.EF = Dictionary(F=pdf.make_stream(b"geheim", Type=Name.EmbeddedFile))
    return spec


def widget(pdf, wrap, **entries):
    field = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Widget,
            FT=Name.Btn,
            T=String("knopf"),
            Rect=[0, 0, 10, 10],
            P=pdf.pages[0].obj,
            **entries,
        )
    )
    annotate(pdf, field)
    pdf.Root.AcroForm = wrap(Dictionary(Fields=Array([field])))
    return field


def outline_with(pdf, action, wrap):
    outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, Count=1))
    item = pdf.make_indirect(Dictionary(Title=String("Kapitel"), Parent=outlines, A=action))
    outlines.First = outlines.Last = item
    pdf.Root.Outlines = outlines


# Each builder adds one hostile thing; ``wrap`` makes the new objects direct or indirect.
HOSTILE = {
    "js_open_action": (
        "javascript",
        lambda pdf, wrap: setattr(pdf.Root, "OpenAction", wrap(js())),
    ),
    "launch_open_action": (
        "launch",
        lambda pdf, wrap: setattr(
            pdf.Root, "OpenAction", wrap(Dictionary(S=Name.Launch, F=String("cmd.exe")))
        ),
    ),
    "link_with_js_action": (
        "javascript",
        lambda pdf, wrap: annotate(pdf, link(wrap(js()), wrap)),
    ),
    "widget_additional_action": (
        "javascript",
        lambda pdf, wrap: widget(pdf, wrap, AA=wrap(Dictionary(K=wrap(js("AFNumber_Format()"))))),
    ),
    "acroform_xfa": (
        "xfa",
        lambda pdf, wrap: setattr(
            pdf.Root,
            "AcroForm",
            wrap(
                Dictionary(
                    Fields=Array([]),
                    XFA=Array([String("template"), pdf.make_stream(b"<template/>")]),
                )
            ),
        ),
    ),
    "goto_remote": (
        "goto_remote",
        lambda pdf, wrap: annotate(
            pdf,
            link(wrap(Dictionary(S=Name.GoToR, F=String("fremd.pdf"), D=[0, Name.Fit])), wrap),
        ),
    ),
    "goto_embedded": (
        "goto_embedded",
        lambda pdf, wrap: annotate(
            pdf,
            link(
                wrap(
                    Dictionary(
                        S=Name.GoToE,
                        T=Dictionary(R=Name.C, N=String("anhang")),
                        D=[0, Name.Fit],
                    )
                ),
                wrap,
            ),
        ),
    ),
    "rich_media_annotation": (
        "multimedia",
        lambda pdf, wrap: annotate(
            pdf, wrap(Dictionary(Type=Name.Annot, Subtype=Name.RichMedia, Rect=[0, 0, 9, 9]))
        ),
    ),
    "screen_annotation_with_rendition": (
        "multimedia",
        lambda pdf, wrap: annotate(
            pdf,
            wrap(Dictionary(Subtype=Name.Screen, A=wrap(Dictionary(S=Name.Rendition, OP=0)))),
        ),
    ),
    "three_d_annotation": (
        "multimedia",
        lambda pdf, wrap: annotate(pdf, wrap(Dictionary(Subtype=Name("/3D"), Rect=[0, 0, 9, 9]))),
    ),
    "embedded_file_in_file_spec": (
        "embedded",
        lambda pdf, wrap: setattr(pdf.Root, "AF", Array([wrap(filespec(pdf))])),
    ),
    "embedded_files_name_tree": (
        "embedded",
        lambda pdf, wrap: setattr(
            pdf.Root,
            "Names",
            wrap(
                Dictionary(
                    EmbeddedFiles=wrap(
                        Dictionary(Names=Array([String("a"), filespec(pdf, embedded=False)]))
                    )
                )
            ),
        ),
    ),
    "file_attachment_annotation": (
        "embedded",
        lambda pdf, wrap: annotate(
            pdf,
            wrap(
                Dictionary(
                    Subtype=Name.FileAttachment,
                    Rect=[0, 0, 9, 9],
                    FS=filespec(pdf, embedded=False),
                )
            ),
        ),
    ),
    "javascript_uri": (
        "uri:javascript:",
        lambda pdf, wrap: annotate(
            pdf, link(wrap(Dictionary(S=Name.URI, URI=String("  Java\tScript:alert(1)"))), wrap)
        ),
    ),
    "file_uri": (
        "uri:file:",
        lambda pdf, wrap: annotate(
            pdf, link(wrap(Dictionary(S=Name.URI, URI=String("file:///etc/passwd"))), wrap)
        ),
    ),
    "data_uri": (
        "uri:data:",
        lambda pdf, wrap: annotate(
            pdf,
            link(wrap(Dictionary(S=Name.URI, URI=String("data:text/html,<script>"))), wrap),
        ),
    ),
    "js_in_outline_item": (
        "javascript",
        lambda pdf, wrap: outline_with(pdf, wrap(js()), wrap),
    ),
    "js_in_page_additional_action": (
        "javascript",
        lambda pdf, wrap: setattr(pdf.pages[0].obj, "AA", wrap(Dictionary(O=wrap(js())))),
    ),
    "js_in_names_tree": (
        "javascript",
        lambda pdf, wrap: setattr(
            pdf.Root,
            "Names",
            wrap(
                Dictionary(JavaScript=wrap(Dictionary(Names=Array([String("start"), wrap(js())]))))
            ),
        ),
    ),
    "js_key_on_a_field": (
        "javascript",
        lambda pdf, wrap: widget(pdf, wrap, JS=String("app.alert(1)")),
    ),
    "launch_in_next_chain": (
        "launch",
        lambda pdf, wrap: annotate(
            pdf,
            link(
                wrap(
                    Dictionary(
                        S=Name.GoTo,
                        D=Array([pdf.pages[0].obj, Name.Fit]),
                        Next=wrap(
                            Dictionary(
                                S=Name.GoTo,
                                D=Array([pdf.pages[0].obj, Name.Fit]),
                                Next=Array([wrap(Dictionary(S=Name.Launch, F=String("calc")))]),
                            )
                        ),
                    )
                ),
                wrap,
            ),
        ),
    ),
    "submit_form": (
        "submit_form",
        lambda pdf, wrap: widget(
            pdf,
            wrap,
            A=wrap(
                Dictionary(
                    S=Name.SubmitForm,
                    F=Dictionary(FS=Name.URL, F=String("https://sammler.example/")),
                )
            ),
        ),
    ),
    "import_data": (
        "import_data",
        lambda pdf, wrap: widget(
            pdf, wrap, A=wrap(Dictionary(S=Name.ImportData, F=String("daten.fdf")))
        ),
    ),
    "sound_action": (
        "multimedia",
        lambda pdf, wrap: annotate(
            pdf, link(wrap(Dictionary(S=Name.Sound, Sound=pdf.make_stream(b"\0" * 8))), wrap)
        ),
    ),
    "uri_open_action": (
        "automatic_action",
        lambda pdf, wrap: setattr(
            pdf.Root,
            "OpenAction",
            wrap(Dictionary(S=Name.URI, URI=String("https://tracker.example/pixel"))),
        ),
    ),
    "print_on_page_open": (
        "automatic_action",
        lambda pdf, wrap: setattr(
            pdf.pages[0].obj,
            "AA",
            wrap(Dictionary(O=wrap(Dictionary(S=Name.Named, N=Name.Print)))),
        ),
    ),
}


def direct(obj):
    return obj


def build(builder, *, indirect: bool, object_streams: bool = False) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    builder(pdf, pdf.make_indirect if indirect else direct)
    out = io.BytesIO()
    mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.disable
    pdf.save(out, object_stream_mode=mode)
    return out.getvalue()


def check(content: bytes, **kwargs):
    upload = SimpleUploadedFile("lebenslauf.pdf", content, content_type="application/pdf")
    return check_pdf(upload, max_bytes=MAX, **kwargs)


def refusal(content: bytes, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        check(content, **kwargs)
    return error.value


def expected(code: str) -> tuple[str, str]:
    if code.startswith("uri:"):
        return "uri_scheme", uri_message(code.removeprefix("uri:"))
    return code, MESSAGES[code]


@pytest.mark.parametrize("placement", ["direct", "indirect"])
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_pdf_is_refused_with_its_own_message(case, placement):
    code, builder = HOSTILE[case]
    error = refusal(build(builder, indirect=placement == "indirect"))
    assert (error.code, error.messages) == (expected(code)[0], [expected(code)[1]])


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_content_inside_object_streams_is_refused(case):
    code, builder = HOSTILE[case]
    content = build(builder, indirect=True, object_streams=True)
    assert b"/ObjStm" in content and b"/S /" not in content  # really hidden in a stream
    error = refusal(content)
    assert (error.code, error.messages) == (expected(code)[0], [expected(code)[1]])


def _append_orphan(base: bytes, body: bytes) -> bytes:
    """An incremental update adding an object nothing refers to."""
    startxref = int(re.findall(rb"startxref\s+(\d+)", base)[-1])
    size = int(re.findall(rb"/Size (\d+)", base)[-1])
    root = re.findall(rb"/Root (\d+ \d+ R)", base)[-1]
    offset = len(base) + 1
    update = b"\n%d 0 obj\n%s\nendobj\n" % (size, body)
    xref_at = len(base) + len(update)
    update += b"xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %s /Prev %d >>\n" % (
        size,
        offset,
        size + 1,
        root,
        startxref,
    )
    return base + update + b"startxref\n%d\n%%%%EOF\n" % xref_at


def test_javascript_in_an_object_nothing_refers_to_is_refused():
    content = _append_orphan(
        build(lambda pdf, wrap: None, indirect=False), b"<< /S /JavaScript /JS (app.alert(1)) >>"
    )
    with pikepdf.open(io.BytesIO(content)) as pdf:  # the object is really in the file
        assert any("/JS" in o for o in pdf.objects if isinstance(o, Dictionary))
    assert refusal(content).messages == [MESSAGES["javascript"]]


def ordinary(pdf, wrap):
    page = pdf.pages[0].obj
    annots = [
        link(wrap(Dictionary(S=Name.URI, URI=String("https://www.example.org/profil"))), wrap),
        link(wrap(Dictionary(S=Name.URI, URI=String("http://example.org/alt"))), wrap),
        link(wrap(Dictionary(S=Name.URI, URI=String("mailto:erika@bund.example"))), wrap),
        link(wrap(Dictionary(S=Name.GoTo, D=Array([page, Name.Fit]))), wrap),
        link(wrap(Dictionary(S=Name.ResetForm)), wrap),  # allowed: clears fields, runs nothing
    ]
    page.Annots = Array(annots)
    pdf.Root.OpenAction = Array([page, Name.Fit])  # as word processors write it
    pdf.Root.Outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, Count=0))
    pdf.docinfo["/Title"] = "Lebenslauf"


@pytest.mark.parametrize("object_streams", [False, True])
@pytest.mark.parametrize("placement", ["direct", "indirect"])
def test_ordinary_pdfs_with_web_and_mail_links_are_accepted(placement, object_streams):
    plain = build(lambda pdf, wrap: None, indirect=False, object_streams=object_streams)
    assert check(plain).pages == 1
    linked = build(ordinary, indirect=placement == "indirect", object_streams=object_streams)
    assert check(linked).pages == 1


def test_goto_open_action_is_accepted_but_a_chained_uri_is_not():
    def goto_then_uri(pdf, wrap):
        pdf.Root.OpenAction = Dictionary(
            S=Name.GoTo,
            D=Array([pdf.pages[0].obj, Name.Fit]),
            Next=Dictionary(S=Name.URI, URI=String("https://tracker.example/")),
        )

    assert (
        check(
            build(
                lambda pdf, wrap: setattr(
                    pdf.Root,
                    "OpenAction",
                    Dictionary(S=Name.GoTo, D=Array([pdf.pages[0].obj, Name.Fit])),
                ),
                indirect=False,
            )
        ).pages
        == 1
    )
    assert refusal(build(goto_then_uri, indirect=False)).code == "automatic_action"


def test_weasyprint_pdf_with_links_is_accepted():
    from weasyprint import HTML

    content = HTML(
        string="<h1>Lebenslauf</h1><p><a href='https://example.org'>Web</a> "
        "<a href='mailto:erika@bund.example'>Mail</a> <a href='#x'>intern</a></p>"
        "<p id='x' style='page-break-before: always'>Seite 2</p>"
    ).write_pdf()
    assert check(content).pages == 2


def page_bomb(pages: int, *, count: int | None = None) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    content = pdf.make_stream(b"BT ET")
    template = pdf.pages[0].obj
    template.Contents = content
    kids = pdf.Root.Pages.Kids
    for _ in range(pages - 1):
        kids.append(
            pdf.make_indirect(
                Dictionary(
                    Type=Name.Page,
                    MediaBox=[0, 0, 595, 842],
                    Contents=content,
                    Parent=pdf.Root.Pages,
                )
            )
        )
    out = io.BytesIO()
    if count is None:
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()
    # a page tree that lies about its size (qpdf would correct it while saving)
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    old, new = b"/Count %d" % pages, b"/Count %d" % count
    assert out.getvalue().count(old) == 1
    return out.getvalue().replace(old, new.ljust(len(old)))  # same length: offsets hold


def test_page_bomb_is_refused_with_the_limit_before_pages_are_read(settings):
    content = page_bomb(20_000)
    started = time.perf_counter()
    error = refusal(content, max_pages=max_pages_for("cv"))
    elapsed = time.perf_counter() - started
    assert error.code == "pages"
    assert error.messages == ["Das Dokument hat 20000 Seiten. Erlaubt sind höchstens 50 Seiten."]
    assert elapsed < 3, elapsed  # the whole tree is not walked (it was ~1 s before)


def test_page_tree_that_understates_its_pages_is_refused_at_the_limit():
    content = page_bomb(300, count=1)
    error = refusal(content)
    assert error.messages == [
        "Das Dokument hat mehr als 200 Seiten. Erlaubt sind höchstens 200 Seiten."
    ]


def test_page_tree_that_overstates_its_pages_is_damaged():
    assert refusal(page_bomb(3, count=4)).messages == [MESSAGES["damaged"]]


def test_every_kind_has_a_page_limit_never_above_the_absolute_maximum(settings):
    assert {k: max_pages_for(k) for k in ("cv", "motivation_letter", "other")} == {
        "cv": 50,
        "motivation_letter": 50,
        "other": 100,
    }
    assert max_pages_for("cv", 2) == 2
    settings.KOHORTE_PDF_MAX_PAGES = 30
    assert max_pages_for("cv") == 30 and max_pages_for("cv", 500) == 30
    error = refusal(page_bomb(31))
    assert error.messages == ["Das Dokument hat 31 Seiten. Erlaubt sind höchstens 30 Seiten."]


def test_node_budget_refuses_a_too_complex_file(settings):
    content = build(
        lambda pdf, wrap: setattr(pdf.Root, "Filler", Array([Array([i]) for i in range(500)])),
        indirect=False,
    )
    assert check(content).pages == 1
    settings.KOHORTE_PDF_MAX_NODES = 400
    assert refusal(content).messages == [MESSAGES["too_complex"]]


def test_time_budget_refuses_a_slow_file(settings):
    content = build(
        lambda pdf, wrap: setattr(pdf.Root, "Filler", Array(list(range(5000)))), indirect=False
    )
    settings.KOHORTE_PDF_CHECK_SECONDS = 0
    assert refusal(content).messages == [MESSAGES["too_complex"]]


def test_too_many_declared_objects_are_refused_before_parsing(settings):
    settings.KOHORTE_PDF_MAX_OBJECTS = 5
    assert refusal(page_bomb(10)).messages == [MESSAGES["too_complex"]]


def test_deeply_nested_array_does_not_crash():
    base = build(lambda pdf, wrap: setattr(pdf.Root, "Deep", String("DEEP")), indirect=False)
    nested = b"[" * 10_000 + b"]" * 10_000
    content = base.replace(b"(DEEP)", nested)  # offsets now wrong: qpdf repairs the table
    try:
        checked = check(content)
    except ValidationError as error:
        assert error.code in {"damaged", "too_complex"}
    else:
        assert checked.pages == 1


def test_long_chain_of_indirect_arrays_is_walked_without_recursion():
    def chain(pdf, wrap):
        inner = pdf.make_indirect(Array([js()]))
        for _ in range(10_000):
            inner = pdf.make_indirect(Array([inner]))
        pdf.Root.Deep = inner

    assert refusal(build(chain, indirect=True)).code == "javascript"


def test_cyclic_references_terminate():
    def cycle(pdf, wrap):
        a = pdf.make_indirect(Dictionary())
        b = pdf.make_indirect(Dictionary(Back=a))
        a.Next = b
        pdf.Root.Loop = a

    assert check(build(cycle, indirect=True)).pages == 1
