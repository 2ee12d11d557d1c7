from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from assessments.management.language import TranslatedCommand, os_reason
from assessments.models import QuestionSet
from assessments.questionsets import questionset_to_dict, questionset_to_json
from assessments.questionsets.spreadsheet import questionset_to_xlsx


class Command(TranslatedCommand):
    help = (
        "Print a question set as JSON, or write it as an XLSX workbook "
        "(docs/questionset-format.md)."
    )

    def add_base_argument(self, parser, *args, **kwargs):
        # --version here means the question set's version, not Django's.
        if "--version" not in args:
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", default="partnerscan")
        parser.add_argument("--version", dest="set_version", type=int)
        parser.add_argument("-o", "--output", help="write to this file instead")
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=["json", "xlsx"],
            default="json",
            help="json (default) or xlsx (needs -o)",
        )

    def handle(self, *args, slug, set_version, output, fmt, **options):
        if fmt == "xlsx" and not output:
            raise CommandError(_("An XLSX workbook needs a file: add -o FILE."))
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
        if fmt == "xlsx":
            self._write(output, questionset_to_xlsx(questionset_to_dict(question_set)))
            return
        text = questionset_to_json(question_set)
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        else:
            self.stdout.write(text)

    def _write(self, output, data):
        try:
            with open(output, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s.")
                % {"file": output, "reason": os_reason(exc)}
            ) from exc
