from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from kohorte.accounts.views import admin_login, resend_confirmation
from kohorte.catalog import views as catalog_views
from kohorte.core import views as core_views

admin.site.site_header = _("Kohorte – Verwaltung")
admin.site.site_title = _("Kohorte")
admin.site.index_title = _("Programmverwaltung")
# Staff log in through allauth (rate limits, MFA later), never through the admin's own form:
# /admin/login/ reads no password, it only redirects (see accounts/views.py).
admin.site.login = admin_login

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path(
        "<slug:program>/jahrgaenge/<slug:cohort>/kalender.ics",
        catalog_views.cohort_calendar,
        name="cohort_calendar",
    ),
    path(
        "<slug:program>/module/<slug:module>/kalender.ics",
        catalog_views.module_calendar,
        name="module_calendar",
    ),
]

urlpatterns += i18n_patterns(
    path("", core_views.home, name="home"),
    path("konto/bestaetigung-erneut/", resend_confirmation, name="account_resend_confirmation"),
    path("konto/", include("allauth.urls")),
    path("impressum/", core_views.imprint, name="imprint"),
    path("datenschutz/", core_views.privacy, name="privacy"),
    path("barrierefreiheit/", core_views.accessibility, name="accessibility"),
    path("", include("kohorte.backoffice.urls")),
    path("", include("kohorte.comms.urls")),
    path("", include("kohorte.admissions.staff_urls")),
    path("", include("kohorte.selection.urls")),
    path("", include("kohorte.admissions.urls")),
    path("", include("kohorte.teaching.staff_urls")),
    path("", include("kohorte.teaching.urls")),
    path("", include("kohorte.events.urls")),
    path("", include("kohorte.assessments.urls")),
    path("", include("kohorte.assessments.progress_urls")),
    path("", include("kohorte.assessments.transcript_urls")),
    # German without a prefix (the CRL address in the issuer certificate, the credential URLs),
    # the verification pages in English under /en/ as well.
    path("", include("kohorte.credentials.urls")),
    path("", include("kohorte.credentials.issuance_urls")),
    path("", include("kohorte.credentials.holder_urls")),
    path("", include("kohorte.assessments.staff_urls")),
    path("<slug:program>/", include("kohorte.catalog.urls")),
    prefix_default_language=False,
)

handler400 = "kohorte.core.views.bad_request"
handler403 = "kohorte.core.views.permission_denied"
handler404 = "kohorte.core.views.page_not_found"
handler500 = "kohorte.core.views.server_error"
