from django.contrib import admin
from modeltranslation.admin import TranslationTabularInline

from kohorte.selection import models, services


class CriterionInline(TranslationTabularInline):
    model = models.Criterion
    extra = 0


class ConflictRuleInline(admin.TabularInline):
    model = models.ConflictRule
    extra = 0


@admin.register(models.SelectionSettings)
class SelectionSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "cohort",
        "reviews_per_application",
        "blind_review",
        "show_other_reviews",
        "freeze_after_seeing_others",
    ]
    readonly_fields = ["assignment_seed"]

    def save_model(self, request, obj, form, change):
        services.save_settings(obj, actor=request.user)


@admin.register(models.CommitteeMember)
class CommitteeMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "cohort", "is_chair", "reviews", "capacity", "left_at"]
    list_filter = ["cohort", "is_chair"]
    autocomplete_fields = ["user"]

    # A seat grants roles (accounts.Membership): the services keep both in step, with an
    # audit row; removing a seat here removes its roles too.
    def save_model(self, request, obj, form, change):
        services.save_committee_member(obj, actor=request.user)

    def delete_model(self, request, obj):
        services.remove_committee_member(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for member in queryset.select_related("cohort", "user"):
            services.remove_committee_member(member, actor=request.user)


@admin.register(models.Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["label", "cohort", "weight", "position"]
    list_filter = ["cohort"]


@admin.register(models.Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["reviewer", "application", "source", "reason", "created_at"]
    list_filter = ["source"]
    raw_id_fields = ["application"]


@admin.register(models.ConflictRule)
class ConflictRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "cohort", "active"]
    list_filter = ["cohort"]
