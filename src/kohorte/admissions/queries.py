"""Reads for the staff view: one query for the page, whatever the number of rows."""

from django.db.models import OuterRef, Q, Subquery

from kohorte.admissions.models import Application, RefereeRequest

SORTS = {
    "name": ["last_name", "first_name", "id"],
    "-submitted": ["-submitted_at", "id"],
    "submitted": ["submitted_at", "id"],
    "-leadership": ["-leadership_level", "last_name", "id"],
    "-updated": ["-updated_at", "id"],
}


def staff_applications(cohort, filters: dict):
    latest_referee = (
        RefereeRequest.objects.filter(application=OuterRef("pk"))
        .exclude(status=RefereeRequest.Status.REPLACED)
        .order_by("-created_at")
    )
    queryset = (
        Application.objects.filter(cohort=cohort)
        # the team's own accounts (staff, committee, lecturers) are never applications
        .exclude(Q(applicant__is_staff=True) | Q(applicant__memberships__isnull=False))
        .select_related("applicant")
        .annotate(referee_status=Subquery(latest_referee.values("status")[:1]))
    )
    for field in ("status", "federal_level", "authority_kind", "leadership_level"):
        if filters.get(field) not in (None, ""):
            queryset = queryset.filter(**{field: filters[field]})
    for field in ("is_complete", "is_eligible"):
        if filters.get(field) in ("yes", "no"):
            queryset = queryset.filter(**{field: filters[field] == "yes"})
    if referee := filters.get("referee"):
        queryset = (
            queryset.filter(referee_status__isnull=True)
            if referee == "none"
            else queryset.filter(referee_status=referee)
        )
    if q := (filters.get("q") or "").strip():
        queryset = queryset.filter(
            Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(authority__icontains=q)
            | Q(applicant__email__icontains=q)
        )
    return queryset.order_by(*SORTS.get(filters.get("sort") or "", SORTS["-updated"]))


def own_application(user):
    """The person's application to show first: a running one (draft or submitted) before a
    withdrawn one, the newest first. None if they never applied."""
    from django.db.models import Case, IntegerField, Value, When

    return (
        Application.objects.filter(applicant=user)
        .select_related("cohort__program")
        .annotate(
            withdrawn=Case(
                When(status=Application.Status.WITHDRAWN, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("withdrawn", "-created_at")
        .first()
    )
