"""Work done off the request path, by `manage.py worker`.

- `models`: what the worker prepares and sends, and its state (`PreparedFile`,
  `OutgoingMail`), so that every page can say how far it got and why it failed.
- `retry`: the one backoff rule for tasks that failed for a reason that may pass.

The tasks themselves use Django's tasks API (the django-tasks backport, database
backend); the queue is the project's own database, so nothing else needs to run.
"""
