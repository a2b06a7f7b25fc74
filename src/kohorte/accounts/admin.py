from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from kohorte.accounts.models import Membership, PrivacyConsent, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["program", "cohort"]


class PrivacyConsentInline(admin.TabularInline):
    model = PrivacyConsent
    extra = 0
    readonly_fields = ["version", "accepted_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "preferred_language",
        "is_staff",
        "is_active",
    ]
    list_filter = [
        "is_staff",
        "is_superuser",
        "is_active",
        "preferred_language",
        "memberships__role",
    ]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline, PrivacyConsentInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "preferred_language"]}),
        (
            _("Berechtigungen"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Daten"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "program", "cohort", "created_at"]
    list_filter = ["role", "program", "cohort"]
    search_fields = ["user__email", "user__last_name"]
    list_select_related = ["user", "program", "cohort"]
    autocomplete_fields = ["user", "program", "cohort"]
