"""Work done off the request path, by `manage.py worker`.

- `models`: what the worker prepares and sends, and its state (`PreparedFile`,
  `OutgoingMail`), so that every page can say how far it got and why it failed.
- `retry`: the one backoff rule for tasks that failed for a reason that may pass.
- `mail`: e-mail through the worker (`mail_queue`, the `send_mail` task), claimed
  once, retried, and failed with a reason a person can read.
- `automation`: a scan that runs itself: automatic reminders, closing after the
  closing date, a note when an organisation is complete.
- `schedule`: the periodic jobs (`JOBS`) the worker or a timer runs.

The tasks themselves use Django's tasks API (the django-tasks backport, database
backend); the queue is the project's own database, so nothing else needs to run.
"""
