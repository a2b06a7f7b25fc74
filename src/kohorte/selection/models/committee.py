"""The committee's set-up: settings, the rubric, the members and their conflicts."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
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
    # the optimiser's rules (see engine/cohort/); empty: no bound
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
