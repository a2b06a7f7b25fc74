"""The selection committee: rubric, committee, conflicts, assignments, reviews, the
optimiser's proposals, the chair's decisions and the offers.

Flow: Application ─< Assignment ─ Review ─< Score → calibrated scores (engine) → Proposal
→ Decision (by a person, with a reason) → Offer (deadline) → accepted | declined → the next one
from the replacement table, confirmed by staff.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kohorte.admissions.models import Application
from kohorte.catalog.models import Cohort

SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class BlindField(models.TextChoices):
    NAME = "name", _("Name")
    GENDER = "gender", _("Geschlecht")
    AUTHORITY = "authority", _("Name der Behörde und der Einheit")
    CONTACT = "contact", _("E-Mail-Adresse und Telefon")
    REFEREE = "referee", _("Name und Behörde der Empfehlenden")


class SelectionSettings(models.Model):
    """How a cohort's selection runs. One row per cohort (``setup_cohort`` creates it; the
    services that change it create it when missing); reading never writes."""

    cohort = models.OneToOneField(
        Cohort, on_delete=models.CASCADE, related_name="selection_settings"
    )
    reviews_per_application = models.PositiveSmallIntegerField(
        _("Gutachten je Bewerbung"), default=3, validators=[MinValueValidator(1)]
    )
    blind_review = models.BooleanField(_("anonymisierte Begutachtung"), default=False)
    blind_fields = models.JSONField(
        _("verborgene Angaben"),
        default=list,
        blank=True,
        help_text=_("Welche Angaben Gutachter:innen nicht sehen, wenn anonymisiert wird."),
    )
    show_other_reviews = models.BooleanField(
        _("andere Gutachten nach Abgabe des eigenen zeigen"), default=True
    )
    freeze_after_seeing_others = models.BooleanField(
        _("Gutachten nach Einsicht in die anderen nicht mehr änderbar"),
        default=False,
        help_text=_(
            "Sobald ein Mitglied die anderen Gutachten zu einer Bewerbung sehen kann, lässt sich "
            "sein eigenes nicht mehr ändern. Ohne diese Einstellung bleibt es änderbar; jede "
            "Änderung wird mit alter und neuer Note protokolliert."
        ),
    )
    disagreement_threshold = models.DecimalField(
        _("Uneinigkeit ab (Punkte Abstand)"), max_digits=3, decimal_places=1, default=1.5
    )
    shrinkage = models.DecimalField(
        _("Dämpfung der Gutachter-Abweichung"), max_digits=4, decimal_places=2, default=1
    )
    offer_days = models.PositiveSmallIntegerField(
        _("Tage für die Annahme eines Angebots"), default=14
    )
    review_deadline = models.DateTimeField(
        _("Gutachten bis"),
        null=True,
        blank=True,
        help_text=_("Wird den Mitgliedern der Kommission auf ihren Seiten angezeigt."),
    )
    assignment_seed = models.PositiveIntegerField(_("Startwert der letzten Zuteilung"), null=True)
    # the optimiser's rules (see engine/cohort.py); empty: no bound
    seats = models.PositiveSmallIntegerField(
        _("Plätze für den Vorschlag"),
        null=True,
        blank=True,
        help_text=_("Leer: Plätze des Jahrgangs."),
    )
    level_min = models.JSONField(_("mindestens je Ebene"), default=dict, blank=True)
    level_max = models.JSONField(_("höchstens je Ebene"), default=dict, blank=True)
    max_per_authority = models.PositiveSmallIntegerField(
        _("höchstens je Behörde"), null=True, blank=True
    )
    gender_min = models.JSONField(_("mindestens je Geschlecht"), default=dict, blank=True)
    gender_max = models.JSONField(_("höchstens je Geschlecht"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Einstellungen der Auswahl")
        verbose_name_plural = _("Einstellungen der Auswahl")

    def __str__(self):
        return str(self.cohort)

    @classmethod
    def for_cohort(cls, cohort) -> "SelectionSettings":
        """The cohort's settings to read: the stored row, or the defaults (unsaved) if there is
        none yet. Writes go through services (``committee.settings_to_change``)."""
        return cls.objects.filter(cohort=cohort).first() or cls(cohort=cohort)

    def hidden(self) -> set[str]:
        return set(self.blind_fields) if self.blind_review else set()


class Criterion(models.Model):
    """One line of the rubric: a 1–5 scale with an anchor text for each point, and a weight."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    key = models.SlugField(_("Kürzel"), max_length=40)
    label = models.CharField(_("Kriterium"), max_length=200)
    description = models.TextField(_("Erläuterung"), blank=True)
    weight = models.DecimalField(
        _("Gewicht"), max_digits=4, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    anchor_1 = models.CharField(_("1 Punkt bedeutet"), max_length=300)
    anchor_2 = models.CharField(_("2 Punkte bedeuten"), max_length=300)
    anchor_3 = models.CharField(_("3 Punkte bedeuten"), max_length=300)
    anchor_4 = models.CharField(_("4 Punkte bedeuten"), max_length=300)
    anchor_5 = models.CharField(_("5 Punkte bedeuten"), max_length=300)

    class Meta:
        verbose_name = _("Kriterium")
        verbose_name_plural = _("Kriterien")
        ordering = ["cohort", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "key"], name="criterion_unique_key"),
        ]

    def __str__(self):
        return self.label

    def anchors(self) -> list[tuple[int, str]]:
        return [(p, getattr(self, f"anchor_{p}")) for p in range(1, 6)]


