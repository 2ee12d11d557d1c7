import getpass
import sys

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from assessments import accounts
from assessments.management.language import TranslatedCommand


class Command(TranslatedCommand):
    help = (
        "Create a consultant account (an ordinary user, not staff). Without "
        "--password it asks for one, or prints a random one when not interactive."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--password", help="the password (visible in history)")
        group.add_argument(
            "--random-password",
            action="store_true",
            help="generate a password and print it once",
        )

    def handle(self, *args, username, email, password, random_password, **options):
        printed = None
        if random_password or (password is None and not sys.stdin.isatty()):
            password = printed = accounts.random_password()
        elif password is None:
            password = _prompt()
        try:
            user = accounts.consultant_create(
                username=username,
                email=email,
                password=password,
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
        except ValidationError as error:
            problems = "\n".join(f"  - {message}" for message in error.messages)
            raise CommandError(_("No account created:") + f"\n{problems}") from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Created consultant %(username)s.") % {"username": user.username}
            )
        )
        if printed:
            self.stdout.write(
                _("Password (shown once): %(password)s") % {"password": printed}
            )
        self.stdout.write(
            _("Log in at %(url)s") % {"url": f"{settings.SITE_URL}/login/"}
        )
        if settings.PARTNERSCAN_REQUIRE_2FA:
            self.stdout.write(
                _(
                    "Two-step verification is required: the first log-in asks to "
                    "set up an authenticator app."
                )
            )


def _prompt():
    first = getpass.getpass(_("Password: "))
    if first != getpass.getpass(_("Password (again): ")):
        raise CommandError(_("The passwords differ; no account created."))
    return first
