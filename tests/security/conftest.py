"""The scan the attack tests attack (`world`), and throttles reset around each."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from assessments.live.sessions import live_session_create
from assessments.models import Collaboration, DimensionComment
from assessments.sharing import shared_link_create

from ..conftest import (
    answer_all,
    make_action,
    make_assessment,
    make_partnership,
    make_respondent,
)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the cache; one test's attempts must not block the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(owner, outsider, partnership, assessment, respondent, question_set):
    """The owner's scan with answers and a comment; the outsider's own scan."""
    answer_all(respondent, value=3)
    dimension = question_set.dimensions.first()
    DimensionComment.objects.create(
        respondent=respondent, dimension=dimension, text="Owner's comment"
    )
    theirs = make_partnership(outsider, name="Gamma & Delta", organisations=("G", "D"))
    their_assessment = make_assessment(theirs, question_set)
    their_respondent = make_respondent(their_assessment, label="Otto")
    answer_all(their_respondent, value=5)
    return {
        "partnership": partnership,
        "assessment": assessment,
        "respondent": respondent,
        "collaboration": partnership.collaborations.get(),
        "their_partnership": theirs,
        "their_assessment": their_assessment,
        "their_respondent": their_respondent,
        "their_collaboration": Collaboration.objects.create(
            partnership=theirs, user=owner, can_edit=False
        ),
        "live_session": live_session_create(
            assessment=assessment, facilitator=owner, dimensions=[dimension]
        ),
        "their_live_session": live_session_create(
            assessment=their_assessment, facilitator=outsider, dimensions=[dimension]
        ),
        "action": make_action(assessment, title="Owner's action"),
        "their_action": make_action(their_assessment, title="Their action"),
        "shared_link": _share(assessment),
        "their_shared_link": _share(their_assessment),
    }


def _share(assessment):
    return shared_link_create(
        assessment=assessment,
        organisation=None,
        last_day=timezone.localdate(),
        created_by=assessment.partnership.owner,
    )
