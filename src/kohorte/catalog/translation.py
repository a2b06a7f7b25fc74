"""Fields that exist in German and English. django-modeltranslation adds ``<field>_de`` and
``<field>_en`` columns; reading ``<field>`` gives the active language, falling back to German."""

from modeltranslation.translator import TranslationOptions, register

from kohorte.catalog import models


@register(models.Program)
class ProgramTranslation(TranslationOptions):
    fields = (
        "title",
        "kind",
        "tagline",
        "description",
        "target_group",
        "prerequisites",
        "teaching_languages",
        "structure",
        "fee_note",
        "credit_transfer",
        "selection_process",
        "contact_note",
    )


@register(models.LearningOutcome)
class LearningOutcomeTranslation(TranslationOptions):
    fields = ("text",)


@register(models.Highlight)
class HighlightTranslation(TranslationOptions):
    fields = ("title", "text")


@register(models.FAQ)
class FAQTranslation(TranslationOptions):
    fields = ("question", "answer")


@register(models.Cohort)
class CohortTranslation(TranslationOptions):
    fields = ("name", "venues")


@register(models.Location)
class LocationTranslation(TranslationOptions):
    fields = ("name", "access_notes", "travel_notes")


@register(models.Person)
class PersonTranslation(TranslationOptions):
    fields = ("affiliation", "bio")


@register(models.Module)
class ModuleTranslation(TranslationOptions):
    fields = ("title", "short_description", "learning_outcomes")


@register(models.ModuleRun)
class ModuleRunTranslation(TranslationOptions):
    fields = ("note",)


@register(models.Session)
class SessionTranslation(TranslationOptions):
    fields = ("title",)


@register(models.Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "description")


@register(models.RequiredDocument)
class RequiredDocumentTranslation(TranslationOptions):
    fields = ("description",)


@register(models.Assumption)
class AssumptionTranslation(TranslationOptions):
    fields = ("note",)
