"""Progress and completion: the participant's own standing, the staff matrix of a cohort
(participants × module runs) with filters and the bulk decision, and one person's page with the
single decision and its withdrawal."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kohorte.assessments import services
from kohorte.assessments.completion import Verdict, standing, standings
from kohorte.assessments.models import Completion
from kohorte.catalog.models import CompletionRule
from kohorte.core.access import login_and
from kohorte.teaching.access import (
    get_cohort_for_staff,
    get_participation_for_staff,
    get_participation_for_user,
)
from kohorte.teaching.rules import is_programme_staff

staff_view = login_and(is_programme_staff)

# the filters of the matrix: the query value and the verdicts it shows
FILTERS = {
    "auf-gutem-weg": (gettext_lazy("auf gutem Weg"), {Verdict.ON_TRACK}),
    "gefaehrdet": (gettext_lazy("gefährdet"), {Verdict.AT_RISK, Verdict.CANNOT}),
    "regel-erfuellt": (gettext_lazy("Regel erfüllt"), {Verdict.MET}),
    "abgeschlossen": (gettext_lazy("abgeschlossen"), {Verdict.COMPLETED}),
}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Begründung"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Grund der Rücknahme"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _rule(cohort):
    return (
        CompletionRule.objects.filter(cohort=cohort)
        .prefetch_related("required_modules", "assumptions")
        .first()
    )


@login_required
def progress(request):
    participation = get_participation_for_user(request.user)
    cohort = participation.cohort
    mine = standing(participation)
    runs = list(cohort.runs.select_related("module").order_by("starts_on", "pk"))
    return render(
        request,
        "assessments/progress.html",
        {
            "participation": participation,
            "cohort": cohort,
            "standing": mine,
            "rows": list(zip(runs, mine.cells, strict=True)),
            "rule": _rule(cohort),
        },
    )


@staff_view
def matrix(request, cohort_id):
    cohort = get_cohort_for_staff(request.user, cohort_id)
    if request.method == "POST" and request.POST.get("action") == "decide_all":
        count = services.decide_completions(cohort, actor=request.user)
        messages.success(
            request,
            ngettext(
                "Abschluss festgestellt für %(count)d Teilnehmer:in.",
                "Abschluss festgestellt für %(count)d Teilnehmer:innen.",
                count,
            )
            % {"count": count},
        )
        return redirect("assessments_progress:matrix", cohort_id=cohort.pk)
    rule = _rule(cohort)
    runs = list(cohort.runs.select_related("module").order_by("starts_on", "pk"))
    # only the columns the rows show (a link and a name)
    people = cohort.participations.only(
        "cohort_id", "user__first_name", "user__last_name", "user__email"
    )
    everyone = standings(cohort, people, sentences=False, rule=rule, runs=runs)
    counts = {key: sum(1 for s in everyone if s.verdict in v) for key, (_l, v) in FILTERS.items()}
    shown = request.GET.get("zeigen", "")
    rows = everyone
    if shown in FILTERS:
        rows = [s for s in everyone if s.verdict in FILTERS[shown][1]]
    else:
        shown = ""
    person_base = reverse("assessments_progress:matrix", kwargs={"cohort_id": cohort.pk})
    return render(
        request,
        "assessments/completion_matrix.html",
        {
            "cohort": cohort,
            "rule": rule,
            "runs": runs,
            "rows": rows,
            "total": len(everyone),
            "filters": [(key, label, counts[key]) for key, (label, _v) in FILTERS.items()],
            "shown": shown,
            "shown_label": FILTERS[shown][0] if shown else "",
            "meets": counts["regel-erfuellt"],
            "confirm": request.GET.get("bestaetigen") == "1" and counts["regel-erfuellt"] > 0,
            "rows_html": matrix_rows_html(rows, person_base),
        },
    )


def matrix_rows_html(rows, person_base: str) -> SafeString:
    """The matrix's table rows, written in one pass (250 people × 6 runs through the template
    loop cost most of the page's time). Writes exactly what the template loop wrote before
    (``tests/assessments/test_completion_matrix_fast.py`` compares both); every text is escaped.
    Words, numbers and badges repeat across people: each is formatted once per request."""
    base = escape(person_base)
    not_yet = escape(_("noch nicht erfasst"))
    below = escape(_("unter der Schwelle"))
    cells: dict[str, str] = {}
    rates: dict[tuple, str] = {}
    points: dict[object, str] = {}
    verdicts: dict[object, str] = {}
    out = []
    for s in rows:
        person = s.participation
        tds = "".join(
            cells.get(c.words)
            or cells.setdefault(c.words, f'<td class="kern-table__cell">{escape(c.words)}</td>')
            for c in s.cells
        )
        rate = s.attendance.rate
        key = (rate, s.attendance.below)
        attendance = rates.get(key)
        if attendance is None:
            if rate is None:
                attendance = not_yet
            else:
                attendance = f"{escape(floatformat(rate, 0))} %"
                if key[1]:
                    attendance += f" ({below})"
            rates[key] = attendance
        ects = s.judgement.result.ects
        if ects not in points:
            points[ects] = escape(floatformat(ects, "-1"))
        verdict = s.judgement.verdict
        if verdict not in verdicts:
            label = escape(s.judgement.verdict_label)
            badge = s.badge
            verdicts[verdict] = (
                f'<strong class="kern-badge kern-badge--{escape(badge)} kern-badge--small">'
                f"{label}</strong>"
                if badge
                else label
            )
        out.append(
            '\n  <tr class="kern-table__row">\n'
            f'    <th scope="row" class="kern-table__cell"><a class="kern-link" '
            f'href="{base}{person.pk}/">{escape(person.name)}</a></th>\n'
            f"    {tds}\n"
            f'    <td class="kern-table__cell">{attendance}</td>\n'
            f'    <td class="kern-table__cell">{points[ects]}</td>\n'
            f'    <td class="kern-table__cell">{verdicts[verdict]}</td>\n'
            "  </tr>\n  "
        )
    return mark_safe("".join(out))


@staff_view
def person(request, cohort_id, participation_id):
    cohort = get_cohort_for_staff(request.user, cohort_id)
    participation = get_participation_for_staff(request.user, cohort, participation_id)
    decide_form, withdraw_form = ReasonForm(), WithdrawForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "decide":
            decide_form = ReasonForm(request.POST)
            if decide_form.is_valid():
                try:
                    services.decide_completion(
                        participation,
                        actor=request.user,
                        reason=decide_form.cleaned_data["reason"],
                    )
                except ValidationError as error:
                    _add_errors(decide_form, error)
                else:
                    messages.success(
                        request,
                        _("Der Abschluss von %(name)s ist festgestellt.")
                        % {"name": participation.name},
                    )
                    return redirect(
                        "assessments_progress:person",
                        cohort_id=cohort.pk,
                        participation_id=participation.pk,
                    )
        elif action == "withdraw":
            withdraw_form = WithdrawForm(request.POST)
            current = Completion.objects.current().filter(participation=participation).first()
            if withdraw_form.is_valid() and current is not None:
                try:
                    services.withdraw_completion(
                        current, actor=request.user, reason=withdraw_form.cleaned_data["reason"]
                    )
                except ValidationError as error:
                    _add_errors(withdraw_form, error)
                else:
                    messages.success(request, _("Die Abschlussentscheidung ist zurückgenommen."))
                    return redirect(
                        "assessments_progress:person",
                        cohort_id=cohort.pk,
                        participation_id=participation.pk,
                    )
    mine = standing(participation)
    runs = list(cohort.runs.select_related("module").order_by("starts_on", "pk"))
    history = Completion.objects.filter(participation=participation).select_related(
        "decided_by", "withdrawn_by"
    )
    return render(
        request,
        "assessments/completion_person.html",
        {
            "cohort": cohort,
            "participation": participation,
            "standing": mine,
            "rows": list(zip(runs, mine.cells, strict=True)),
            "rule": _rule(cohort),
            "decide_form": decide_form,
            "withdraw_form": withdraw_form,
            "history": history,
        },
        status=400 if decide_form.errors or withdraw_form.errors else 200,
    )
