"""Personal data under control: erasure, retention and access requests.

- `deletes`: erase a respondent, a scan, a partnership or a consultant's account
  without a trace (rows, stored files, cached figures, queued mails, the worker's
  task rows), each in one transaction, with a `*_footprint` count for the
  confirmation page.
- `retention`: anonymise a closed scan's personal data when its retention period
  ends, and warn the consultant a month before (scheduled jobs).
- `subject_access`: everything stored about one respondent, as JSON.

docs/privacy.md describes it for the consultancy.
"""

from .deletes import (
    Footprint,
    assessment_erase,
    assessment_footprint,
    consultant_erase,
    partnership_erase,
    partnership_footprint,
    respondent_erase,
    respondent_footprint,
)
from .retention import anonymise_due, assessment_anonymise, retention_warn
from .subject_access import respondent_data

__all__ = [
    "Footprint",
    "anonymise_due",
    "assessment_anonymise",
    "assessment_erase",
    "assessment_footprint",
    "consultant_erase",
    "partnership_erase",
    "partnership_footprint",
    "respondent_data",
    "respondent_erase",
    "respondent_footprint",
    "retention_warn",
]
