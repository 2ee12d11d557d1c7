"""Settings for a worker process a test starts (tests/test_mail_worker.py): the
project's own, with the mail it sends written to files in EMAIL_FILE_PATH by
Django's file backend, where the test reads it."""

import os

from partnerscan.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
