"""Words for codes: what a person reads instead of an audit action or a stored status code.

``{% load labels %}`` then ``{{ entry.action|action_label }}``. An unknown code (a new action
nobody gave a label yet) reads as "Sonstiger Eintrag" with the code in brackets, never as the
bare code."""

from django import template
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

register = template.Library()

ACTION_LABELS = {
    "application.started": _("Bewerbung begonnen"),
    "application.submitted": _("Bewerbung eingereicht"),
    "application.withdrawn": _("Bewerbung zurückgezogen"),
    "application.note_added": _("Notiz hinzugefügt"),
    "application.document_uploaded": _("Unterlage hochgeladen"),
    "application.extension_granted": _("Frist verlängert"),
    "referee.requested": _("Empfehlungsschreiben angefragt"),
    "referee.reminded": _("an das Empfehlungsschreiben erinnert"),
    "referee.letter_received": _("Empfehlungsschreiben eingegangen"),
    "catalog.loaded": _("Programmdaten geladen"),
    "comms.batch_created": _("Sendung angelegt"),
    "comms.batch_released": _("Sendung freigegeben"),
    "comms.batch_cancelled": _("Sendung storniert"),
    "comms.cancelled": _("Mail storniert"),
    "comms.resent": _("Mail erneut gesendet"),
    "comms.template_saved": _("Mailvorlage gespeichert"),
    "comms.template_failed": _("Mailvorlage fehlerhaft"),
    "comms.unsubscribed": _("vom Newsletter abgemeldet"),
    "selection.assigned": _("Begutachtung zugeteilt"),
    "selection.assignment_moved": _("Zuteilung verschoben"),
    "selection.authorities_declared": _("Behörden für Befangenheit angegeben"),
    "selection.conflict_declared": _("Befangenheit erklärt"),
    "selection.review_submitted": _("Gutachten abgegeben"),
    "selection.review_revised": _("Gutachten überarbeitet"),
    "selection.reviewer_left": _("Mitglied aus der Kommission ausgeschieden"),
    "selection.locked": _("Festlegung gesetzt"),
    "selection.unlocked": _("Festlegung aufgehoben"),
    "selection.proposed": _("Auswahlvorschlag berechnet"),
    "selection.decided": _("Auswahl entschieden"),
    "selection.decision_mails": _("Entscheidungsmails vorbereitet"),
    "selection.offer_created": _("Platz angeboten"),
    "selection.offer_accepted": _("Angebot angenommen"),
    "selection.offer_declined": _("Angebot abgelehnt"),
    "selection.offer_expired": _("Angebot abgelaufen"),
    "selection.offer_withdrawn": _("Angebot zurückgenommen"),
    "selection.proposal_explained": _("Auswahlvorschlag erläutert"),
    "selection.constraints_set": _("Regeln des Auswahlvorschlags geändert"),
    "selection.member_added": _("Mitglied in die Kommission aufgenommen"),
    "selection.member_changed": _("Kommissionsmitglied geändert"),
    "selection.member_removed": _("Mitglied aus der Kommission entfernt"),
    "selection.settings_changed": _("Einstellungen der Auswahl geändert"),
    "application.draft_saved": _("Entwurf gespeichert"),
    "accounts.role_granted": _("Rolle vergeben"),
    "accounts.role_changed": _("Rolle geändert"),
    "accounts.role_revoked": _("Rolle entzogen"),
    "accounts.privileges_changed": _("Rechte geändert"),
    "accounts.password_set_by_admin": _("Passwort durch Verwaltung gesetzt"),
    "credentials.certificate_revoked": _("Zertifikat widerrufen"),
    "teaching.enrolled": _("als Teilnehmer:in aufgenommen"),
    "teaching.attendance_recorded": _("Anwesenheit erfasst"),
    "teaching.attendance_changed": _("Anwesenheit geändert"),
    "teaching.details_saved": _("Angaben für die Planung gespeichert"),
    "teaching.release_requested": _("Bestätigung der Freistellung angefragt"),
    "teaching.release_reminded": _("an die Bestätigung der Freistellung erinnert"),
    "teaching.release_replaced": _("Anfrage zur Freistellung ersetzt"),
    "teaching.release_confirmed": _("Freistellung bestätigt"),
    "teaching.release_declined": _("Freistellung abgelehnt"),
    "teaching.elective_round_set": _("Frist und Plätze der Wahlmodule festgelegt"),
    "teaching.electives_chosen": _("Wahlmodule gewählt"),
    "teaching.electives_allocated": _("Plätze in Wahlmodulen verlost"),
    "teaching.elective_place_granted": _("Platz im Wahlmodul durch das Programmteam gegeben"),
    "events.registered": _("zu einer Veranstaltung angemeldet"),
    "events.registration_requested": _("Anmeldung zu einer Veranstaltung (Adresse unbestätigt)"),
    "events.address_confirmed": _("Adresse für eine Veranstaltung bestätigt"),
    "events.registration_expired": _("unbestätigte Anmeldung zu einer Veranstaltung verfallen"),
    "events.registration_superseded": _(
        "unbestätigte Anmeldung zu einer Veranstaltung vom Konto der Person abgelöst"
    ),
    "events.registration_cancelled": _("von einer Veranstaltung abgemeldet"),
    "events.moved_up": _("von der Warteliste nachgerückt"),
    "events.reminded": _("an eine Veranstaltung erinnert"),
    "events.settings_saved": _("Einstellungen der Anmeldung gespeichert"),
    "teaching.elective_place_removed": _("Platz im Wahlmodul durch das Programmteam entzogen"),
    "teaching.calendar_created": _("persönlicher Kalender-Link angelegt"),
    "teaching.calendar_revoked": _("persönlicher Kalender-Link widerrufen"),
    "assessments.created": _("Prüfungsleistung angelegt"),
    "assessments.extension_granted": _("Frist der Prüfungsleistung verlängert"),
    "assessments.resit_created": _("Wiederholungsprüfung angelegt"),
    "assessments.updated": _("Prüfungsleistung geändert"),
    "assessments.submitted": _("Prüfungsleistung abgegeben"),
    "assessments.marked": _("Prüfungsleistung bewertet (Erstgutachten)"),
    "assessments.second_marked": _("Zweitgutachten erstellt"),
    "assessments.disputed": _("Gutachten weichen ab: Einigung nötig"),
    "assessments.agreed": _("Note nach Einigung festgelegt"),
    "assessments.published": _("Noten veröffentlicht"),
    "assessments.grade_published": _("Note veröffentlicht"),
    "assessments.transcript_created": _("Leistungsübersicht ausgestellt"),
    "assessments.transcript_corrected": _("Korrigierte Leistungsübersicht ausgestellt"),
    "assessments.grade_changed": _("veröffentlichte Note geändert"),
    "assessments.completed": _("Abschluss festgestellt"),
    "assessments.completion_withdrawn": _("Abschlussentscheidung zurückgenommen"),
    "credentials.issued": _("Zertifikat ausgestellt"),
    "credentials.reissued": _("Zertifikat neu ausgestellt"),
    "credentials.superseded": _("Zertifikat durch eine neue Fassung ersetzt"),
    "credentials.batch_started": _("Ausstellung der Zertifikate gestartet"),
    "credentials.batch_done": _("Ausstellung der Zertifikate abgeschlossen"),
    "credentials.batch_failed": _("Ausstellung der Zertifikate fehlgeschlagen"),
    "teaching.lecturer_calendar_created": _("Kalender-Link für Dozierende angelegt"),
    "teaching.lecturer_calendar_revoked": _("Kalender-Link für Dozierende widerrufen"),
    "teaching.material_added": _("Material bereitgestellt"),
    "teaching.material_replaced": _("Datei eines Materials ersetzt"),
    "teaching.material_deleted": _("Material gelöscht"),
}


@register.filter
def action_label(code: str) -> str:
    """The audit action as words in the active language."""
    label = ACTION_LABELS.get(code)
    if label is None:
        return gettext("Sonstiger Eintrag (%(code)s)") % {"code": code}
    return str(label)


@register.filter
def as_date(value):
    """A date kept as ISO text in a setting ("2026-11-25") as a date, for ``|date``."""
    from django.utils.dateparse import parse_date

    return parse_date(value) if isinstance(value, str) else value
