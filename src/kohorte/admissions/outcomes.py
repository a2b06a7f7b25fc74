"""The decision on an application, as the applicant's portal shows it.

Admissions sits below selection (selection → admissions → catalog → core), so it never imports
selection. Instead selection registers a *decision provider* here in its ``AppConfig.ready()``:
an object (a module will do) with two functions,

- ``decision_status(application) -> DecisionStatus | None``: the decision in force, and only
  once its mail has been released (queued, sending or sent); ``None`` before that;
- ``answer_offer(application, accept: bool, *, actor) -> None``: answer the pending offer, the
  same action as the links in the offer mail (raises ``ValidationError`` with a message for
  the applicant if it cannot be answered).

Without a provider (selection not installed) the portal shows no decision and no offer.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class DecisionStatus:
    outcome: str  # "admit" | "waitlist" | "reject"
    offer_status: str = ""  # "pending" | "accepted" | "declined" | "expired" | "withdrawn"
    respond_by: datetime | None = None
    responded_at: datetime | None = None
    waitlist_position: int | None = None  # shown only if the cohort's settings say so
    answerable: bool = False  # the offer's mail has gone out, so an answer counts

    @property
    def can_answer(self) -> bool:
        return self.outcome == "admit" and self.offer_status == "pending" and self.answerable


class DecisionProvider(Protocol):
    def decision_status(self, application) -> DecisionStatus | None: ...

    def answer_offer(self, application, accept: bool, *, actor) -> None: ...


_provider: DecisionProvider | None = None


def register_decision_provider(provider: DecisionProvider) -> None:
    global _provider
    _provider = provider


def decision_status(application) -> DecisionStatus | None:
    if _provider is None or application.status != application.Status.SUBMITTED:
        return None
    return _provider.decision_status(application)


def answer_offer(application, accept: bool, *, actor) -> None:
    if _provider is None:
        raise ValidationError(_("Dieses Angebot ist nicht mehr offen."))
    _provider.answer_offer(application, accept, actor=actor)
