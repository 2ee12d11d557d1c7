"""makemessages without fuzzy matching.

msgmerge's fuzzy matching guesses a translation for a new string from a similar old
one and marks it fuzzy, which compilemessages then drops: the string silently shows in
English. New strings must come out empty, so the i18n test names them.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
