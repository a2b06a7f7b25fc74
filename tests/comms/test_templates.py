"""Templates: checked on save with the line, escaped in HTML, inert values, language choice."""

import pytest
from django.core.exceptions import ValidationError

from kohorte.comms import services
from kohorte.comms.events import EVENTS
from kohorte.comms.models import MessageTemplate, OutboxMessage

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
    _save(subject="Danke, {{ recipient_name }}!")
    message = services.queue_mail("application.submitted", to="z@example.org", name="Zora")
    assert message.subject == "Danke, Zora!"
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
