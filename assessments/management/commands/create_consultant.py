import getpass
import sys

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations

from assessments import accounts


class Command(BaseCommand):
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

    @no_translations
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
            raise CommandError(f"No account created:\n{problems}") from error
        self.stdout.write(self.style.SUCCESS(f"Created consultant {user.username}."))
        if printed:
            self.stdout.write(f"Password (shown once): {printed}")
        self.stdout.write(f"Log in at {settings.SITE_URL}/login/")


def _prompt():
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password (again): "):
        raise CommandError("The passwords differ; no account created.")
    return first
