"""Interim staff access to applications through the admin (read-mostly), until the staff view
of the application-portal issue exists."""

from django.contrib import admin

from kohorte.admissions.models import (
    Application,
    CohortSettings,
    Document,
    EligibilityRule,
    RefereeRequest,
)


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    fields = [
        "kind",
        "original_name",
        "pages",
        "size",
        "sha256",
        "source",
        "is_current",
        "uploaded_at",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class RefereeRequestInline(admin.TabularInline):
    model = RefereeRequest
    extra = 0
    fields = ["name", "role", "authority", "email", "status", "expires_at", "received_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "cohort",
        "status",
        "federal_level",
        "authority_kind",
        "leadership_level",
        "submitted_at",
    ]
    list_filter = ["cohort", "status", "federal_level", "authority_kind", "leadership_level"]
    search_fields = ["first_name", "last_name", "authority", "applicant__email"]
    list_select_related = ["cohort", "applicant"]
    readonly_fields = [
        "status",
        "submitted_at",
        "withdrawn_at",
        "eligibility_problems",
        "applicant",
        "cohort",
    ]
    inlines = [DocumentInline, RefereeRequestInline]


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cohort"]
    list_filter = ["cohort"]


@admin.register(CohortSettings)
class CohortSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "cohort",
        "draft_reminder_days",
        "referee_reminder_days",
        "applicant_sees_letter",
    ]
