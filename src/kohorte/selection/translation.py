from modeltranslation.translator import TranslationOptions, register

from kohorte.selection import models


@register(models.Criterion)
class CriterionTranslation(TranslationOptions):
    fields = ("label", "description", "anchor_1", "anchor_2", "anchor_3", "anchor_4", "anchor_5")