class CommitteeMember(models.Model):
    """A reviewer (or the chair) of one cohort's committee, with what the assignment needs."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="committee")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="committee_seats"
    )
    is_chair = models.BooleanField(_("Vorsitz"), default=False)
    reviews = models.BooleanField(_("begutachtet"), default=True)
    capacity = models.PositiveSmallIntegerField(
        _("Kapazität (Gewicht der Zuteilung)"),
        null=True,
        blank=True,
        help_text=_("Leer: gleich viele Gutachten wie alle anderen."),
    )
    authority = models.CharField(
        _("eigene Behörde"),
        max_length=300,
        blank=True,
        help_text=_("Für die Regel „gleiche Behörde“ bei Befangenheit."),
    )
    declared_authorities = models.TextField(
        _("weitere Behörden, bei denen Befangenheit besteht"),
        blank=True,
        help_text=_("Eine je Zeile, zum Beispiel frühere Dienststellen."),
    )
    left_at = models.DateTimeField(_("ausgeschieden am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Mitglied der Auswahlkommission")
        verbose_name_plural = _("Auswahlkommission")
        ordering = ["cohort", "-is_chair", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="committee_unique_member"),
        ]

    def __str__(self):
        return str(self.user)


class ConflictRule(models.Model):
    """A rule that detects a conflict of interest (data, per cohort)."""

    class Kind(models.TextChoices):
        SAME_AUTHORITY = "same_authority", _("gleiche Behörde wie die Bewerberin / der Bewerber")
        DECLARED_AUTHORITY = "declared_authority", _("Behörde, die das Mitglied angegeben hat")
        SAME_EMAIL_DOMAIN = "same_email_domain", _("gleiche E-Mail-Domain")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="conflict_rules")
    kind = models.CharField(_("Regel"), max_length=30, choices=Kind.choices)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Regel für Befangenheit")
        verbose_name_plural = _("Regeln für Befangenheit")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "kind"], name="conflict_rule_unique"),
        ]

    def __str__(self):
        return self.get_kind_display()


class Conflict(models.Model):
    """A reviewer must not see this application: declared by them, or found by a rule."""

    class Source(models.TextChoices):
        DECLARED = "declared", _("selbst erklärt")
        RULE = "rule", _("durch Regel erkannt")
        STAFF = "staff", _("vom Programmteam eingetragen")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_conflicts"
    )
    source = models.CharField(_("Quelle"), max_length=20, choices=Source.choices)
    reason = models.CharField(_("Grund"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Befangenheit")
        verbose_name_plural = _("Befangenheiten")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="conflict_unique_pair"
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} – {self.application_id}"


class Assignment(models.Model):
    """A reviewer is asked to review an application."""

    class Source(models.TextChoices):
        AUTO = "auto", _("automatisch")
        MANUAL = "manual", _("von Hand")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.AUTO)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Zuteilung")
        verbose_name_plural = _("Zuteilungen")
        ordering = ["application_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="assignment_unique_pair"
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} → {self.application_id}"

    @property
    def code(self) -> str:
        """What a reviewer sees instead of a name: stable, and says nothing about the person."""
        return f"B-{self.pk:04d}"


class Review(models.Model):
    """One reviewer's assessment of one application: a score per criterion, a confidence."""

    class State(models.TextChoices):  # derived from ``submitted_at``, not stored
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("abgegeben")

    # Only services.set_review_state moves a review: a submitted one stays submitted (a
    # revision is audited with the old and new scores).
    TRANSITIONS = {
        State.DRAFT: {State.DRAFT, State.SUBMITTED},
        State.SUBMITTED: {State.SUBMITTED},
    }

    class Confidence(models.IntegerChoices):
        LOW = 1, _("eher unsicher")
        MEDIUM = 2, _("recht sicher")
        HIGH = 3, _("sehr sicher")

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    confidence = models.PositiveSmallIntegerField(
        _("Wie sicher sind Sie?"), choices=Confidence.choices, null=True, blank=True
    )
    comment = models.TextField(_("Gesamteindruck"), blank=True)
    total = models.DecimalField(
        _("gewichtete Note"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("abgegeben am"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Gutachten")
        verbose_name_plural = _("Gutachten")
        constraints = [
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(total__isnull=False),
                name="review_submitted_has_total",
            ),
        ]

    def __str__(self):
        return str(self.assignment)

    @property
    def state(self) -> str:
        return self.State.SUBMITTED if self.submitted_at else self.State.DRAFT


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(_("Punkte"), validators=SCALE, null=True, blank=True)
    comment = models.TextField(_("Begründung"), blank=True)

    class Meta:
        verbose_name = _("Bewertung")
        verbose_name_plural = _("Bewertungen")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_unique"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=5),
                name="score_on_scale",
            ),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.value}"


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
