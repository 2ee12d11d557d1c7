"""One language per command run.

An operator reading "…was not imported; nothing changed:" followed by Dutch line
errors has to read two languages at once: the problems come from the same translated
code the web pages use. So every command that prints for people takes `--lang`
(default `settings.LANGUAGE_CODE`) and runs entirely inside that language.
"""

import errno

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _


class TranslatedCommand(BaseCommand):
    """A command whose messages, and the errors it passes on, share one language."""

    lang_help = "language of the messages (default: %(default)s)"

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--lang",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help=self.lang_help,
        )
        return parser

    def execute(self, *args, **options):
        with translation.override(options.get("lang") or settings.LANGUAGE_CODE):
            return super().execute(*args, **options)


def os_reason(error: OSError) -> str:
    """Why a file could not be read or written, in the active language.

    The operating system's own text (`strerror`) is always English.
    """
    reasons = {
        errno.ENOENT: _("the file does not exist"),
        errno.EACCES: _("permission denied"),
        errno.EISDIR: _("it is a folder"),
    }
    return reasons.get(error.errno) or _("error %(code)s") % {"code": error.errno}
