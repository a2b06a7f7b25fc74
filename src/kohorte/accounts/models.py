from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A person who logs in. The e-mail address is the login."""

    username = None
    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    preferred_language = models.CharField(
        _("bevorzugte Sprache"),
        max_length=5,
        choices=[("de", _("Deutsch")), ("en", _("Englisch"))],
        default="de",
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("Konto")
        verbose_name_plural = _("Konten")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email


class Membership(models.Model):
    """A role a person holds for one program or for one cohort of it."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Programmteam")
        REVIEWER = "reviewer", _("Gutachter:in")
        CHAIR = "chair", _("Vorsitz der Auswahlkommission")
        LECTURER = "lecturer", _("Dozent:in")

    user = models.ForeignKey(
        User, verbose_name=_("Konto"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)
    program = models.ForeignKey(
        "catalog.Program",
        verbose_name=_("Programm"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    cohort = models.ForeignKey(
        "catalog.Cohort",
        verbose_name=_("Jahrgang"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Rolle")
        verbose_name_plural = _("Rollen")
        constraints = [
            models.CheckConstraint(
                condition=(Q(program__isnull=False) & Q(cohort__isnull=True))
                | (Q(program__isnull=True) & Q(cohort__isnull=False)),
                name="membership_program_xor_cohort",
                violation_error_message=_(
                    "Eine Rolle gilt entweder für ein Programm oder für einen Jahrgang."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "program"],
                condition=Q(program__isnull=False),
                name="membership_unique_per_program",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "cohort"],
                condition=Q(cohort__isnull=False),
                name="membership_unique_per_cohort",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.program or self.cohort}"


class PrivacyConsent(models.Model):
    """That a person accepted the privacy notice, and which version of it."""

    user = models.ForeignKey(
        User, verbose_name=_("Konto"), on_delete=models.CASCADE, related_name="privacy_consents"
    )
    version = models.CharField(_("Fassung der Datenschutzerklärung"), max_length=40)
    accepted_at = models.DateTimeField(_("zugestimmt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Zustimmung zur Datenschutzerklärung")
        verbose_name_plural = _("Zustimmungen zur Datenschutzerklärung")
        ordering = ["-accepted_at"]

    def __str__(self):
        return f"{self.user} – {self.version}"
