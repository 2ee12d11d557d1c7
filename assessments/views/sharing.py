"""Sharing a scan's results with the partners (`assessments.sharing`).

The consultant's side (share, revoke) sits in the workspace; the partners' side
opens from the link alone, without an account. An unknown, expired or revoked
token is the same 404; wrong tokens are throttled per client like invitation links.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ..access import (
    get_assessment_for_user_rw,
    get_shared_link_by_token,
    get_shared_link_of,
)
from ..audit import Event, audit_event
from ..background.models import PreparedFile
from ..branding import branding_of, profile_of_owner
from ..forms.sharing import SharedLinkForm
from ..report import report_filename
from ..sharing import (
    shared_link_create,
    shared_link_open,
    shared_link_revoke,
    shared_page_context,
)
from ..web import throttle
from . import prepared
from .branding import branding_css_response, logo_response
from .confirm import confirm_page, is_confirmed
from .report import report_language


def _links_url(assessment):
    return reverse("assessments:assessment-detail", args=[assessment.pk]) + "#shared"


@require_http_methods(["GET", "POST"])
def share_results(request, pk):
    """Make a link (editors; read-only collaborators get 403)."""
    assessment = get_assessment_for_user_rw(request, pk)
    form = SharedLinkForm(request.POST or None, assessment=assessment)
    if request.method == "POST" and form.is_valid():
        link = shared_link_create(
            assessment=assessment,
            organisation=form.cleaned_data["organisation"],
            last_day=form.cleaned_data["last_day"],
            created_by=request.user,
        )
        audit_event(request, Event.SHARED_LINK_CREATED, link)
        messages.success(request, _("The link is ready: copy it below."))
        return redirect(_links_url(assessment))
    context = {"assessment": assessment, "partnership": assessment.partnership}
    return render(request, "assessments/share_results.html", context | {"form": form})


@require_http_methods(["GET", "POST"])
def revoke_shared_link(request, pk, link_pk):
    assessment = get_assessment_for_user_rw(request, pk)
    link = get_shared_link_of(assessment, link_pk)
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Revoke the shared link?"),
            consequences=[
                _("Whoever opens the link gets a page that does not exist, at once."),
                _("This cannot be undone; you can share a new link afterwards."),
            ],
            items=[str(link.organisation or _("All partners"))],
            button=_("Revoke the link"),
            cancel_url=_links_url(assessment),
            context={"assessment": assessment, "partnership": assessment.partnership},
        )
    if not link.is_revoked:
        shared_link_revoke(link=link)
        audit_event(request, Event.SHARED_LINK_REVOKED, link)
    messages.success(request, _("The shared link has been revoked."))
    return redirect(_links_url(assessment))


def _link_or_404(request, token):
    """The active link, counting a wrong token against the client."""
    client = throttle.client_key(request)
    if throttle.is_blocked("token", client):
        return None, throttle.too_many_requests(request, "token")
    try:
        return get_shared_link_by_token(token), None
    except Http404:
        throttle.hit("token", client)
        raise


def _private(response):
    # The token is in the address: never in a cache, a search index or a Referer.
    patch_cache_control(response, private=True, no_store=True)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_not_required
@require_GET
def shared_results(request, token):
    """The scan's results as the partners see them; each opening is logged."""
    link, refused = _link_or_404(request, token)
    if refused:
        return refused
    shared_link_open(link=link)
    audit_event(request, Event.SHARED_LINK_OPENED, link)
    context = shared_page_context(link)
    context["report_url"] = reverse("assessments:shared-report", args=[token])
    context["token"] = token
    response = render(request, "assessments/shared_results.html", context)
    return _private(response)


@login_not_required
@require_GET
def shared_logo(request, token):
    """The consultant's logo for the shared page: the token opens it, as it opens
    the page (the workspace's logo route needs a login)."""
    link, refused = _link_or_404(request, token)
    if refused:
        return refused
    return _private(logo_response(profile_of_owner(link.assessment)))


@login_not_required
@require_GET
def shared_branding_css(request, token):
    link, refused = _link_or_404(request, token)
    if refused:
        return refused
    return _private(branding_css_response(branding_of(link.assessment)))


@login_not_required
@require_GET
def shared_report(request, token):
    """The stored PDF report, or the page that says it is being made."""
    link, refused = _link_or_404(request, token)
    if refused:
        return refused
    if throttle.hit("report", f"shared:{link.pk}"):
        return throttle.too_many_requests(request, "report")
    report = _report(link, token, request.GET)
    return _private(prepared.download(request, link.assessment, report))


@login_not_required
@require_GET
def shared_report_status(request, token):
    link, refused = _link_or_404(request, token)
    if refused:
        return refused
    report = _report(link, token, request.GET)
    return _private(prepared.status(request, link.assessment, report))


def _report(link, token, params) -> prepared.Prepared:
    language = report_language(params)
    return prepared.Prepared(
        kind=PreparedFile.Kind.REPORT,
        language=language,
        content_type="application/pdf",
        filename=partial(_filename, link.assessment, language),
        download_url=reverse("assessments:shared-report", args=[token]),
        status_url=reverse("assessments:shared-report-status", args=[token]),
        # Partners do not retry a failed render: the consultant's page does.
        retry_url="",
        title=_("The report is being prepared…"),
        back_url=reverse("assessments:shared-results", args=[token]),
    )


def _filename(assessment, language, day):
    return report_filename(assessment, language, day=day)
