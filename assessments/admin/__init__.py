"""Admin: question-set editing for admins, and a view on everything for staff.

Django's autodiscover imports this package; importing the modules registers their
models.

- `questionsets`: question sets, dimensions, questions (import, export, publish…).
- `people`: partnerships, organisations, collaborators, respondents, user accounts.
- `records`: assessments, answers, comments.
"""

from . import people, questionsets, records

__all__ = ["people", "questionsets", "records"]
