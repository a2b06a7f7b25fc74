"""What follows the reviews: locks, the optimiser's proposals, the chair's decisions and the
offers."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kohorte.admissions.models import Application
from kohorte.catalog.models import Cohort


class Lock(models.Model):
    """The committee puts an applicant in or out of the optimiser's cohort, with a reason."""

    class Kind(models.TextChoices):
        IN = "in", _("gesetzt")
        OUT = "out", _("ausgeschlossen")

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="lock")
    kind = models.CharField(_("Festlegung"), max_length=5, choices=Kind.choices)
    reason = models.CharField(_("Begründung"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Festlegung")
        verbose_name_plural = _("Festlegungen")

    def __str__(self):
        return f"{self.application_id}: {self.kind}"


class Proposal(models.Model):
    """One run of the optimiser: its inputs and outputs together (the export format)."""

    class State(models.TextChoices):
        SOLVED = "solved", _("gelöst, Erklärungen folgen")
        EXPLAINED = "explained", _("gelöst und erklärt")
        INFEASIBLE = "infeasible", _("nicht lösbar")

    # A proposal is created solved or infeasible; only services.set_proposal_state moves it.
    TRANSITIONS = {
        State.SOLVED: {State.EXPLAINED},
        State.EXPLAINED: set(),
        State.INFEASIBLE: set(),
    }

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="proposals")
    state = models.CharField(max_length=20, choices=State.choices)
    seed = models.PositiveIntegerField(_("Startwert der Losziehung"))
    data = models.JSONField(
        default=dict
    )  # {"cohort", "seats", "constraints", "applicants", "result"}
    progress = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Vorschlag")
        verbose_name_plural = _("Vorschläge")
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"

    def __str__(self):
        return f"{self.cohort} – {self.created_at:%Y-%m-%d %H:%M}"

    @classmethod
    def current(cls, cohort):
        """The newest proposal of the cohort: the one that stands."""
        return cls.objects.filter(cohort=cohort).order_by("-created_at", "-id").first()


class DecisionQuerySet(models.QuerySet):
    def departures(self, cohort):
        """Decisions in force that differ from the proposal's suggestion, or were taken with
        fewer reviews than the cohort requires (even when they follow the proposal)."""
        differs = ~Q(proposed="") & ~Q(outcome=models.F("proposed"))
        return self.filter(
            differs | Q(too_few_reviews=True), application__cohort=cohort, is_current=True
        ).select_related("application", "decided_by")


class Decision(models.Model):
    """The chair's decision on one application. The newest row is the one in force."""

    class Outcome(models.TextChoices):
        ADMIT = "admit", _("Zusage")
        WAITLIST = "waitlist", _("Warteliste")
        REJECT = "reject", _("Absage")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(_("Entscheidung"), max_length=10, choices=Outcome.choices)
    proposed = models.CharField(_("Vorschlag"), max_length=10, choices=Outcome.choices, blank=True)
    reason = models.TextField(_("Begründung"), blank=True)
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    is_current = models.BooleanField(default=True)
    # the submitted reviews when deciding, and whether they were fewer than the cohort requires
    # (SelectionSettings.reviews_per_application): such a decision counts as a departure
    review_count = models.PositiveSmallIntegerField(_("Gutachten bei der Entscheidung"), null=True)
    too_few_reviews = models.BooleanField(_("mit zu wenigen Gutachten entschieden"), default=False)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Entscheidung")
        verbose_name_plural = _("Entscheidungen")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(is_current=True),
                name="decision_one_current",
            ),
        ]

    def __str__(self):
        return f"{self.application_id}: {self.outcome}"

    @property
    def departs(self) -> bool:
        return (bool(self.proposed) and self.proposed != self.outcome) or self.too_few_reviews


class Offer(models.Model):
    """A place offered to an admitted applicant, to accept or decline by a deadline."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Angebot offen")
        ACCEPTED = "accepted", _("angenommen")
        DECLINED = "declined", _("abgelehnt")
        EXPIRED = "expired", _("Frist abgelaufen")
        WITHDRAWN = "withdrawn", _("zurückgenommen")

    # Only services.set_offer_status moves an offer; an answered or closed offer stays so.
    TRANSITIONS = {
        Status.PENDING: {Status.ACCEPTED, Status.DECLINED, Status.EXPIRED, Status.WITHDRAWN},
        Status.ACCEPTED: set(),
        Status.DECLINED: set(),
        Status.EXPIRED: set(),
        Status.WITHDRAWN: set(),
    }

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="offers")
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    respond_by = models.DateTimeField(_("Frist"))
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(_("beantwortet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["pending", "accepted"]),
                name="offer_one_open_per_application",
            ),
        ]

    def __str__(self):
        return f"{self.application_id}: {self.status}"
