"""The formal decision "completed": singly (against the rule only with a reason), in bulk for
everyone who meets the rule, and its withdrawal.

The bulk decision writes one audit row per person (``assessments.completed`` with
``"bulk": true``), so that each participant's history shows their own decision, and a mail
goes to each of them."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import floatformat
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kohorte.assessments.completion import Verdict, standing, standings
from kohorte.assessments.models import Completion
from kohorte.comms.services import queue_mail
from kohorte.core.audit import log_action

ALREADY = gettext_lazy("Für diese Person ist der Abschluss bereits festgestellt.")


def _mail(completion: Completion) -> None:
    participation = completion.participation
    user = participation.user
    cohort = participation.cohort
    language = user.preferred_language if user.preferred_language in {"de", "en"} else "de"
    with translation.override(language):
        completed_on = formats.date_format(completion.completed_on, "DATE_FORMAT")
        ects = floatformat(completion.ects, -1)
    queue_mail(
        "assessments.completion_decided",
        to=user.email,
        user=user,
        language=language,
        concerning=completion,
        idempotency_key=f"assessments.completion_decided:{completion.pk}",
        context={
            "program_title": cohort.program.title,
            "cohort_name": cohort.name,
            "ects": ects,
            "completed_on": completed_on,
        },
    )


def _create(participation, *, actor, rule_met, ects, reason, bulk) -> Completion:
    try:
        with transaction.atomic():
            completion = Completion.objects.create(
                participation=participation,
                rule_met=rule_met,
                reason=reason,
                ects=ects,
                completed_on=timezone.localdate(),
                decided_by=actor,
            )
    except IntegrityError as error:  # a current decision exists (a concurrent click)
        raise ValidationError(ALREADY, code="decided") from error
    log_action(
        "assessments.completed",
        actor=actor,
        target=participation,
        data={"completion": completion.pk, "rule_met": rule_met, "reason": reason, "bulk": bulk},
        after={"ects": str(ects)},
    )
    _mail(completion)
    return completion


def decide_completion(participation, *, actor, reason: str = "") -> Completion:
    """Record that ``participation`` completed the programme, with the ECTS reached; queue the
    participant's mail. Against the rule only with a reason (ValidationError on ``reason``)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        current = standing(participation)
        if current.completion is not None:
            raise ValidationError(ALREADY, code="decided")
        met = current.judgement.result.met
        if not met and not reason:
            raise ValidationError(
                {
                    "reason": _(
                        "Die Abschlussregel ist nicht erfüllt: Bitte begründen Sie die "
                        "Entscheidung."
                    )
                }
            )
        return _create(
            participation,
            actor=actor,
            rule_met=met,
            ects=current.judgement.result.ects,
            reason=reason,
            bulk=False,
        )


def decide_completions(cohort, *, actor) -> int:
    """Record "completed" for everyone in ``cohort`` who meets the rule and has no current
    decision (one audit row and one mail each); return how many."""
    with transaction.atomic():
        due = [s for s in standings(cohort, sentences=False) if s.verdict == Verdict.MET]
        for s in due:
            _create(
                s.participation,
                actor=actor,
                rule_met=True,
                ects=s.judgement.result.ects,
                reason="",
                bulk=True,
            )
    return len(due)


def withdraw_completion(completion: Completion, *, actor, reason: str) -> Completion:
    """Withdraw a current decision (the row stays, with who, when and why)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Bitte nennen Sie den Grund der Rücknahme.")})
    now = timezone.now()
    # A certificate rests on this decision: it must be revoked first (credentials, with its own
    # reason), or the verification page would call it valid with no decision behind it.
    if completion.certificates.filter(status="valid").exists():
        raise ValidationError(
            {
                "reason": _(
                    "Auf dieser Entscheidung beruht ein gültiges Zertifikat. Bitte widerrufen "
                    "Sie zuerst das Zertifikat; dann lässt sich die Entscheidung zurücknehmen."
                )
            }
        )
    with transaction.atomic():
        changed = Completion.objects.filter(pk=completion.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_reason=reason, withdrawn_by=actor
        )
        if not changed:
            raise ValidationError(_("Diese Entscheidung ist bereits zurückgenommen."))
        completion.withdrawn_at, completion.withdrawn_reason = now, reason
        completion.withdrawn_by = actor
        log_action(
            "assessments.completion_withdrawn",
            actor=actor,
            target=completion.participation,
            data={"completion": completion.pk, "reason": reason},
            before={"status": "completed"},
            after={"status": "withdrawn"},
        )
    return completion
