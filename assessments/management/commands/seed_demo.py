from django.conf import settings
from django.core.management.base import BaseCommand

from assessments.demo import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    demo_seed,
)


class Command(BaseCommand):
    help = (
        "Install the default question set, a demo consultant and a demo partnership "
        "with a partly answered assessment. Safe to run again."
    )

    def handle(self, *args, **options):
        assessment, created = demo_seed()
        self.stdout.write(
            self.style.SUCCESS("Demo created.") if created else "Demo already present."
        )
        self.stdout.write(
            f"Log in at {settings.SITE_URL}/login/ as {DEMO_USERNAME} / {DEMO_PASSWORD}"
        )
        self.stdout.write(
            f"Admin at {settings.SITE_URL}/admin/ "
            f"as {ADMIN_USERNAME} / {ADMIN_PASSWORD}"
        )
        self.stdout.write(f"Assessment {assessment.pk}: {assessment}")
        self.stdout.write("Invitation links:")
        respondents = assessment.respondents.select_related("organisation")
        for respondent in respondents:
            url = respondent.invitation_url()
            if url:
                self.stdout.write(f"# {respondent.label} ({respondent.organisation})")
                self.stdout.write(url)
