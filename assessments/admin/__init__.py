"""Admin: question-set editing for admins, and a view on everything for staff.

Django's autodiscover imports this package; importing the modules registers their
models.

- `questionsets`: question sets, dimensions, questions (import, export, publish…).
- `people`: partnerships, organisations, collaborators, respondents, user accounts.
- `records`: assessments, answers, comments.
- `background`: prepared files and outgoing mail, read-only.
- `audit`: the audit trail's events, read-only (changes: django-auditlog's admin).
"""

from . import audit, background, people, questionsets, records

__all__ = ["audit", "background", "people", "questionsets", "records"]
