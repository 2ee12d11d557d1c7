"""Sharing a scan's results with the partners: creating, revoking and opening a
link (`sharing.models.SharedLink`), and the page it shows.

The page is the results page's own context (`results.build_results_context`): one
path from answers to figures, the privacy minimum applied there. What the partners
never get (names, raw answers, exports, the workspace) is left out by the template
(`assessments/shared_results.html`), not by a second set of figures.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from ..branding import branding_of, word_of
from ..models import Assessment, Organisation
from ..results import build_results_context
from .models import SharedLink

# The consultant picks the last day the link opens; without a choice, a month.
DEFAULT_DAYS = 30
MAX_DAYS = 180


def default_expiry(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=DEFAULT_DAYS)


def latest_expiry(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=MAX_DAYS)


def _end_of(day: date) -> datetime:
    """The link opens through the whole of its last day (local time)."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def shared_link_create(
    *,
    assessment: Assessment,
    organisation: Organisation | None,
    last_day: date,
    created_by: AbstractBaseUser | None,
) -> SharedLink:
    """A new link; `link.token` gives its address. `last_day` is validated by the
    form (today up to `latest_expiry`)."""
    link = SharedLink(
        assessment=assessment,
        organisation=organisation,
        expires_at=_end_of(last_day),
        created_by=created_by,
    )
    link.issue_token()
    link.save()
    return link


def shared_link_revoke(*, link: SharedLink) -> None:
    """The link stops working at once, for good (a 404 like an unknown one)."""
    link.clear_token()
    link.revoked_at = timezone.now()
    link.save(update_fields=["token_seed", "token_hash", "revoked_at"])


def shared_link_open(*, link: SharedLink) -> None:
    """Log one opening of the page (how often, first and last time). One UPDATE,
    so simultaneous openings all count."""
    now = timezone.now()
    SharedLink.objects.filter(pk=link.pk).update(
        open_count=F("open_count") + 1,
        first_opened_at=Coalesce(F("first_opened_at"), now),
        last_opened_at=now,
    )


def active_link(token: str) -> SharedLink | None:
    """The link a token opens, or None (unknown, revoked or expired alike)."""
    return (
        SharedLink.objects.active()
        .by_token(token)
        .select_related(
            "organisation",
            "assessment__partnership",
            "assessment__question_set",
        )
        .first()
    )


def links_of(assessment: Assessment) -> list[SharedLink]:
    """The scan's links for the assessment page, newest first, evaluated."""
    return list(assessment.shared_links.select_related("organisation", "created_by"))


def shared_page_context(
    link: SharedLink, language: str | None = None
) -> dict[str, Any]:
    """The results page's context, as the partners see it: the same figures, the
    owner's branding (`branding`, None without a profile) and the consultant's word
    (`word`: foreword, recommendations, per-dimension commentary; None when nothing
    is written), as the results page has them."""
    language = language or translation.get_language() or "nl"
    context = build_results_context(link.assessment, language)
    context |= {
        "link": link,
        "shared": True,  # the result includes leave out workspace links and exports
        "can_edit": False,
        "greeted_organisation": link.organisation,
        "branding": branding_of(link.assessment),
        "word": word_of(link.assessment, context.get("dimensions")),
    }
    return context
