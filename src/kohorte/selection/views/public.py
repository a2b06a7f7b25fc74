"""The applicant's answer to an offer, by the link in the mail (no log-in needed: the link is
the key, and only its hash is stored). A GET never changes anything: mail scanners open links.
An offer is answered only while it is current and after its mail has gone out."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kohorte.selection import services
from kohorte.selection.forms import OfferAnswerForm


@require_http_methods(["GET", "POST"])
def offer(request, token):
    found = services.find_offer(token)
    if found is None:
        return render(request, "selection/offer_invalid.html", status=404)
    problem = services.offer_problem(found)
    if request.method == "POST" and problem is None:
        form = OfferAnswerForm(request.POST)
        if form.is_valid():
            try:
                found = services.respond_to_offer(found, form.accepts())
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                found.refresh_from_db()
            problem = None
    response = render(
        request,
        "selection/offer.html",
        {
            "offer": found,
            "answerable": problem is None and found.status == "pending",
            "problem": problem,
            "application": found.application,
            "cohort": found.application.cohort,
            "program": found.application.cohort.program,
            "preselect": {"ja": "accept", "nein": "decline"}.get(request.GET.get("antwort", "")),
            "title": _("Ihr Platzangebot"),
        },
    )
    # The token is in the URL: never send it to another site. ("no-referrer" would make the
    # browser send "Origin: null" with the form, which the CSRF check rightly refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response
