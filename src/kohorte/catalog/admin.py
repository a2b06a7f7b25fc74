"""The staff's editing surface for the catalogue, in German, with search, filters and inlines.

Values that the brochure does not state are marked: an "Annahmen" inline on each object and a
column in each list, so staff see what still needs confirming.
"""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationGenericTabularInline,
    TranslationStackedInline,
    TranslationTabularInline,
)

from kohorte.catalog import models as m


class AssumptionInline(TranslationGenericTabularInline):
    model = m.Assumption
    extra = 0
    verbose_name = _("Annahme (noch zu bestätigen)")
    verbose_name_plural = _("Annahmen (noch zu bestätigen)")


class AssumptionFlagMixin:
    """A list column that marks rows holding assumed values."""

    @admin.display(description=_("Annahmen"))
    def assumption_flag(self, obj):
        fields = [a.field for a in obj.assumptions.all()]
        if not fields:
            return "–"
        return format_html('<span title="{}">⚠ {}</span>', ", ".join(fields), len(fields))

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("assumptions")


class OrganisationInline(admin.TabularInline):
    model = m.Organisation
    extra = 0


class LearningOutcomeInline(TranslationTabularInline):
    model = m.LearningOutcome
    extra = 0


class HighlightInline(TranslationTabularInline):
    model = m.Highlight
    extra = 0


class FAQInline(TranslationStackedInline):
    model = m.FAQ
    extra = 0


@admin.register(m.Program)
class ProgramAdmin(AssumptionFlagMixin, TranslationAdmin):
    list_display = ["title", "slug", "director", "is_published", "assumption_flag"]
    list_filter = ["is_published"]
    search_fields = ["title_de", "title_en", "slug", "director"]
    prepopulated_fields = {"slug": ["title_de"]}
    inlines = [
        OrganisationInline,
        LearningOutcomeInline,
        HighlightInline,
        FAQInline,
        AssumptionInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "tagline", "is_published"]}),
        (
            _("Inhalt"),
            {
                "fields": [
                    "description",
                    "target_group",
                    "prerequisites",
                    "teaching_languages",
                    "structure",
                    "selection_process",
                ]
            },
        ),
        (
            _("Kosten und Anrechnung"),
            {"fields": ["fee_eur", "fee_note", "credit_transfer", "eqf_level"]},
        ),
        (_("Kontakt"), {"fields": ["director", "contact_email", "contact_note"]}),
    ]


class ModuleRunInline(admin.TabularInline):
    model = m.ModuleRun
    extra = 0
    fields = ["module", "starts_on", "ends_on", "format", "location"]
    autocomplete_fields = ["module", "location"]
    show_change_link = True


class RequiredDocumentInline(TranslationTabularInline):
    model = m.RequiredDocument
    extra = 0


class CompletionRuleInline(admin.StackedInline):
    model = m.CompletionRule
    extra = 0
    max_num = 1
    filter_horizontal = ["required_modules"]


@admin.register(m.Cohort)
class CohortAdmin(AssumptionFlagMixin, TranslationAdmin):
    list_display = [
        "name",
        "program",
        "starts_on",
        "ends_on",
        "seats",
        "status",
        "applications_close_at",
        "assumption_flag",
    ]
    list_filter = ["program", "status"]
    search_fields = ["name_de", "name_en", "slug", "program__title_de"]
    date_hierarchy = "starts_on"
    list_select_related = ["program"]
    inlines = [ModuleRunInline, RequiredDocumentInline, CompletionRuleInline, AssumptionInline]
    fieldsets = [
        (None, {"fields": ["program", "name", "slug", "status", "venues"]}),
        (
            _("Zeitraum und Plätze"),
            {"fields": ["starts_on", "ends_on", "seats", "seats_approximate"]},
        ),
        (
            _("Bewerbung (Berliner Zeit)"),
            {"fields": ["applications_open_at", "applications_close_at", "decision_on"]},
        ),
    ]


@admin.register(m.Module)
class ModuleAdmin(AssumptionFlagMixin, TranslationAdmin):
    list_display = [
        "number",
        "title",
        "program",
        "kind",
        "ects",
        "language",
        "grading",
        "assumption_flag",
    ]
    list_display_links = ["number", "title"]
    list_filter = ["program", "kind", "language", "grading"]
    search_fields = ["title_de", "title_en", "slug"]
    list_select_related = ["program"]
    inlines = [AssumptionInline]


class SessionInline(TranslationTabularInline):
    model = m.Session
    extra = 0


@admin.register(m.ModuleRun)
class ModuleRunAdmin(AssumptionFlagMixin, TranslationAdmin):
    list_display = [
        "module",
        "cohort",
        "starts_on",
        "ends_on",
        "format",
        "location",
        "assumption_flag",
    ]
    list_filter = ["cohort__program", "cohort", "format", "location"]
    search_fields = ["module__title_de", "module__title_en", "cohort__name_de"]
    list_select_related = ["module", "cohort", "location"]
    filter_horizontal = ["lecturers"]
    autocomplete_fields = ["module", "location", "cohort"]
    inlines = [SessionInline, AssumptionInline]


@admin.register(m.Location)
class LocationAdmin(AssumptionFlagMixin, TranslationAdmin):
    list_display = ["name", "city", "street", "assumption_flag"]
    list_filter = ["city"]
    search_fields = ["name_de", "name_en", "city", "street"]
    inlines = [AssumptionInline]


@admin.register(m.Person)
class PersonAdmin(AssumptionFlagMixin, TranslationAdmin):
    list_display = ["last_name", "first_name", "academic_title", "affiliation", "assumption_flag"]
    search_fields = ["last_name", "first_name", "affiliation_de", "slug"]
    raw_id_fields = ["user"]
    inlines = [AssumptionInline]


@admin.register(m.Event)
class EventAdmin(AssumptionFlagMixin, TranslationAdmin):
    list_display = ["title", "kind", "starts_at", "cohort", "format", "assumption_flag"]
    list_filter = ["kind", "program", "cohort", "format"]
    search_fields = ["title_de", "title_en", "description_de"]
    date_hierarchy = "starts_at"
    list_select_related = ["cohort"]
    filter_horizontal = ["speakers"]
    inlines = [AssumptionInline]


@admin.register(m.Assumption)
class AssumptionAdmin(TranslationAdmin):
    """Every assumed value in one list: the checklist of what staff still have to confirm."""

    list_display = ["target_label", "field", "note"]
    list_filter = ["content_type"]
    search_fields = ["note_de", "note_en", "field"]

    @admin.display(description=_("Objekt"))
    def target_label(self, obj):
        return f"{obj.content_type.name}: {obj.target}"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("content_type")
