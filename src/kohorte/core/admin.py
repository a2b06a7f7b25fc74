from django.contrib import admin
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from kohorte.core.models import AuditLog
from kohorte.core.templatetags.labels import action_label


class ActionFilter(admin.SimpleListFilter):
    """The filter by action lists the German words the history pages use, not the codes."""

    title = _("Aktion")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes = AuditLog.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((code, action_label(code)) for code in codes), key=lambda c: c[1])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(action=self.value())
        return queryset


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: the audit log is written by services, never edited."""

    list_display = ["when", "actor", "what", "object_repr"]
    list_filter = [ActionFilter]
    search_fields = ["action", "object_repr", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]
    fields = ["when", "actor", "what", "action", "object_repr", "data"]
    readonly_fields = ["when", "actor", "what", "action", "object_repr", "data"]

    @admin.display(description=_("Zeitpunkt"), ordering="created_at")
    def when(self, obj: AuditLog) -> str:
        return date_format(localtime(obj.created_at), "DATETIME_FORMAT")

    @admin.display(description=_("Aktion"), ordering="action")
    def what(self, obj: AuditLog) -> str:
        return action_label(obj.action)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
