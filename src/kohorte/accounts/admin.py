"""Accounts and roles in the admin.

Only superusers change privileges (staff and superuser flags, groups, permissions), e-mail
addresses, passwords and roles. For everyone else those fields are read-only and the views
that would change them answer 403; the programme-team group does not hold the permissions
either (``accounts.services.STAFF_ACCOUNT_PERMISSIONS``). Role and privilege changes go through
``accounts.services`` and leave an audit row.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kohorte.accounts import services
from kohorte.accounts.models import Membership, PrivacyConsent, User

# Changing any of these lets a person take over an account or widen their own rights.
PRIVILEGED_FIELDS = ["email", "is_staff", "is_superuser", "groups", "user_permissions"]


def _is_superuser(request) -> bool:
    return request.user.is_active and request.user.is_superuser


class SuperuserWritesOnly:
    """Add, change and delete for superusers only; others may at most view."""

    def has_add_permission(self, request, *args):
        return _is_superuser(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return _is_superuser(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_superuser(request) and super().has_delete_permission(request, obj)


class MembershipInline(SuperuserWritesOnly, admin.TabularInline):
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


class PasswordChangeForm(AdminPasswordChangeForm):
    """Django's form with its one untranslatable warning (an English literal) in German."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        if "usable_password" in self.fields:
            self.fields["usable_password"].help_text = format_lazy(
                '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
                SetUnusablePasswordMixin.usable_password_help_text,
                _("Ist dies deaktiviert, geht das bisherige Passwort dieses Kontos verloren."),
            )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    change_password_form = PasswordChangeForm
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

    # --- Who may do what ----------------------------------------------------------------
    def has_add_permission(self, request):
        # A new account comes with a password chosen by someone else: superusers only.
        return _is_superuser(request) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return _is_superuser(request) and super().has_delete_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if _is_superuser(request) or obj is None or obj.pk == request.user.pk:
            return True
        # Staff may correct the names of applicants, reviewers and lecturers, never touch
        # another staff or superuser account.
        return not (obj.is_staff or obj.is_superuser)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or _is_superuser(request):
            return fieldsets
        # The password field only links to the password form, which is for superusers.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not _is_superuser(request):
            readonly += [*PRIVILEGED_FIELDS, "last_login", "date_joined"]
        return readonly

    # --- Writes: audited ----------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        request._kohorte_privileges_before = services.privileges(obj) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.record_privileges_changed(
            form.instance,
            before=getattr(request, "_kohorte_privileges_before", {}),
            actor=request.user,
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        touched = formset.new_objects or formset.changed_objects or formset.deleted_objects
        if not touched:
            return None
        if not _is_superuser(request):
            # The inline is read-only for staff, so a form never gets here; a forged one doesn't.
            raise PermissionDenied
        for membership in formset.deleted_objects:
            services.revoke_role(membership, actor=request.user)
        for membership, _changed in formset.changed_objects:
            services.change_role(
                membership,
                role=membership.role,
                cohort=membership.cohort,
                program=membership.program,
                actor=request.user,
            )
        for membership in formset.new_objects:
            services.grant_membership(membership, actor=request.user)
        return None

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password is taking over the account: superusers only, audited.
        if not _is_superuser(request):
            raise PermissionDenied
        with transaction.atomic():
            user = self.get_object(request, unquote(id))
            before = user.password if user else None
            response = super().user_change_password(request, id, form_url)
            if user is not None and request.method == "POST":
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    services.record_password_set(user, actor=request.user)
            return response


@admin.register(Membership)
class MembershipAdmin(SuperuserWritesOnly, admin.ModelAdmin):
    list_display = ["user", "role", "program", "cohort", "created_at"]
    list_filter = ["role", "program", "cohort"]
    search_fields = ["user__email", "user__last_name"]
    list_select_related = ["user", "program", "cohort"]
    autocomplete_fields = ["user", "program", "cohort"]

    def save_model(self, request, obj, form, change):
        if change:
            services.change_role(
                obj, role=obj.role, cohort=obj.cohort, program=obj.program, actor=request.user
            )
        else:
            services.grant_membership(obj, actor=request.user)

    def delete_model(self, request, obj):
        services.revoke_role(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user"):
            services.revoke_role(membership, actor=request.user)
