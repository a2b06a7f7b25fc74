"""The committee member's pages: my assignments, one application at a time, my export.

Every page here is reached through an assignment of the person asking; a conflict removes the
assignment, so a reviewer cannot open, by URL or otherwise, an application they conflict with.
Templates get the blind view (blind.py), never the Application."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohorte.admissions.models import Document
from kohorte.catalog.models import Cohort
from kohorte.core import tables
from kohorte.core.forms import add_errors
from kohorte.core.uploads import private_file_response
from kohorte.selection import access, services
from kohorte.selection.access import member_view
from kohorte.selection.blind import application_view
from kohorte.selection.forms import ConflictForm, DeclareForm, ReviewForm
from kohorte.selection.models import Assignment, Review, SelectionSettings


def _cohort(request, cohort_id) -> Cohort:
    return access.get_cohort_for_reviewer(request.user, cohort_id)


def _mine(request, cohort):
    return access.assignments_of_reviewer(request.user, cohort)


def _assignment(request, cohort, pk) -> Assignment:
    return access.get_assignment_for_reviewer(request.user, cohort, pk)


@member_view
def home(request):
    cohorts = (
        Cohort.objects.filter(
            memberships__user=request.user, memberships__role__in=["reviewer", "chair"]
        )
        .select_related("program")
        .annotate(
            review_deadline=F("selection_settings__review_deadline"),
            assigned=Count(
                "applications__assignments",
                filter=Q(applications__assignments__reviewer=request.user),
                distinct=True,
            ),
        )
        .distinct()
    )
    return render(request, "selection/reviewer_home.html", {"cohorts": cohorts})


@member_view
def assignments(request, cohort_id):
    cohort = _cohort(request, cohort_id)
    member = access.get_member_for_reviewer(request.user, cohort)
    declare_form = DeclareForm(
        request.POST or None,
        initial={"authorities": member.declared_authorities if member else ""},
    )
    if request.method == "POST" and member and declare_form.is_valid():
        services.declare_authorities(
            member, declare_form.cleaned_data["authorities"], actor=request.user
        )
        # the same answer whatever was found: a count would tell a blind reviewer which
        # authorities applications come from
        messages.success(
            request,
            _(
                "Ihre Angaben sind gespeichert. Bewerbungen aus diesen Behörden werden Ihnen "
                "nicht zugeteilt."
            ),
        )
        return redirect("selection:reviewer_home", cohort_id=cohort.pk)
    mine = list(_mine(request, cohort))
    done = sum(1 for a in mine if getattr(a, "review", None) and a.review.submitted_at)
    return render(
        request,
        "selection/reviewer_assignments.html",
        {
            "cohort": cohort,
            "assignments": mine,
            "done": done,
            "total": len(mine),
            "declare_form": declare_form if member else None,
            "deadline": SelectionSettings.for_cohort(cohort).review_deadline,
        },
    )


def _next_open(request, cohort, after: Assignment):
    open_ = _mine(request, cohort).filter(
        Q(review__isnull=True) | Q(review__submitted_at__isnull=True)
    )
    return open_.filter(pk__gt=after.pk).first() or open_.exclude(pk=after.pk).first()


@member_view
def review(request, cohort_id, pk):
    cohort = _cohort(request, cohort_id)
    assignment = _assignment(request, cohort, pk)
    settings_ = SelectionSettings.for_cohort(cohort)
    criteria = list(cohort.criteria.all())
    existing = Review.objects.filter(assignment=assignment).first()
    if request.method == "POST":
        form = ReviewForm(request.POST, criteria=criteria)
        submit = "submit" in request.POST
        if form.is_valid():
            try:
                services.save_review(
                    assignment, form.cleaned_data, submit=submit, actor=request.user
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                if submit:
                    messages.success(
                        request,
                        _("Das Gutachten zu %(code)s ist abgegeben.") % {"code": assignment.code},
                    )
                    nxt = _next_open(request, cohort, assignment)
                    if nxt:
                        return redirect("selection:review", cohort_id=cohort.pk, pk=nxt.pk)
                    return redirect("selection:reviewer_home", cohort_id=cohort.pk)
                messages.success(request, _("Der Entwurf ist gespeichert."))
                return redirect("selection:review", cohort_id=cohort.pk, pk=assignment.pk)
    else:
        initial = {}
        if existing:
            initial = {"comment": existing.comment, "confidence": existing.confidence}
            for s in existing.scores.all():
                initial[f"score_{s.criterion_id}"] = s.value
                initial[f"comment_{s.criterion_id}"] = s.comment
        form = ReviewForm(initial=initial, criteria=criteria)
    submitted = bool(existing and existing.submitted_at)
    frozen = submitted and services.review_frozen(assignment, settings_)
    others = []
    if submitted and settings_.show_other_reviews:
        others = list(
            Review.objects.filter(
                assignment__application=assignment.application, submitted_at__isnull=False
            )
            .exclude(assignment=assignment)
            .prefetch_related("scores__criterion")
            .order_by("pk")
        )
    mine = list(_mine(request, cohort).values_list("pk", flat=True))
    position = mine.index(assignment.pk) + 1
    return render(
        request,
        "selection/review.html",
        {
            "cohort": cohort,
            "assignment": assignment,
            "view": application_view(assignment, settings_),
            "form": form,
            "submitted": submitted,
            "frozen": frozen,
            "own": existing if frozen else None,
            "freezes": settings_.freeze_after_seeing_others and settings_.show_other_reviews,
            "others": others,
            "position": position,
            "total": len(mine),
            "conflict_form": ConflictForm(),
            "deadline": settings_.review_deadline,
        },
    )


@member_view
def document(request, cohort_id, pk, document_pk):
    cohort = _cohort(request, cohort_id)
    assignment = _assignment(request, cohort, pk)
    view = application_view(assignment, SelectionSettings.for_cohort(cohort))
    shown = {d_pk: name for d_pk, _label, name in view.documents}
    if document_pk not in shown:
        raise Http404
    doc = get_object_or_404(Document, pk=document_pk, application=assignment.application)
    # ?herunterladen=1: the same file as a download (phones get no frame, see site.css)
    download = request.GET.get("herunterladen") == "1"
    response = private_file_response(doc.storage_name, shown[document_pk], inline=not download)
    # shown in a frame beside the review form, on this site only; sandboxed like every other
    # inline file, so that nothing in it runs with this site's origin
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; frame-ancestors 'self'"
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@member_view
@require_POST
def declare_conflict(request, cohort_id, pk):
    cohort = _cohort(request, cohort_id)
    assignment = _assignment(request, cohort, pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte nennen Sie kurz den Grund der Befangenheit."))
        return redirect("selection:review", cohort_id=cohort.pk, pk=assignment.pk)
    code = assignment.code
    try:
        services.declare_conflict(assignment, form.cleaned_data["reason"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("selection:review", cohort_id=cohort.pk, pk=assignment.pk)
    messages.success(
        request,
        _(
            "Ihre Befangenheit bei %(code)s ist vermerkt; die Bewerbung geht an ein anderes Mitglied."
        )
        % {"code": code},
    )
    return redirect("selection:reviewer_home", cohort_id=cohort.pk)


@member_view
def export(request, cohort_id):
    """My reviews as CSV: codes, never names."""
    cohort = _cohort(request, cohort_id)
    criteria = list(cohort.criteria.all())
    columns = [
        _("Bewerbung"),
        *[tables.safe(c.label) for c in criteria],  # staff write the labels: neutralised too
        _("gewichtete Note"),
        _("Sicherheit"),
        _("abgegeben"),
    ]
    rows = []
    for a in _mine(request, cohort).prefetch_related("review__scores"):
        review = getattr(a, "review", None)
        values = {s.criterion_id: s.value for s in review.scores.all()} if review else {}
        cells = [
            a.code,
            *[values.get(c.pk) or "" for c in criteria],
            review.total if review and review.total is not None else "",
            review.get_confidence_display() if review and review.confidence else "",
            review.submitted_at.isoformat() if review and review.submitted_at else "",
        ]
        rows.append(dict(zip(columns, cells, strict=True)))
    # core/tables.py: the same CSV as every other download, spreadsheet formulas neutralised
    return tables.response(rows, columns, "csv", f"gutachten-{cohort.slug}", _("Gutachten"))
