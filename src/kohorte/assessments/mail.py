"""The mail events of assessments: a grade published, a published grade changed.

Registered when assessments is loaded (AssessmentsConfig.ready()); keys and placeholders are a
contract with saved templates, so they do not change.
"""

from collections.abc import Callable
from typing import cast

from django.utils.translation import gettext_lazy, pgettext_lazy

from kohorte.comms.events import PROGRAM, RECIPIENT, Category, MailEvent, Placeholder, register

_ = cast(Callable[[str], str], gettext_lazy)

GRADE = {
    "module_title": Placeholder(_("Titel des Moduls"), "KI-Strategie"),
    "grade": Placeholder(cast(str, pgettext_lazy("Bewertung", "Note")), "1,7"),
}

register(
    MailEvent(
        key="assessments.grade_published",
        label=_("Note veröffentlicht (an die Teilnehmer:in)"),
        category=Category.TRANSACTIONAL,
        placeholders={**RECIPIENT, **PROGRAM, **GRADE},
        subject={
            "de": "Ihre Note im Modul „{{ module_title }}“",
            "en": "Your grade in the module “{{ module_title }}”",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nIhre Prüfungsleistung im Modul „{{ module_title }}“ ({{ cohort_name }}, „{{ program_title }}“) ist bewertet: {{ grade }}.\n\nDie Rückmeldung der Prüfer:innen finden Sie nach der Anmeldung unter „Mein Programm“ › „Prüfungsleistungen“.\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\nyour assessment in the module “{{ module_title }}” ({{ cohort_name }}, “{{ program_title }}”) has been marked: {{ grade }}.\n\nYou will find the markers' feedback after signing in under “My programme” › “Assessments”.\n\nKind regards\nThe programme team",
        },
    )
)

register(
    MailEvent(
        key="assessments.grade_changed",
        label=_("Veröffentlichte Note geändert (an die Teilnehmer:in)"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            **PROGRAM,
            **GRADE,
            "reason": Placeholder(_("Grund der Änderung"), "Rechenfehler"),
        },
        subject={
            "de": "Ihre Note im Modul „{{ module_title }}“ wurde geändert",
            "en": "Your grade in the module “{{ module_title }}” has changed",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nIhre Note im Modul „{{ module_title }}“ wurde geändert. Sie lautet jetzt: {{ grade }}.\n\nGrund: {{ reason }}\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\nyour grade in the module “{{ module_title }}” has been changed. It is now: {{ grade }}.\n\nReason: {{ reason }}\n\nKind regards\nThe programme team",
        },
    )
)

register(
    MailEvent(
        key="assessments.completion_decided",
        label=_("Abschluss festgestellt (an die Teilnehmer:in)"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            **PROGRAM,
            "ects": Placeholder(_("ECTS-Punkte insgesamt"), "15"),
            "completed_on": Placeholder(_("Datum des Abschlusses"), "5. Januar 2027"),
        },
        subject={
            "de": "Sie haben „{{ program_title }}“ abgeschlossen",
            "en": "You have completed “{{ program_title }}”",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nwir freuen uns, Ihnen mitzuteilen: Sie haben das Programm „{{ program_title }}“ ({{ cohort_name }}) am {{ completed_on }} erfolgreich abgeschlossen, mit insgesamt {{ ects }} ECTS-Punkten.\n\nIhre Übersicht finden Sie nach der Anmeldung unter „Mein Programm“ › „Fortschritt“. Über Ihr Zertifikat informieren wir Sie gesondert.\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\nwe are pleased to tell you that you completed the programme “{{ program_title }}” ({{ cohort_name }}) on {{ completed_on }}, with {{ ects }} ECTS credits in total.\n\nYou will find your overview after signing in under “My programme” › “Progress”. We will write to you separately about your certificate.\n\nKind regards\nThe programme team",
        },
    )
)

register(
    MailEvent(
        key="assessments.transcript_issued",
        label=_("Leistungsübersicht ausgestellt (an die Teilnehmer:in)"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            **PROGRAM,
            "version": Placeholder(_("Fassung der Leistungsübersicht"), "1"),
        },
        subject={
            "de": "Ihre Leistungsübersicht steht bereit",
            "en": "Your transcript of records is available",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nIhre Leistungsübersicht ({{ cohort_name }}, „{{ program_title }}“) steht in Fassung {{ version }} bereit. Sie können sie nach der Anmeldung unter „Mein Programm“ › „Leistungsübersicht“ herunterladen. Das Dokument ist elektronisch signiert.\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\nyour transcript of records ({{ cohort_name }}, “{{ program_title }}”) is available in version {{ version }}. You can download it after signing in under “My programme” › “Transcript of records”. The document is signed electronically.\n\nKind regards\nThe programme team",
        },
    )
)
