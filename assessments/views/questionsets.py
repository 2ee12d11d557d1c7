"""Question sets for the admins who maintain them (staff with the question-set
permission): the versions of each set, one version's settings, the difference
between any two versions, publishing and retiring, and the XLSX/JSON round trip.

Every write goes through the `questionsets` services; publishing and retiring ask
first (views/confirm.py), and the publish page shows what changes.
"""

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from ..access import get_question_set_for_admin, require_question_set_admin
from ..models import Question, QuestionSet
from ..questionsets import (
    QuestionSetFormatError,
    QuestionSetStateError,
    questionset_current,
    questionset_import_xlsx,
    questionset_publish,
    questionset_retire,
    questionset_to_dict,
    questionset_to_json,
)
from ..questionsets.diff import questionset_diff
from ..questionsets.spreadsheet import MAX_BYTES, questionset_to_xlsx
from .confirm import confirm_page, is_confirmed

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Edited workbook (XLSX)"),
        help_text=gettext_lazy(
            "Becomes the next draft version of this set; nothing is published."
        ),
    )


def _with_scan_counts(queryset):
    return queryset.annotate(scan_count=Count("assessments"))


@require_safe
def questionset_list(request):
    """All sets, grouped by slug, newest version first."""
    require_question_set_admin(request)
    groups: dict[str, list[QuestionSet]] = {}
    for question_set in _with_scan_counts(
        QuestionSet.objects.order_by("slug", "-version")
    ):
        groups.setdefault(question_set.slug, []).append(question_set)
    return render(
        request, "assessments/questionset_list.html", {"groups": list(groups.items())}
    )


def _compare_with(question_set, versions, requested):
    """The version to compare with: the one asked for, else the published one (for
    a draft), else the version before this one."""
    by_number = {qs.version: qs for qs in versions if qs.pk != question_set.pk}
    if requested and requested.isdigit() and int(requested) in by_number:
        return by_number[int(requested)]
    current = next((qs for qs in versions if qs.status == "published"), None)
    if current and current.pk != question_set.pk:
        return current
    older = [qs for qs in versions if qs.version < question_set.version]
    return older[0] if older else None


def _diff_context(old, new):
    """The diff of two versions, older first, for includes/_questionset_diff.html."""
    if old.version > new.version:
        old, new = new, old
    return {
        "diff": questionset_diff(questionset_to_dict(old), questionset_to_dict(new)),
        "diff_old": old,
        "diff_new": new,
    }


@require_safe
def questionset_detail(request, pk):
    question_set = get_question_set_for_admin(request, pk)
    versions = list(
        _with_scan_counts(QuestionSet.objects.filter(slug=question_set.slug)).order_by(
            "-version"
        )
    )
    this = next(qs for qs in versions if qs.pk == question_set.pk)
    other = _compare_with(question_set, versions, request.GET.get("compare", ""))
    context = {
        "question_set": this,
        "versions": versions,
        "compare_with": other,
        "dimensions": list(question_set.dimensions.order_by("position", "code")),
        "statement_count": Question.objects.filter(
            dimension__question_set=question_set
        ).count(),
        "upload_form": WorkbookUploadForm(),
        "settings": _settings_rows(question_set),
        **(_diff_context(other, question_set) if other else {}),
    }
    return render(request, "assessments/questionset_detail.html", context)


def _number(value):
    """75.0 as "75", 67.5 as "67,5" (in Dutch)."""
    return number_format(int(value) if float(value).is_integer() else value)


def _on_five(score):
    """A 0-100 threshold on the 1-5 answer scale (0 is 1, 100 is 5)."""
    return number_format(1 + score * 4 / 100, decimal_pos=1)


def _settings_rows(qs):
    """The set's settings in the words the method uses."""
    blocks = qs.condition_weight + qs.link_weight
    share = {
        "condition": number_format(round(qs.condition_weight * 100 / blocks)),
        "link": number_format(round(qs.link_weight * 100 / blocks)),
    }
    return [
        (
            _("Minimum coverage"),
            _("%(percent)s %% of a dimension's statement weight answered")
            % {"percent": number_format(round(qs.min_coverage * 100))},
        ),
        (
            _("Block weights"),
            _("basisvoorwaarden %(condition)s %%, ritsschakels %(link)s %%") % share,
        ),
        (
            _("Green from"),
            _("%(score)s (on the 1-5 scale %(five)s)")
            % {
                "score": _number(qs.green_threshold),
                "five": _on_five(qs.green_threshold),
            },
        ),
        (
            _("Amber from"),
            _("%(score)s (on the 1-5 scale %(five)s)")
            % {
                "score": _number(qs.amber_threshold),
                "five": _on_five(qs.amber_threshold),
            },
        ),
        (_("Gap needs attention from"), _number(qs.gap_attention)),
        (_("Gap is significant from"), _number(qs.gap_significant)),
    ]


