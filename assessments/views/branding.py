"""The consultant's branding profile, its logo, and the consultant's word per scan."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..access import get_assessment_for_user, get_assessment_for_user_rw
from ..branding import (
    branding_of,
    branding_save,
    consultant_word_save,
    dimensions_for_commentary,
    profile_of_owner,
)
from ..branding.logo import CONTENT_TYPES
from ..branding.models import BrandingProfile, ConsultantWord
from ..forms.branding import BrandingForm, ConsultantWordForm


def edit_branding(request):
    """Every consultant edits their own profile; there is nobody else's to reach."""
    profile = BrandingProfile.objects.filter(consultant=request.user).first()
    form = BrandingForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in BrandingForm.Meta.fields}
        branding_save(
            consultant=request.user,
            fields=fields,
            logo=form.cleaned_data["logo_upload"],
            remove_logo=form.cleaned_data["remove_logo"],
        )
        messages.success(request, _("Your branding is saved."))
        return redirect("assessments:branding")
    return render(
        request, "assessments/edit_branding.html", {"form": form, "profile": profile}
    )


@require_GET
def show_own_logo(request):
    profile = BrandingProfile.objects.filter(consultant=request.user).first()
    return logo_response(profile)


@require_GET
def show_assessment_logo(request, pk):
    """The logo of the scan owner's branding, for whoever may see the scan."""
    assessment = get_assessment_for_user(request, pk, with_question_set=False)
    return logo_response(profile_of_owner(assessment))


@require_GET
def show_assessment_branding_css(request, pk):
    """The owner's accent colour for the scan's pages, as a stylesheet: the
    Content-Security-Policy allows no inline styles. Text takes the colour only
    with 4.5:1 contrast against white; otherwise it only colours a rule."""
    assessment = get_assessment_for_user(request, pk, with_question_set=False)
    return branding_css_response(branding_of(assessment))


def branding_css_response(branding):
    """The stylesheet of a branding (or an empty one), for the results page and
    the page shared with the partners."""
    accent = branding["accent"] if branding else ""
    css = ""
    if accent:
        css = f".results-branding {{ border-bottom: 0.25rem solid {accent}; }}\n"
        if branding["accent_text"]:
            css += f".consultant-word h2 {{ color: {accent}; }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    patch_cache_control(response, private=True, max_age=3600)
    return response


def logo_response(profile):
    """The profile's stored logo, or 404 (no profile, no logo, a lost file)."""
    if profile is None or not profile.logo:
        raise Http404
    suffix = profile.logo.name.rsplit(".", 1)[-1]
    try:
        file = profile.logo.open("rb")
    except OSError as error:
        raise Http404 from error
    response = FileResponse(file, content_type=CONTENT_TYPES.get(suffix))
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, max_age=3600)
    return response


def edit_consultant_word(request, pk):
    """Editors write; read-only collaborators read it on the results page (403)."""
    assessment = get_assessment_for_user_rw(request, pk)
    dimensions = dimensions_for_commentary(assessment)
    word = ConsultantWord.objects.filter(assessment=assessment).first()
    initial = {}
    if word:
        initial = {
            "foreword": word.foreword,
            "recommendation_1": word.recommendation_1,
            "recommendation_2": word.recommendation_2,
            "recommendation_3": word.recommendation_3,
        } | {f"commentary_{code}": text for code, text in word.commentary.items()}
    form = ConsultantWordForm(
        request.POST or None, initial=initial, dimensions=dimensions
    )
    if request.method == "POST" and form.is_valid():
        consultant_word_save(
            assessment=assessment,
            foreword=form.cleaned_data["foreword"],
            recommendations=form.recommendations(),
            commentary=form.commentary(),
        )
        messages.success(request, _("Your texts for this scan are saved."))
        return redirect("assessments:assessment-results", assessment.pk)
    return render(
        request,
        "assessments/edit_consultant_word.html",
        {"assessment": assessment, "partnership": assessment.partnership, "form": form},
    )
