"""Admin: question-set editing for admins, and a view on everything for staff.

Django's autodiscover imports this package; importing the modules registers their
models.

- `questionsets`: question sets, dimensions, questions (import, export, publish…).
- `people`: partnerships, organisations, collaborators, respondents, user accounts.
- `records`: assessments, answers, comments.
- `background`: prepared files and outgoing mail, read-only.
"""

from . import background, people, questionsets, records

__all__ = ["background", "people", "questionsets", "records"]
