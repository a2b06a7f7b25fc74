"""The chair's and the program team's pages: committee and assignment, ranking, reliability,
the report. The proposal's pages are in staff_proposal.py, decisions and offers in
staff_decisions.py; the helpers shared by all three are here."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohorte.admissions.models import Application
from kohorte.admissions.rules import staff_program_ids
from kohorte.catalog.models import Cohort
from kohorte.core import tables
from kohorte.selection import access, charts, services
from kohorte.selection.access import steer_view
from kohorte.selection.explanations import offset_sentence, rule_label, sentence
from kohorte.selection.forms import (
    AssignForm,
    MoveForm,
    RankingFilter,
    ranking_filter_html,
)
from kohorte.selection.models import (
    Assignment,
    CommitteeMember,
    SelectionSettings,
)
from kohorte.selection.ranking import (
    export_rows,
    filter_rows,
    ranking_page,
    ranking_rows,
    table_rows_html,
)
from kohorte.selection.rules import gender_is_visible
from kohorte.selection.scoring import committee_numbers, committee_reliability
from kohorte.selection.visibility import (
    hidden_applications,
    hidden_notice,
    keys_for_text,
)


def _cohort(request, cohort_id) -> Cohort:
    return access.get_cohort_for_staff(request.user, cohort_id)


def _hidden(request, cohort) -> set[int]:
    """The applications the person asking has a conflict with (visibility.py)."""
    return hidden_applications(request.user, cohort)


def _offset_sentences(numbers, members) -> dict[int, str]:
    """Per member with reviews shared with others: how they score, in one sentence."""
    return {
        m.user_id: offset_sentence(
            str(m.user), numbers.offset[m.user_id], numbers.shared.get(m.user_id, 0)
        )
        for m in members
        if m.user_id in numbers.offset
    }


def _visible_rows(request, cohort):
    """The ranking's rows without the applications the person asking is in conflict with,
    and how many were left out."""
    rows = ranking_rows(cohort, viewer=request.user)
    hidden = _hidden(request, cohort)
    return [r for r in rows if r.pk not in hidden], sum(1 for r in rows if r.pk in hidden)


def _explanation(detail, lock_reason: str = "") -> str:
    """One applicant's sentence from a redacted detail (a hidden one reads "ausgeblendet")."""
    return sentence(
        {**detail, "blocked_by": keys_for_text(detail.get("blocked_by", []))}, lock_reason
    )


def _labels(keys) -> list[str]:
    return [rule_label(k) for k in keys_for_text(keys)]


@steer_view
def cohorts(request):
    programs = staff_program_ids(request.user)
    queryset = Cohort.objects.select_related("program")
    visible = queryset.filter(
        Q(memberships__user=request.user, memberships__role="chair")
        | (Q() if programs is None else Q(program_id__in=programs))
    ).distinct()
    return render(request, "selection/staff_cohorts.html", {"cohorts": visible})


@steer_view
def dashboard(request, cohort_id):
    cohort = _cohort(request, cohort_id)
    if request.method == "POST":
        form = AssignForm(request.POST)
        if form.is_valid():
            plan = services.assign_reviewers(
                cohort,
                actor=request.user,
                seed=form.cleaned_data["seed"],
                keep_open=form.cleaned_data["mode"] == "fill",
            )
            messages.success(
                request,
                _("Zuteilung gespeichert (Startwert %(seed)s).") % {"seed": plan.seed}
                if plan.connected
                else _(
                    "Zuteilung gespeichert. Achtung: Die Kommission zerfällt in %(n)s Gruppen "
                    "ohne gemeinsame Bewerbungen; die Kalibrierung ist dann nur innerhalb der "
                    "Gruppen aussagekräftig."
                )
                % {"n": plan.components},
            )
            return redirect("selection:dashboard", cohort_id=cohort.pk)
    else:
        form = AssignForm()
    settings_ = SelectionSettings.for_cohort(cohort)
    members = list(CommitteeMember.objects.filter(cohort=cohort).select_related("user"))
    loads = {
        row["reviewer"]: row
        for row in Assignment.objects.filter(application__cohort=cohort)
        .values("reviewer")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(review__submitted_at__isnull=False)),
        )
    }
    sentences = _offset_sentences(committee_numbers(cohort), members)
    rows = []
    for m in members:
        load = loads.get(m.user_id, {"total": 0, "done": 0})
        rows.append(
            {
                "member": m,
                "total": load["total"],
                "done": load["done"],
                "sentence": sentences.get(m.user_id, ""),
            }
        )
    hidden = _hidden(request, cohort)
    short = services.precheck(cohort)
    short_apps = Application.objects.filter(pk__in=set(short) - hidden).only(
        "pk", "first_name", "last_name"
    )
    return render(
        request,
        "selection/dashboard.html",
        {
            "cohort": cohort,
            "settings": settings_,
            "rows": rows,
            "form": form,
            "short": [(a, short[a.pk]) for a in short_apps],
            "short_hidden": hidden_notice(len(set(short) & hidden)),
            "reviewable": services.reviewable(cohort).count(),
            "assigned": Assignment.objects.filter(application__cohort=cohort).count(),
        },
    )


