"""Partnerscan's domain: question sets, partnerships, assessments and answers.

See docs/domain.md for the picture. Derived figures (scores, gaps, verdicts) are never
stored: `assessments.scoring` recomputes them from answers and the pinned question set.
One module per part of the domain; everything is importable from `assessments.models`.
"""

from .common import (  # noqa: F401
    COMMENT_MAX,
    GUIDANCE_MAX,
    LANGUAGE_CHOICES,
    LANGUAGE_CODES,
    NAME_MAX,
    SCALE_MAX,
    SCALE_MIN,
    STATEMENT_MAX,
    VERSION_MAX,
    WEIGHT_MAX,
    WEIGHT_RANGE_MESSAGE,
    add_months,
    localized,
    validate_above_zero,
)
from .partnerships import (  # noqa: F401
    RETENTION_MONTHS_MAX,
    Assessment,
    AssessmentQuerySet,
    Collaboration,
    Organisation,
    Partnership,
    PartnershipQuerySet,
    default_retention_months,
)
from .questionsets import (  # noqa: F401
    LOCKED_MESSAGE,
    Dimension,
    Question,
    QuestionSet,
    QuestionSetQuerySet,
)
from .respondents import (  # noqa: F401
    INVITATION_SALT,
    Answer,
    DimensionComment,
    Respondent,
    RespondentQuerySet,
    has_started,
)

# isort: split
# The core domain is in this package; agreed actions, the audit trail, background
# work, branding, live sessions, shared links and recovery codes keep their models
# beside the code that uses them (`assessments/<package>/models.py`). Importing them
# here makes them all models of this app.
from ..actions.models import Action, ActionListing, ActionStatusChange  # noqa: F401
from ..audit.models import AuditEvent  # noqa: F401
from ..background.models import OutgoingMail, PreparedFile  # noqa: F401
from ..branding.models import BrandingProfile, ConsultantWord  # noqa: F401
from ..live.models import (  # noqa: F401
    AgreementNote,
    LiveAnswer,
    LiveHandIn,
    LiveParticipant,
    LiveSession,
    LiveStep,
)
from ..sharing.models import SharedLink  # noqa: F401
from ..two_factor.models import RecoveryCode, RecoveryCodeDevice  # noqa: F401
