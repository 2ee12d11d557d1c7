"""The consultant's home: their partnerships with the latest scan of each."""

from django.core.paginator import Paginator
from django.db.models.functions import Lower
from django.shortcuts import render

from ...actions.listing import dashboard_actions
from ...forms.workspace import DashboardFilterForm
from ...models import Partnership
from ...workspace.progress import partnership_rows

PAGE_SIZE = 20

_ORDER = {
    "name": [Lower("name"), "pk"],
    "activity": ["-latest_activity", "pk"],
}


def dashboard(request):
    filter_form = DashboardFilterForm(request.GET)
    filters = filter_form.values()
    visible = Partnership.objects.for_user(request.user)
    partnerships = {
        "active": visible.active(),
        "archived": visible.archived(),
        "all": visible,
    }[filters["show"]]
    partnerships = (
        partnerships.search(filters["q"])
        .with_latest_activity()
        .with_latest_assessment_id()
        .order_by(*_ORDER[filters["sort"]])
    )
    page = Paginator(partnerships, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = partnership_rows(page.object_list, request.user)
    # Only a page without any partnership at all explains how to begin.
    is_new = not rows and not visible.exists()
    querystring = request.GET.copy()
    querystring.pop("page", None)
    context = {
        "filter_form": filter_form,
        "filters": filters,
        "page": page,
        "rows": rows,
        "is_new": is_new,
        "querystring": querystring.urlencode(),
        "actions": dashboard_actions(request.user),
    }
    return render(request, "assessments/dashboard.html", context)
