from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from assessments.management.language import TranslatedCommand
from assessments.models import QuestionSet
from assessments.questionsets import questionset_to_json


class Command(TranslatedCommand):
    help = "Print a question set as JSON (docs/questionset-format.md)."

    def add_base_argument(self, parser, *args, **kwargs):
        # --version here means the question set's version, not Django's.
        if "--version" not in args:
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", default="partnerscan")
        parser.add_argument("--version", dest="set_version", type=int)
        parser.add_argument("-o", "--output", help="write to this file instead")

    def handle(self, *args, slug, set_version, output, **options):
        sets = QuestionSet.objects.filter(slug=slug)
        if set_version is not None:
            question_set = sets.filter(version=set_version).first()
        else:
            # The newest published version, else the newest of any status.
            question_set = (
                sets.published().order_by("-version").first()
                or sets.order_by("-version").first()
            )
        if question_set is None:
            if set_version is None:
                raise CommandError(_("No question set '%(slug)s'.") % {"slug": slug})
            raise CommandError(
                _("No question set '%(slug)s' version %(version)s.")
                % {"slug": slug, "version": set_version}
            )
        text = questionset_to_json(question_set)
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        else:
            self.stdout.write(text)