@steer_view
@require_POST
def member_leaves(request, cohort_id, member_id):
    cohort = _cohort(request, cohort_id)
    member = access.get_active_member_for_staff(cohort, member_id)
    services.reviewer_leaves(member, actor=request.user)
    messages.success(
        request,
        _("%(name)s ist ausgeschieden; offene Bewerbungen sind neu verteilt.")
        % {"name": member.user},
    )
    return redirect("selection:dashboard", cohort_id=cohort.pk)


@steer_view
def assignment_list(request, cohort_id):
    cohort = _cohort(request, cohort_id)
    members = services.active_reviewers(cohort)
    hidden = _hidden(request, cohort)
    queryset = (
        Assignment.objects.filter(application__cohort=cohort)
        .exclude(application_id__in=hidden)
        .select_related("application", "reviewer", "review")
        .order_by("application__last_name", "application_id", "pk")
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("seite"))
    return render(
        request,
        "selection/assignment_list.html",
        {"cohort": cohort, "page": page, "move_form": MoveForm(members=members)},
    )


@steer_view
@require_POST
def assignment_move(request, cohort_id, pk):
    cohort = _cohort(request, cohort_id)
    assignment = access.get_assignment_for_staff(request.user, cohort, pk)
    form = MoveForm(request.POST, members=services.active_reviewers(cohort))
    if form.is_valid():
        from kohorte.accounts.models import User

        try:
            services.move_assignment(
                assignment, User.objects.get(pk=form.cleaned_data["reviewer"]), actor=request.user
            )
            messages.success(request, _("Die Zuteilung ist geändert."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Bitte wählen Sie eine Person aus der Liste."))
    return redirect("selection:assignments", cohort_id=cohort.pk)


@steer_view
def ranking(request, cohort_id):
    cohort = _cohort(request, cohort_id)
    show_gender = gender_is_visible(SelectionSettings.for_cohort(cohort))
    form = RankingFilter(request.GET or None, gender=show_gender)
    filters = form.cleaned_data if form.is_valid() else {}
    # only the page's rows are built and rendered (ranking.py): same rows as _visible_rows
    found = ranking_page(cohort, request.user, filters, request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    return render(
        request,
        "selection/ranking.html",
        {
            "cohort": cohort,
            "form_html": ranking_filter_html(request.GET, gender=show_gender),
            "page": found.page,
            "rows_html": table_rows_html(
                found.page.object_list, cohort.pk, show_gender=show_gender
            ),
            "query": query.urlencode(),
            "count": found.count,
            "hidden_notice": hidden_notice(found.hidden),
            "show_gender": show_gender,
        },
    )


@steer_view
def ranking_export(request, cohort_id, fmt):
    cohort = _cohort(request, cohort_id)
    show_gender = gender_is_visible(SelectionSettings.for_cohort(cohort))
    form = RankingFilter(request.GET or None, gender=show_gender)
    rows = filter_rows(
        _visible_rows(request, cohort)[0], form.cleaned_data if form.is_valid() else {}
    )
    columns, data = export_rows(rows)
    if not show_gender:
        gender = _("Geschlecht")
        columns = [c for c in columns if c != gender]
        data = [{k: v for k, v in row.items() if k != gender} for row in data]
    return tables.response(data, columns, fmt, f"rangliste-{cohort.slug}", _("Rangliste"))


@steer_view
def reliability(request, cohort_id):
    cohort = _cohort(request, cohort_id)
    result = committee_reliability(cohort)
    numbers = committee_numbers(cohort)
    members = CommitteeMember.objects.filter(cohort=cohort).select_related("user")
    stats = charts.reviewer_stats(
        numbers, members, float(SelectionSettings.for_cohort(cohort).shrinkage)
    )
    return render(
        request,
        "selection/reliability.html",
        {
            "cohort": cohort,
            "result": result,
            "offsets": list(_offset_sentences(numbers, members).values()),
            "sigma": numbers.sigma,
            "stats": stats,
            "offsets_chart": charts.offsets_chart(stats),
            "distribution_chart": charts.distribution_chart(stats),
        },
    )


@steer_view
def report(request, cohort_id):
    from kohorte.selection.report import report_pdf

    cohort = _cohort(request, cohort_id)
    response = HttpResponse(report_pdf(cohort, viewer=request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="auswahlbericht-{cohort.slug}.pdf"'
    return response
