"""Templates: checked on save with the line, escaped in HTML, inert values, language choice."""

import time

import pytest
from django.core.exceptions import ValidationError

from kohorte.comms import rendering, services
from kohorte.comms.events import EVENTS, Category, MailEvent
from kohorte.comms.models import MessageTemplate, OutboxMessage
from kohorte.core.models import AuditLog

pytestmark = pytest.mark.django_db


def _save(**overrides):
    fields = {
        "event_key": "application.submitted",
        "language": "de",
        "subject": "Eingang",
        "body_text": "Hallo {{ recipient_name }}",
        "body_html": "",
        "actor": None,
    }
    fields.update(overrides)
    return services.save_template(**fields)


def test_template_with_syntax_error_is_refused_with_line():
    with pytest.raises(ValidationError) as error:
        _save(body_text="Hallo {{ recipient_name }}\n\n{% if cohort_name %}\nohne Ende")
    assert error.value.message_dict["body_text"] == [
        "Zeile 3: Der Befehl „if“ wird nicht geschlossen."
    ]
    assert MessageTemplate.objects.count() == 0


def test_template_with_unknown_placeholder_is_refused_with_line():
    with pytest.raises(ValidationError) as error:
        _save(subject="Eingang {{ programm }}")
    message = error.value.message_dict["subject"][0]
    assert message.startswith("Zeile 1: Unbekannter Platzhalter „programm“. Erlaubt sind:")
    assert "program_title" in message


@pytest.mark.parametrize(
    "source",
    [
        "{% load static %}",
        "{% include 'x.html' %}",
        "{{ recipient_name|safe }}",
        "{% csrf_token %}",
        "{{ recipient_name.__class__ }}",
    ],
)
def test_template_refuses_dangerous_constructs(source):
    with pytest.raises(ValidationError):
        _save(body_text=source)


def test_template_error_message_is_translated(client):
    with pytest.raises(ValidationError) as error:
        from django.utils.translation import override

        with override("en"):
            _save(body_text="{{ nope }}")
    assert error.value.message_dict["body_text"][0].startswith(
        "Line 1: Unknown placeholder “nope”."
    )


def test_values_with_html_or_template_syntax_arrive_inert():
    _save(body_text="Hallo {{ recipient_name }}", body_html="<p>Hallo {{ recipient_name }}</p>")
    message = services.queue_mail(
        "application.submitted",
        to="a@example.org",
        name="<script>alert(1)</script> {{ secret }} {% debug %}",
    )
    assert message.body_text == "Hallo <script>alert(1)</script> {{ secret }} {% debug %}"
    assert message.body_html == (
        "<p>Hallo &lt;script&gt;alert(1)&lt;/script&gt; {{ secret }} {% debug %}</p>"
    )


def test_preferred_language_picks_template_with_german_fallback(django_user_model):
    english = django_user_model.objects.create_user("en@example.org", "x", preferred_language="en")
    german = django_user_model.objects.create_user("de@example.org", "x")
    context = {
        "program_title": "KI",
        "cohort_name": "2027",
        "submitted_at": "heute",
        "application_url": "u",
    }
    assert (
        services.queue_mail(
            "application.submitted", to=english.email, user=english, context=context
        ).subject
        == "We have received your application: KI"
    )
    assert (
        services.queue_mail(
            "application.submitted", to=german.email, user=german, context=context
        ).subject
        == "Ihre Bewerbung ist eingegangen: KI"
    )
    # A language without a text falls back to German.
    assert (
        services.queue_mail(
            "application.submitted", to="x@example.org", language="fr", context=context
        ).language
        == "de"
    )
    _save(language="de", subject="Neu: {{ program_title }}")
    assert (
        services.queue_mail(
            "application.submitted", to="y@example.org", language="en", context=context
        ).subject
        == "We have received your application: KI"
    )


def test_staff_edited_text_is_used():
    _save(subject="Danke: {{ program_title }}", body_text="Danke, {{ recipient_name }}!")
    message = services.queue_mail(
        "application.submitted", to="z@example.org", name="Zora", context={"program_title": "KI"}
    )
    assert (message.subject, message.body_text) == ("Danke: KI", "Danke, Zora!")
    assert OutboxMessage.objects.count() == 1


def test_every_default_template_is_valid():
    for event in EVENTS.values():
        if not event.editable:
            continue
        for lang in ("de", "en"):
            problems = services.check_texts(
                set(event.placeholders), subject=event.subject[lang], body_text=event.body[lang]
            )
            assert problems == {}, (event.key, lang, problems)


# --- the stricter checker (issue 9, item 11) ---------------------------------------------------
def test_filter_argument_must_be_a_placeholder_or_a_literal():
    with pytest.raises(ValidationError) as error:
        _save(body_text="Hallo\n{{ program_title|default:no_such_value }}")
    assert error.value.message_dict == {
        "body_text": [
            "Zeile 2: Der Filter „default“ bekommt „no_such_value“, das ist kein Platzhalter. "
            "Text gehört in Anführungszeichen; erlaubte Platzhalter sind: application_url, "
            "cohort_name, decision_on, program_title, recipient_name, submitted_at."
        ]
    }
    with pytest.raises(ValidationError) as error:
        _save(body_text="{{ program_title|default:_secret }}")
    assert error.value.message_dict["body_text"] == [
        "Zeile 1: Platzhalter dürfen nicht mit „_“ beginnen."
    ]
    _save(
        body_text='{{ program_title|default:"KI" }} {{ program_title|default:cohort_name }} '
        "{{ cohort_name|default:3 }}"
    )


