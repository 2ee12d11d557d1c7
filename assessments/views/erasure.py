"""Erasing a scan, a partnership or one's own account, and an access request.

Each erasure asks first (confirm.py) with the counts of what goes; the work is in
assessments/erasure/. Erasing a respondent is views/workspace/respondents.py.
Scans and partnerships: the owner only (a collaborator gets 403, anyone else 404);
a respondent's data: the consultants who may read individual answers.
"""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _, ngettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from .. import erasure
from ..access import (
    get_assessment_answers_for_user,
    get_assessment_for_owner,
    get_partnership_for_owner,
    get_respondent_of,
)
from ..forms.erasure import AccountEraseForm
from .confirm import confirm_page, is_confirmed

# The lines of a confirmation page, per Footprint field; the count picks the
# plural form ("n" in the lazy strings).
_COUNTED = {
    "scans": ngettext_lazy("%(n)d scan", "%(n)d scans", "n"),
    "organisations": ngettext_lazy("%(n)d organisation", "%(n)d organisations", "n"),
    "respondents": ngettext_lazy(
        "%(n)d respondent (name and e-mail address)",
        "%(n)d respondents (names and e-mail addresses)",
        "n",
    ),
    "answers": ngettext_lazy("%(n)d answer", "%(n)d answers", "n"),
    "comments": ngettext_lazy("%(n)d comment", "%(n)d comments", "n"),
    "mails": ngettext_lazy(
        "%(n)d e-mail (sent or waiting)", "%(n)d e-mails (sent or waiting)", "n"
    ),
    "live_sessions": ngettext_lazy("%(n)d live session", "%(n)d live sessions", "n"),
    "agreements": ngettext_lazy(
        "%(n)d agreement noted in a live session",
        "%(n)d agreements noted in live sessions",
        "n",
    ),
    "actions": ngettext_lazy("%(n)d agreed action", "%(n)d agreed actions", "n"),
    "shared_links": ngettext_lazy(
        "%(n)d shared results link", "%(n)d shared results links", "n"
    ),
    "files": ngettext_lazy(
        "%(n)d stored report or export", "%(n)d stored reports and exports", "n"
    ),
}


def footprint_items(footprint: erasure.Footprint) -> list[str]:
    """What goes, one line per kind that has any."""
    return [
        str(text % {"n": getattr(footprint, field)})
        for field, text in _COUNTED.items()
        if getattr(footprint, field)
    ]


@require_http_methods(["GET", "POST"])
def delete_assessment(request, pk):
    assessment = get_assessment_for_owner(request, pk)
    partnership = assessment.partnership
    if not is_confirmed(request):
        consequences = [
            _(
                "The scan %(scan)s is deleted with everything in it, for good: this "
                "cannot be undone. Download the report or an export first if you "
                "need one."
            )
            % {"scan": assessment},
            _("Every personal link of the scan stops working."),
        ]
        if assessment.follow_ups.exists():
            consequences.append(
                _(
                    "Its follow-up scan stays, without the comparison with this scan; "
                    "actions carried into it stay there."
                )
            )
        return confirm_page(
            request,
            title=_("Delete the scan %(scan)s?") % {"scan": assessment},
            consequences=consequences,
            items=footprint_items(erasure.assessment_footprint(assessment)),
            button=_("Delete the scan for good"),
            cancel_url=reverse("assessments:assessment-detail", args=[pk]),
            context={"assessment": assessment, "partnership": partnership},
        )
    name = str(assessment)
    erasure.assessment_erase(assessment=assessment, by=request)
    messages.success(request, _("The scan %(scan)s is deleted.") % {"scan": name})
    return redirect("assessments:partnership-detail", pk=partnership.pk)


@require_http_methods(["GET", "POST"])
def delete_partnership(request, pk):
    partnership = get_partnership_for_owner(request, pk)
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Delete the partnership %(name)s?") % {"name": partnership.name},
            consequences=[
                _(
                    "The partnership is deleted with its organisations, collaborators "
                    "and every scan in it, for good: this cannot be undone. Download "
                    "reports or exports first if you need them. To keep it out of "
                    "sight instead, archive it."
                ),
                _("Every personal link of its scans stops working."),
            ],
            items=footprint_items(erasure.partnership_footprint(partnership)),
            button=_("Delete the partnership for good"),
            cancel_url=reverse("assessments:partnership-detail", args=[pk]),
            context={"partnership": partnership},
        )
    name = partnership.name
    erasure.partnership_erase(partnership=partnership, by=request)
    messages.success(
        request, _("The partnership %(name)s is deleted.") % {"name": name}
    )
    return redirect("assessments:dashboard")


@require_GET
def download_respondent_data(request, pk, respondent_pk):
    """Everything stored about one respondent (an access request), as JSON."""
    assessment = get_assessment_answers_for_user(request, pk)
    respondent = get_respondent_of(assessment, respondent_pk)
    return json_download(
        erasure.respondent_data(respondent),
        _("partnerscan-respondent-%(id)d.json") % {"id": respondent.pk},
    )


def json_download(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def delete_account(request):
    """The form is the confirmation: per partnership a colleague or deletion, and
    the password, so a session left open does not delete an account."""
    form = AccountEraseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        erasure.consultant_erase(
            consultant=request.user, heirs=form.heirs(), by=request
        )
        logout(request)
        messages.success(request, _("Your account is deleted."))
        return redirect("login")
    return render(
        request,
        "assessments/delete_account.html",
        {"form": form, "rows": form.rows()},
        status=400 if form.is_bound else 200,
    )
