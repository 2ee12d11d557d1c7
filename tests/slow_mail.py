"""An e-mail backend as slow as a real SMTP round trip, for timing tests."""

import time

from django.core.mail.backends.locmem import EmailBackend

DELAY_SECONDS = 0.2


class SlowEmailBackend(EmailBackend):
    def send_messages(self, messages):
        time.sleep(DELAY_SECONDS)
        return super().send_messages(messages)
