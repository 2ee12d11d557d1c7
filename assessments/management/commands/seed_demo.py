from django.conf import settings
from django.utils.translation import gettext as _

from assessments.demo import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    demo_admin_recovery_codes,
    demo_seed,
)
from assessments.management.language import TranslatedCommand


class Command(TranslatedCommand):
    help = (
        "Install the default question set, a demo consultant and a demo partnership "
        "with a partly answered assessment. Safe to run again."
    )

    def handle(self, *args, **options):
        assessment, created = demo_seed()
        self.stdout.write(
            self.style.SUCCESS(_("Demo created."))
            if created
            else _("Demo already present.")
        )
        self.stdout.write(
            _("Log in at %(url)s as %(username)s / %(password)s")
            % {
                "url": f"{settings.SITE_URL}/login/",
                "username": DEMO_USERNAME,
                "password": DEMO_PASSWORD,
            }
        )
        self.stdout.write(
            _("Admin at %(url)s as %(username)s / %(password)s")
            % {
                "url": f"{settings.SITE_URL}/admin/",
                "username": ADMIN_USERNAME,
                "password": ADMIN_PASSWORD,
            }
        )
        # Staff always give a second step; new codes on every run (docs/README).
        self.stdout.write(
            _("then a recovery code (each works once): %(codes)s")
            % {"codes": ", ".join(demo_admin_recovery_codes())}
        )
        self.stdout.write(
            _("Assessment %(id)s: %(title)s")
            % {"id": assessment.pk, "title": assessment}
        )
        self.stdout.write(_("Invitation links:"))
        respondents = assessment.respondents.select_related("organisation")
        for respondent in respondents:
            url = respondent.invitation_url()
            if url:
                self.stdout.write(f"# {respondent.label} ({respondent.organisation})")
                self.stdout.write(url)