def _detail_url(question_set):
    return reverse("assessments:questionset-detail", args=[question_set.pk])


def questionset_publish_view(request, pk):
    question_set = get_question_set_for_admin(request, pk)
    if question_set.status != QuestionSet.Status.DRAFT:
        messages.error(request, _("Only a draft can be published."))
        return redirect(_detail_url(question_set))
    current = questionset_current(question_set.slug)
    if not is_confirmed(request):
        consequences = [
            _(
                "New scans will use %(set)s from now on; consultants no longer see "
                "another version of this set when they start a scan."
            )
            % {"set": question_set.label}
        ]
        if current:
            consequences.append(
                _(
                    "Version %(version)s is retired for new scans. Scans that use "
                    "it keep it, with their answers and figures unchanged."
                )
                % {"version": current.version}
            )
        consequences.append(
            _("Once a scan uses this version, it can no longer change.")
        )
        return confirm_page(
            request,
            title=_("Publish %(set)s?") % {"set": question_set.label},
            consequences=consequences,
            button=_("Publish"),
            cancel_url=_detail_url(question_set),
            danger=False,
            context={
                "detail_template": "assessments/includes/_questionset_diff.html",
                **(_diff_context(current, question_set) if current else {}),
            },
        )
    try:
        retired = questionset_publish(question_set=question_set, by=request.user)
    except QuestionSetStateError as exc:
        messages.error(request, str(exc))
        return redirect(_detail_url(question_set))
    message = _("%(set)s is published: new scans use it.") % {"set": question_set.label}
    if retired:
        message += " " + _(
            "Version %(version)s is retired; scans that use it keep it."
        ) % {"version": ", ".join(str(qs.version) for qs in retired)}
    messages.success(request, message)
    return redirect(_detail_url(question_set))


def questionset_retire_view(request, pk):
    question_set = get_question_set_for_admin(request, pk)
    if question_set.status != QuestionSet.Status.PUBLISHED:
        messages.error(request, _("Only the published version can be retired."))
        return redirect(_detail_url(question_set))
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Retire %(set)s?") % {"set": question_set.label},
            consequences=[
                _(
                    "New scans can no longer use this set, and no other version of "
                    "it is published: consultants cannot start a scan with it until "
                    "a new version is published."
                ),
                _(
                    "Scans that use it keep it, with their answers and figures "
                    "unchanged. A retired version is never published again."
                ),
            ],
            button=_("Retire"),
            cancel_url=_detail_url(question_set),
        )
    try:
        questionset_retire(question_set=question_set)
    except QuestionSetStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(set)s is retired; new scans can no longer use it.")
            % {"set": question_set.label},
        )
    return redirect(_detail_url(question_set))


@require_safe
def questionset_download(request, pk, fmt):
    question_set = get_question_set_for_admin(request, pk)
    if fmt not in ("json", "xlsx"):
        raise Http404
    if fmt == "xlsx":
        body, content_type = (
            questionset_to_xlsx(questionset_to_dict(question_set)),
            XLSX,
        )
    else:
        body, content_type = questionset_to_json(question_set), "application/json"
    response = HttpResponse(body, content_type=content_type)
    # slugify: a slug from before slugs were validated may hold anything.
    name = slugify(question_set.slug) or "questionset"
    filename = f"{name}-v{question_set.version}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_POST
def questionset_upload(request, pk):
    """An edited workbook of this set becomes its next draft version."""
    question_set = get_question_set_for_admin(request, pk)
    form = WorkbookUploadForm(request.POST, request.FILES)
    problems = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            problems = [
                _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // 2**20}
            ]
        else:
            try:
                draft = questionset_import_xlsx(
                    raw=upload.read(), slug=question_set.slug
                )
            except QuestionSetFormatError as exc:
                problems = exc.errors
            else:
                messages.success(
                    request,
                    _("Imported as %(set)s, a draft: compare it and publish it here.")
                    % {"set": draft.label},
                )
                return redirect(_detail_url(draft))
    else:
        problems = [error for errors in form.errors.values() for error in errors]
    return render(
        request,
        "assessments/questionset_upload_problems.html",
        {"question_set": question_set, "problems": problems},
        status=400,
    )