def test_filter_argument_message_is_translated():
    from django.utils.translation import override

    with override("en"), pytest.raises(ValidationError) as error:
        _save(subject="{{ program_title|default:no_such_value }}")
    assert error.value.message_dict["subject"][0].startswith(
        "Line 1: The filter “default” is given “no_such_value”, which is not a placeholder."
    )


def test_three_nested_loops_are_refused():
    two = "{% for a in cohort_name %}{% for b in cohort_name %}{{ b }}{% endfor %}{% endfor %}"
    _save(body_text=two)
    with pytest.raises(ValidationError) as error:
        _save(
            body_text="Hallo\n{% for a in cohort_name %}{% for b in cohort_name %}\n"
            "{% for c in cohort_name %}x{% endfor %}{% endfor %}{% endfor %}"
        )
    assert error.value.message_dict["body_text"] == [
        "Zeile 3: Höchstens 2 Schleifen („for“) dürfen ineinander stehen."
    ]


def test_person_text_is_refused_in_a_subject():
    with pytest.raises(ValidationError) as error:
        _save(event_key="referee.requested", subject="Für {{ applicant_name }}")
    assert error.value.message_dict["subject"] == [
        "Zeile 1: Der Platzhalter „applicant_name“ ist im Betreff nicht erlaubt: Namen und "
        "Texte, die Personen selbst eingeben, stehen nur im Text der Mail."
    ]


@pytest.mark.parametrize(
    "source",
    [
        # 70³ = 343,000 characters: more than the output cap.
        "{% for a in v %}{% for b in v %}{% for c in v %}x{% endfor %}{% endfor %}{% endfor %}",
        # Four nested loops with no output (24 million passes, 23 s before): the pass cap.
        "{% for a in v %}{% for b in v %}{% for c in v %}{% for d in v %}{% endfor %}"
        "{% endfor %}{% endfor %}{% endfor %}",
        # Few passes, long output.
        "{% for a in v %}{% for b in v %}{{ w }}{% endfor %}{% endfor %}",
    ],
)
def test_huge_output_or_work_is_stopped_within_a_second(source):
    started = time.monotonic()
    with pytest.raises(rendering.TemplateProblem) as problem:
        rendering.render(source, {"v": "x" * 70, "w": "y" * 1000})
    assert time.monotonic() - started < 1
    assert str(problem.value) == (
        "Die Vorlage erzeugt zu viel Text (höchstens 100000 Zeichen und 10000 "
        "Schleifendurchläufe je Text)."
    )


def test_a_text_at_the_caps_still_renders():
    text = rendering.render("{% for a in v %}{{ w }}{% endfor %}", {"v": "x" * 99, "w": "y" * 1000})
    assert text == "y" * 99_000


def test_legacy_template_falls_back_to_the_builtin_text_when_queued():
    MessageTemplate.objects.create(
        event_key="application.submitted",
        language="de",
        subject="Eingang {{ applicant_name }}",  # a typed name in a subject: refused now
        body_text="{{ program_title|default:no_such_value }}",
    )
    message = services.queue_mail(
        "application.submitted",
        to="a@example.org",
        name="Erika",
        context={"program_title": "KI", "cohort_name": "2027", "submitted_at": "heute"},
    )
    assert message.state == OutboxMessage.State.QUEUED
    assert message.subject == "Ihre Bewerbung ist eingegangen: KI"
    assert message.body_text.startswith("Guten Tag Erika,")
    assert "„applicant_name“ ist im Betreff nicht erlaubt" in message.last_error
    assert AuditLog.objects.filter(action="comms.template_failed").count() == 1


def test_when_even_the_builtin_text_fails_the_mail_is_rejected_not_raised(monkeypatch):
    broken = MailEvent(
        key="test.broken",
        label="kaputt",
        category=Category.TRANSACTIONAL,
        placeholders={},
        subject={"de": "Betreff"},
        body={"de": "{{ nope|default:gibtsnicht }}"},
    )
    monkeypatch.setitem(EVENTS, broken.key, broken)
    message = services.queue_mail("test.broken", to="a@example.org")
    assert message.pk and message.state == OutboxMessage.State.REJECTED
    assert message.last_error.startswith("Die gespeicherte Vorlage ließ sich nicht verwenden")


def test_template_editor_shows_the_problem_of_a_legacy_template(client, staff):
    MessageTemplate.objects.create(
        event_key="application.submitted",
        language="de",
        subject="Eingang",
        body_text="{{ program_title|default:no_such_value }}",
    )
    client.force_login(staff)
    response = client.get("/verwaltung/vorlagen/application.submitted/de/")
    assert response.status_code == 200
    assert "Der Filter „default“ bekommt „no_such_value“" in response.content.decode()


def test_no_subject_carries_a_typed_name():
    """Every event, rendered with a hostile value in every placeholder a person types."""
    for event in EVENTS.values():
        if not event.editable:
            continue
        context = {name: "KI-Programm" for name in event.placeholders}
        context.update({name: "Urgent: verify your bank account" for name in rendering.PERSON_TEXT})
        for language in ("de", "en"):
            message = services.queue_mail(
                event.key,
                to=f"{event.key}-{language}@example.org",
                name="Urgent: verify your bank account",
                language=language,
                context=context,
            )
            assert "Urgent" not in message.subject, (event.key, language, message.subject)
            assert message.subject
