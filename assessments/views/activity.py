"""A partnership's audit trail ("Activiteit"): its owner's alone, as the issue
asks; collaborators get 403, everyone else 404. Staff read every entry in the
admin (assessments/admin/audit.py)."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..access import get_partnership_for_owner
from ..audit.trail import partnership_trail, trail_lines

PER_PAGE = 25
# The partnership's page shows the newest few, with a link to the rest.
RECENT = 5


def recent_activity(partnership) -> tuple[list, bool]:
    """The newest lines for the partnership's page, and whether there are more."""
    events = list(partnership_trail(partnership.pk)[: RECENT + 1])
    return trail_lines(events[:RECENT]), len(events) > RECENT


@require_safe
def show_activity(request, pk):
    partnership = get_partnership_for_owner(request, pk)
    page = Paginator(partnership_trail(partnership.pk), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "partnership": partnership,
        "page": page,
        "lines": trail_lines(list(page.object_list)),
        "retention_days": settings.PARTNERSCAN_AUDIT_RETENTION_DAYS,
    }
    return render(request, "assessments/show_activity.html", context)
