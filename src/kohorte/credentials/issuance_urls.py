from django.urls import path

from kohorte.credentials import issuance_views

app_name = "credentials_staff"

urlpatterns = [
    path("verwaltung/zertifikate/<int:cohort_id>/", issuance_views.cohort, name="cohort"),
    path(
        "verwaltung/zertifikate/<int:cohort_id>/fortschritt/",
        issuance_views.progress,
        name="progress",
    ),
    path(
        "verwaltung/zertifikate/<int:cohort_id>/zip/<int:batch_id>/",
        issuance_views.batch_zip,
        name="zip",
    ),
]
