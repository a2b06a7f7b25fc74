"""Mail texts: staff's saved templates (checked before they are saved), the built-in texts,
previews with the event's example values."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from kohorte.comms.events import EVENTS, MailEvent
from kohorte.comms.models import MessageTemplate
from kohorte.comms.rendering import PERSON_TEXT, TemplateProblem, check_template, render
from kohorte.core.audit import log_action


@dataclass
class Texts:
    subject: str
    body_text: str
    body_html: str


def template_texts(event: MailEvent, language: str) -> Texts:
    """The text for this language: staff's saved one, else the built-in one; a language
    without any text falls back to German."""
    if language not in event.subject:
        language = "de"
    row = MessageTemplate.objects.filter(event_key=event.key, language=language).first()
    if row:
        return Texts(row.subject, row.body_text, row.body_html)
    return Texts(event.subject[language], event.body[language], event.html.get(language, ""))


def check_texts(
    event_placeholders: set[str], *, subject_refused=PERSON_TEXT, **texts: str
) -> dict[str, TemplateProblem]:
    """Problems per field (subject, body_text, body_html); empty if all can be used. The
    subject must not use ``subject_refused`` (names people type themselves)."""
    problems = {}
    for field, source in texts.items():
        if not source:
            continue
        try:
            refused = subject_refused if field == "subject" else frozenset()
            check_template(source, event_placeholders, refused=refused)
        except TemplateProblem as problem:
            problems[field] = problem
    return problems


def save_template(*, event_key, language, subject, body_text, body_html="", actor):
    """Validate and save one template; raise ValidationError with the line per field."""
    event = EVENTS[event_key]
    problems = check_texts(
        set(event.placeholders), subject=subject, body_text=body_text, body_html=body_html
    )
    if problems:
        raise ValidationError({field: str(problem) for field, problem in problems.items()})
    with transaction.atomic():
        template, _created = MessageTemplate.objects.update_or_create(
            event_key=event_key,
            language=language,
            defaults={
                "subject": subject,
                "body_text": body_text,
                "body_html": body_html,
                "updated_by": actor,
            },
        )
        log_action("comms.template_saved", actor=actor, target=template)
    return template


def example_context(event: MailEvent) -> dict[str, str]:
    return {name: str(p.example) for name, p in event.placeholders.items()}


def preview(event: MailEvent, subject: str, body_text: str, body_html: str = "") -> Texts:
    """Render texts with the event's example values (no save); raise TemplateProblem if they
    cannot be used."""
    context = example_context(event)
    problems = check_texts(
        set(event.placeholders), subject=subject, body_text=body_text, body_html=body_html
    )
    if problems:
        raise next(iter(problems.values()))
    return Texts(
        render(subject, context).strip(),
        render(body_text, context),
        render(body_html, context, html=True) if body_html else "",
    )
